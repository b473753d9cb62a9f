# The tree-sitter runtime and the grammars come from the npm packages pinned in
# package.json / package-lock.json (installed by scripts/setup). They are compiled
# here into static libraries; nothing of them is copied into the repository.

set(TS_RUNTIME_DIR ${CHUNKLS_NODE_MODULES}/tree-sitter/vendor/tree-sitter/lib)
add_library(tree_sitter_runtime STATIC ${TS_RUNTIME_DIR}/src/lib.c)
target_include_directories(tree_sitter_runtime
  PUBLIC ${TS_RUNTIME_DIR}/include
  PRIVATE ${TS_RUNTIME_DIR}/src ${TS_RUNTIME_DIR}/src/wasm)
target_compile_definitions(tree_sitter_runtime PRIVATE _POSIX_C_SOURCE=200112L _DEFAULT_SOURCE)
target_compile_options(tree_sitter_runtime PRIVATE -O2 -w)
set_target_properties(tree_sitter_runtime PROPERTIES POSITION_INDEPENDENT_CODE ON)

# chunkls_add_grammar(<name> <src-dir> [SCANNER <target>]): one static library per
# grammar. Grammars are generated tables; they are always built at -O2 and without
# sanitizers (the runtime and our code carry the checks). SCANNER names a library of
# ours that replaces the grammar's scanner.c (engine/syntax/scanners/).
function(chunkls_add_grammar name src_dir)
  cmake_parse_arguments(ARG "" "SCANNER" "" ${ARGN})
  set(sources ${src_dir}/parser.c)
  if(EXISTS ${src_dir}/scanner.c AND NOT ARG_SCANNER)
    list(APPEND sources ${src_dir}/scanner.c)
  endif()
  add_library(ts_grammar_${name} STATIC ${sources})
  target_include_directories(ts_grammar_${name} PRIVATE ${src_dir})
  target_compile_options(ts_grammar_${name} PRIVATE -O2 -w -fno-sanitize=all)
  set_target_properties(ts_grammar_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  if(ARG_SCANNER)
    target_link_libraries(ts_grammar_${name} PUBLIC ${ARG_SCANNER})
  endif()
  set_property(GLOBAL APPEND PROPERTY CHUNKLS_GRAMMAR_TARGETS ts_grammar_${name})
endfunction()

# chunkls_add_upstream_grammar(<name> <src-dir>): the grammar with its own scanner.c,
# every entry point renamed tree_sitter_<name>_upstream*, so a test can link it next to
# the grammar built with our scanner and compare their trees.
function(chunkls_add_upstream_grammar name src_dir)
  set(target ts_grammar_${name}_upstream)
  add_library(${target} STATIC EXCLUDE_FROM_ALL ${src_dir}/parser.c ${src_dir}/scanner.c)
  target_include_directories(${target} PRIVATE ${src_dir})
  target_compile_options(${target} PRIVATE -O2 -w -fno-sanitize=all)
  set(prefix tree_sitter_${name})
  target_compile_definitions(${target} PRIVATE
    ${prefix}=${prefix}_upstream
    ${prefix}_external_scanner_create=${prefix}_upstream_external_scanner_create
    ${prefix}_external_scanner_destroy=${prefix}_upstream_external_scanner_destroy
    ${prefix}_external_scanner_scan=${prefix}_upstream_external_scanner_scan
    ${prefix}_external_scanner_serialize=${prefix}_upstream_external_scanner_serialize
    ${prefix}_external_scanner_deserialize=${prefix}_upstream_external_scanner_deserialize)
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

set(NM ${CHUNKLS_NODE_MODULES})
chunkls_add_grammar(bash       ${NM}/tree-sitter-bash/src)
chunkls_add_grammar(c          ${NM}/tree-sitter-c/src)
chunkls_add_grammar(cpp        ${NM}/tree-sitter-cpp/src)
chunkls_add_grammar(go         ${NM}/tree-sitter-go/src)
chunkls_add_grammar(java       ${NM}/tree-sitter-java/src)
chunkls_add_grammar(javascript ${NM}/tree-sitter-javascript/src)
chunkls_add_grammar(json       ${NM}/tree-sitter-json/src)
# Python's scanner is ours: upstream's is quadratic on runs of comment lines
# (engine/syntax/scanners/python_scanner.h).
chunkls_add_grammar(python     ${NM}/tree-sitter-python/src SCANNER chunkls_python_scanner)
# Upstream's, for tests/grammar/python_scanner_test.cpp and bench/python_comment_runs.cpp.
chunkls_add_upstream_grammar(python ${NM}/tree-sitter-python/src)
chunkls_add_grammar(ruby       ${NM}/tree-sitter-ruby/src)
chunkls_add_grammar(rust       ${NM}/tree-sitter-rust/src)
chunkls_add_grammar(typescript ${NM}/tree-sitter-typescript/typescript/src)
chunkls_add_grammar(tsx        ${NM}/tree-sitter-typescript/tsx/src)
