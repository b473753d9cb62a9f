#include "engine/cache/heap_bytes.h"

#include "engine/cache/tree_heap_bytes.h"

namespace chunkls {

std::uint64_t heap_bytes(const Tree& tree) {
  return chunkls_tree_heap_bytes(tree.get());
}

std::uint64_t heap_bytes(const ChunkedText& chunked) {
  std::uint64_t total = buffer_bytes(chunked.chunks) + buffer_bytes(chunked.folds) +
                        buffer_bytes(chunked.origins) + buffer_bytes(chunked.fold_parts.blocks) +
                        buffer_bytes(chunked.fold_parts.comments) +
                        buffer_bytes(chunked.fold_parts.imports);
  for (const Chunk& chunk : chunked.chunks) {
    total += heap_bytes(chunk.name) + heap_bytes(chunk.detail);
  }
  return total;
}

}  // namespace chunkls
