// tree_heap_bytes: the heap a tree-sitter tree holds, to the byte, for the caches'
// byte budgets. tree-sitter's API does not tell a tree's size and node counts predict it
// within a factor of two only (54 to 131 bytes per visible node across our grammars), so
// this walks the runtime's own subtree layout (the tree-sitter version pinned in
// package-lock.json; tree_heap_bytes.c is the one file of ours that reads it).
//
// Counts each heap subtree the tree reaches, plus the malloc header of each block, as
// glibc's mallinfo2() counts them. Subtrees shared with another live tree (an edited
// copy) are counted in both. O(nodes), iterative. Reads the tree only: safe while other
// threads read it, not while one edits it.
#pragma once

#include <stddef.h>
#include <tree_sitter/api.h>

#ifdef __cplusplus
extern "C" {
#endif

size_t chunkls_tree_heap_bytes(const TSTree* tree);

#ifdef __cplusplus
}
#endif
