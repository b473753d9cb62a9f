// FUZZ_CHECK: a property a fuzz target asserts. A failure prints what differed and
// aborts, which libFuzzer records as a crash (and saves the input) and the corpus replay
// reports as a failed test. Unlike assert(), it stays in release builds.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace chunkls::fuzz {

[[noreturn]] inline void fail(const char* condition, const char* file, int line,
                              const std::string& detail) {
  std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n%s\n", file, line, condition, detail.c_str());
  std::abort();
}

}  // namespace chunkls::fuzz

#define FUZZ_CHECK(condition, detail)                                                  \
  do {                                                                                 \
    if (!(condition)) ::chunkls::fuzz::fail(#condition, __FILE__, __LINE__, (detail)); \
  } while (false)
