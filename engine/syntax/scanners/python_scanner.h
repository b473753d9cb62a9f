// PythonScanner: chunkls's own external scanner for the tree-sitter-python grammar
// (the grammar's `externals`: _newline, _indent, _dedent, string_start,
// _string_content, escape_interpolation, string_end, comment, `]`, `)`, `}`, except).
//
// Why our own: the upstream scanner reads every comment line up to the next line of
// code at every comment it meets, to learn that line's indentation, so a run of N
// comment lines after an indented block costs O(N²) (tree-sitter-python PR #245 was
// never merged): a commented-out block of 13,000 lines took over a minute to parse.
// This scanner produces the same tokens at the same places, but stops reading as soon
// as the answer cannot change: after the run's first comment line, when neither an
// indent nor a dedent can follow from it (see scan_line_start()). What it reads is
// what tree-sitter records as the token's lookahead, so incremental reparses stay
// exact. tests/differential/python_scanner_equivalence_test.cpp compares the trees of
// both scanners on the standard library, the fixtures and generated text.
//
// Ownership: tree-sitter creates one scanner per TSParser through the C entry points
// below and destroys it with the parser. Thread-safety: none; a scanner belongs to its
// parser, which is used by one thread at a time.
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

struct TSLexer;

void* tree_sitter_python_external_scanner_create(void);
void tree_sitter_python_external_scanner_destroy(void* payload);
bool tree_sitter_python_external_scanner_scan(void* payload, struct TSLexer* lexer,
                                              const bool* valid_symbols);
unsigned tree_sitter_python_external_scanner_serialize(void* payload, char* buffer);
void tree_sitter_python_external_scanner_deserialize(void* payload, const char* buffer,
                                                     unsigned length);

#ifdef __cplusplus
}
#endif
