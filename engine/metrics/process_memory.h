// ProcessMemory: what the process holds right now, for chunkls/stats and --stats:
// resident set size (/proc/self/statm) and the bytes malloc has handed out and not got
// back (glibc's mallinfo2: in-use arena blocks plus mmapped blocks).
//
// A free function reading the kernel's and the allocator's counters; safe from any
// thread.
#pragma once

#include <cstdint>

namespace chunkls {

struct ProcessMemory {
  std::uint64_t rss_bytes = 0;   // 0 when /proc is not readable
  std::uint64_t heap_bytes = 0;  // 0 under a sanitizer's allocator
};

ProcessMemory process_memory();

}  // namespace chunkls
