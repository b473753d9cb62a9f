// Thread names for debuggers, `top -H`, perf and traces (ChromeTrace reads them).
//
// A free function on the calling thread; safe from any thread.
#pragma once

#include <string_view>

namespace chunkls {

// Names the calling thread (at most 15 bytes are kept).
void name_this_thread(std::string_view name);

}  // namespace chunkls
