// Heap accounting for the caches' byte budgets: how many bytes the process allocator
// really holds for a value, counted as glibc's mallinfo2() counts them (each block's
// usable size rounded up to 16 bytes plus its 8-byte header, at least 32). The caches
// charge each entry this, and tests/unit/cache_memory_test.cpp checks it against
// mallinfo2() within 20 %.
//
// Pure functions of the values; safe from any thread that may read them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/chunks/chunker.h"
#include "engine/syntax/ts_handles.h"

namespace chunkls {

// The block glibc's malloc hands out for a request of `requested` bytes (0 for none).
constexpr std::uint64_t heap_block_bytes(std::uint64_t requested) {
  if (requested == 0) return 0;
  const std::uint64_t block = (requested + 8 + 15) & ~std::uint64_t{15};
  return block < 32 ? 32 : block;
}

// The heap behind a string (0 while it fits the small-string buffer).
inline std::uint64_t heap_bytes(const std::string& s) {
  return s.capacity() > 15 ? heap_block_bytes(s.capacity() + 1) : 0;
}

// The buffer of a vector of trivially sized elements (not what they point to).
template <typename T>
std::uint64_t buffer_bytes(const std::vector<T>& v) {
  return heap_block_bytes(v.capacity() * sizeof(T));
}

// A tree's nodes (see tree_heap_bytes.h).
std::uint64_t heap_bytes(const Tree& tree);

// Chunks, folds, origins and fold parts of a chunked text; its tree not included.
std::uint64_t heap_bytes(const ChunkedText& chunked);

}  // namespace chunkls
