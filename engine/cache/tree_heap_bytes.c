// Reads tree-sitter's internal subtree layout (lib/src/subtree.h, tree.h) of the pinned
// runtime: see tree_heap_bytes.h.
#include "engine/cache/tree_heap_bytes.h"

#include <malloc.h>
#include <stdlib.h>

#include "subtree.h"
#include "tree.h"

// What one heap block costs glibc: its usable size plus the size field before it.
static size_t block_bytes(const void* block) {
  return block ? malloc_usable_size((void*)block) + sizeof(size_t) : 0;
}

size_t chunkls_tree_heap_bytes(const TSTree* tree) {
  if (!tree) return 0;
  size_t total = block_bytes(tree) + block_bytes(tree->included_ranges);
  size_t capacity = 64;
  size_t count = 0;
  const SubtreeHeapData** stack = malloc(capacity * sizeof *stack);
  if (!stack) return total;
  if (!tree->root.data.is_inline && tree->root.ptr) stack[count++] = tree->root.ptr;
  while (count > 0) {
    const SubtreeHeapData* node = stack[--count];
    if (node->child_count == 0) {
      total += block_bytes(node);  // a leaf too large to be inline
      if (node->has_external_tokens &&
          node->external_scanner_state.length > sizeof node->external_scanner_state.short_data) {
        total += block_bytes(node->external_scanner_state.long_data);
      }
      continue;
    }
    // An inner node's children are allocated right before it, in one block.
    const Subtree* children = (const Subtree*)node - node->child_count;
    total += block_bytes(children);
    for (uint32_t i = 0; i < node->child_count; ++i) {
      if (children[i].data.is_inline) continue;  // stored in the children array itself
      if (count == capacity) {
        capacity *= 2;
        const SubtreeHeapData** grown = realloc(stack, capacity * sizeof *stack);
        if (!grown) {
          free(stack);
          return total;  // an undercount beats failing a cache insert
        }
        stack = grown;
      }
      stack[count++] = children[i].ptr;
    }
  }
  free(stack);
  return total;
}
