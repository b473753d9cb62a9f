#include "engine/metrics/process_memory.h"

#include <malloc.h>
#include <unistd.h>

#include <fstream>

namespace chunkls {

ProcessMemory process_memory() {
  ProcessMemory out;
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size_pages = 0;
  std::uint64_t resident_pages = 0;
  if (statm >> size_pages >> resident_pages) {
    out.rss_bytes = resident_pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  }
  const struct mallinfo2 info = mallinfo2();
  out.heap_bytes = info.uordblks + info.hblkhd;
  return out;
}

}  // namespace chunkls
