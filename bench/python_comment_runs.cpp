// Parse time of a commented-out block: `def f():\n    pass\n` and N comment lines, with
// the Python grammar's own scanner (upstream) and with ours. Medians of --repeat runs
// (one run for upstream past --upstream-max lines: it is quadratic).
// Usage: python_comment_runs [--repeat 3] [--upstream-max 13000] [--indent 0|4]
//        python_comment_runs --file PATH   (one file, both scanners)
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/syntax/ts_handles.h"

extern "C" {
const TSLanguage* tree_sitter_python();
const TSLanguage* tree_sitter_python_upstream();
}

namespace {

std::string commented_out_block(std::size_t lines, std::size_t indent) {
  std::string text = "def f():\n    pass\n";
  for (std::size_t line = 0; line < lines; ++line) {
    text += std::string(indent, ' ') + "# x = compute(" + std::to_string(line) + ")\n";
  }
  return text;
}

double median_seconds(const TSLanguage* language, const std::string& text, int repeat) {
  std::vector<double> runs;
  for (int i = 0; i < repeat; ++i) {
    chunkls::Parser parser;
    parser.set_language(language);
    const auto start = std::chrono::steady_clock::now();
    const chunkls::Tree tree = parser.parse(text);
    runs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!tree) std::abort();
  }
  std::sort(runs.begin(), runs.end());
  return runs[runs.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 3;
  std::size_t upstream_max = 13000;
  std::size_t indent = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--file") == 0) {
      std::ifstream in(argv[i + 1], std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      const double upstream = median_seconds(tree_sitter_python_upstream(), text.str(), 1);
      const double ours = median_seconds(tree_sitter_python(), text.str(), 1);
      fmt::print("{}: upstream scanner {:.3f} s, ours {:.3f} s\n", argv[i + 1], upstream, ours);
      return 0;
    }
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--upstream-max") == 0)
      upstream_max = std::strtoul(argv[i + 1], nullptr, 10);
    if (std::strcmp(argv[i], "--indent") == 0) indent = std::strtoul(argv[i + 1], nullptr, 10);
  }
  fmt::print(
      "| comment lines | bytes | upstream scanner | ours | upstream / ours "
      "|\n|---|---|---|---|---|\n");
  for (const std::size_t lines : {1000UL, 3000UL, 13000UL, 100000UL, 400000UL}) {
    const std::string text = commented_out_block(lines, indent);
    const double ours = median_seconds(tree_sitter_python(), text, repeat);
    if (lines > upstream_max) {
      fmt::print("| {} | {} | (not run) | {:.3f} s | |\n", lines, text.size(), ours);
      continue;
    }
    const double upstream =
        median_seconds(tree_sitter_python_upstream(), text, lines > 3000 ? 1 : repeat);
    fmt::print("| {} | {} | {:.3f} s | {:.3f} s | {:.0f} |\n", lines, text.size(), upstream, ours,
               upstream / ours);
  }
  return 0;
}
