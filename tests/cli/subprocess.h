// Runs a program with arguments and optional standard input, and collects its exit
// code, standard output and standard error. For tests that drive the real binary.
#pragma once

#include <string>
#include <vector>

namespace chunkls::testing {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal number when killed by a signal
  std::string out;
  std::string err;
  long max_rss_kb = 0;  // the child's peak resident memory
};

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = {});

}  // namespace chunkls::testing
