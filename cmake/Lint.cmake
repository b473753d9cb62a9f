# Static analysis as tests: scripts/lint (clang-tidy, cppcheck) on this build's compile
# database, over engine/, protocol/ and server/; any finding fails. Label lint: the
# release suite of scripts/test runs them, the sanitizer suite does not (once is enough).
# scripts/setup --tests installs both tools.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
find_program(CHUNKLS_CLANG_TIDY clang-tidy-14)
find_program(CHUNKLS_CPPCHECK cppcheck)
if(CHUNKLS_CLANG_TIDY AND CHUNKLS_CPPCHECK)
  foreach(tool clang-tidy cppcheck)
    string(REPLACE "-" "_" name ${tool})
    add_test(NAME lint.${name}
      COMMAND Python3::Interpreter ${CMAKE_SOURCE_DIR}/scripts/lint -B ${CMAKE_BINARY_DIR} ${tool})
    # It runs on every core: ctest starts nothing else beside it.
    set_tests_properties(lint.${name} PROPERTIES TIMEOUT 1800 LABELS lint PROCESSORS 2)
  endforeach()
else()
  message(WARNING "clang-tidy-14 or cppcheck missing: no lint tests (scripts/setup --tests installs them)")
endif()
