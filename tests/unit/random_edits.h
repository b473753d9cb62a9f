// Seeded random edits over real files, for the incremental tests (LineIndex, Document):
// inserts, deletes and replacements with "\n", "\r\n", lone "\r", tabs and multi-byte
// UTF-8, multi-line pastes of the file's own text, and edits aimed at the bytes around
// line terminators, where "\r" and "\n" merge and split.
//
// Test-only; each generator is a value owned by one test.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/text/text_edit.h"

namespace chunkls::testing {

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The installed Python standard library. CMake asks python3 once, at configure time
// (tests/CMakeLists.txt): asking at each test process's start cost a second through
// pyenv's shims, times 600 processes.
inline std::filesystem::path python_stdlib_dir() {
  return CHUNKLS_PYTHON_STDLIB;
}

// "\n" -> "\r\n" (existing "\r\n" kept).
inline std::string to_crlf(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

// "\n" -> "\r": classic Mac line ends, lines tree-sitter does not see.
inline std::string to_lone_cr(std::string_view text) {
  std::string out(text);
  std::replace(out.begin(), out.end(), '\n', '\r');
  return out;
}

class RandomEdits {
 public:
  explicit RandomEdits(std::uint32_t seed) : rng_(seed) {}

  // One edit valid for `text`.
  TextEdit next(std::string_view text) {
    const auto size = static_cast<std::uint32_t>(text.size());
    std::uint32_t start = pick_position(text);
    std::uint32_t length = 0;
    const int kind = uniform(0, 9);
    if (kind >= 4) {  // delete or replace
      length = uniform(0, 3) == 0 ? uniform(0, 200) : uniform(0, 6);
      length = std::min(length, size - start);
    }
    std::string inserted;
    if (kind <= 6) inserted = uniform(0, 4) == 0 ? paste(text) : snippet();
    return TextEdit{start, start + length, std::move(inserted)};
  }

  std::uint32_t uniform(std::uint32_t lo, std::uint32_t hi) {
    return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng_);
  }

 private:
  // Anywhere, or right before/after a line terminator byte.
  std::uint32_t pick_position(std::string_view text) {
    const auto size = static_cast<std::uint32_t>(text.size());
    std::uint32_t pos = uniform(0, size);
    if (uniform(0, 2) != 0) return pos;
    const std::size_t found = text.find_first_of("\r\n", pos);
    if (found == std::string_view::npos) return pos;
    return static_cast<std::uint32_t>(found) + uniform(0, 1);
  }

  std::string snippet() {
    static constexpr std::array<std::string_view, 20> kPieces = {"a",
                                                                 "x",
                                                                 " ",
                                                                 "\t",
                                                                 "\n",
                                                                 "\r\n",
                                                                 "\r",
                                                                 "\r",
                                                                 "\n",
                                                                 "(",
                                                                 ")",
                                                                 ":",
                                                                 "{",
                                                                 "}",
                                                                 ";",
                                                                 "\xC3\xA9",
                                                                 "\xE4\xB8\xAD",
                                                                 "\xF0\x9F\x98\x80",
                                                                 "def g():\n  pass\n",
                                                                 "\"s\""};
    std::string out;
    for (std::uint32_t n = uniform(1, 6); n > 0; --n)
      out += kPieces[uniform(0, kPieces.size() - 1)];
    return out;
  }

  // A multi-line slice of the text itself, as an editor paste would bring.
  std::string paste(std::string_view text) {
    if (text.empty()) return "\n";
    const std::uint32_t from = uniform(0, static_cast<std::uint32_t>(text.size()) - 1);
    return std::string(text.substr(from, uniform(1, 300)));
  }

  std::mt19937 rng_;
};

}  // namespace chunkls::testing
