// Real files of all twelve languages (a fixture of ours where none is installed) and
// the edit mix the differential tests replay on them: random damage plus what editors
// do (whole lines deleted or pasted elsewhere, edits at the very start and end), and a
// readable first difference between two chunkings. Used by chunk_update_test and
// construct_chunking_test.
#pragma once

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "engine/chunks/chunker.h"
#include "random_edits.h"
#include "test_support.h"

namespace chunkls::testing {

namespace real_files_fs = std::filesystem;

struct Case {
  std::string name;
  std::string language;
  std::vector<real_files_fs::path>
      candidates;               // real files nobody here wrote; the first found wins
  real_files_fs::path fixture;  // ours, when none is on this machine
  bool crlf = false;
};

inline void PrintTo(const Case& c, std::ostream* out) {
  *out << c.name;
}

inline std::vector<Case> cases() {
  const real_files_fs::path nm = real_files_fs::path(CHUNKLS_SOURCE_DIR) / "node_modules";
  const real_files_fs::path fx = real_files_fs::path(CHUNKLS_SOURCE_DIR) / "tests" / "fixtures";
  const real_files_fs::path py = python_stdlib_dir();
  const real_files_fs::path ts = nm / "tree-sitter/vendor/tree-sitter/lib/src";
  return {
      {"python", "python", {py / "colorsys.py"}, fx / "python/sample.py"},
      {"python_textwrap", "python", {py / "textwrap.py"}, fx / "python/sample.py"},
      {"python_crlf", "python", {py / "fnmatch.py"}, fx / "python/sample.py", true},
      {"c", "c", {ts / "length.h", ts / "point.h"}, fx / "c/sample.c"},
      {"c_tree", "c", {ts / "tree.c"}, fx / "c/sample.c"},
      {"c_crlf", "c", {"/usr/include/dirent.h"}, fx / "c/sample.c", true},
      {"cpp", "cpp", {nm / "tree-sitter/src/tree.cc"}, fx / "cpp/sample.cpp"},
      {"go", "go", {"/usr/share/doc/git/contrib/persistent-https/client.go"}, fx / "go/sample.go"},
      {"rust", "rust", {}, fx / "rust/sample.rs"},
      {"java", "java", {}, fx / "java/sample.java"},
      {"javascript",
       "javascript",
       {nm / "node-addon-api/tools/check-napi.js"},
       fx / "javascript/sample.js"},
      {"typescript",
       "typescript",
       {nm / "tree-sitter/tree-sitter.d.ts"},
       fx / "typescript/sample.ts"},
      {"tsx", "tsx", {}, fx / "tsx/sample.tsx"},
      {"ruby",
       "ruby",
       {"/usr/share/nvim/runtime/autoload/provider/script_host.rb"},
       fx / "ruby/sample.rb"},
      {"bash", "bash", {"/usr/share/ucf/ucf_helper_functions.sh"}, fx / "bash/sample.sh"},
      {"json",
       "json",
       {nm / "tree-sitter-json/package.json", nm / "tree-sitter/package.json"},
       fx / "json/sample.json"},
  };
}

inline real_files_fs::path pick(const Case& c) {
  for (const real_files_fs::path& p : c.candidates) {
    std::error_code ec;
    if (real_files_fs::is_regular_file(p, ec) && real_files_fs::file_size(p, ec) < 120'000)
      return p;
  }
  return c.fixture;
}

// Random damage plus what editors do to code: whole lines deleted or pasted elsewhere,
// edits at the very start and end, and the previous step undone (back to valid code).
class EditMix {
 public:
  explicit EditMix(std::uint32_t seed) : random_(seed) {}

  TextEdit next(std::string_view text) {
    const auto size = static_cast<std::uint32_t>(text.size());
    switch (random_.uniform(0, 9)) {
      case 0: {  // delete a whole line
        const std::uint32_t at = line_start(text, random_.uniform(0, size));
        return {at, line_end(text, at), ""};
      }
      case 1: {  // paste another line at a line start
        const std::uint32_t from = line_start(text, random_.uniform(0, size));
        const std::uint32_t to = line_start(text, random_.uniform(0, size));
        return {to, to, std::string(text.substr(from, line_end(text, from) - from))};
      }
      case 2: {  // at the start or the end
        const std::uint32_t at = random_.uniform(0, 1) == 0 ? 0 : size;
        TextEdit e = random_.next(text);
        e.start_byte = e.old_end_byte = at;
        return e;
      }
      default:
        return random_.next(text);
    }
  }
  std::uint32_t uniform(std::uint32_t lo, std::uint32_t hi) { return random_.uniform(lo, hi); }

 private:
  static std::uint32_t line_start(std::string_view text, std::uint32_t at) {
    while (at > 0 && text[at - 1] != '\n')
      --at;
    return at;
  }
  static std::uint32_t line_end(std::string_view text, std::uint32_t at) {
    const std::size_t nl = text.find('\n', at);
    return nl == std::string_view::npos ? static_cast<std::uint32_t>(text.size())
                                        : static_cast<std::uint32_t>(nl + 1);
  }
  RandomEdits random_;
};

// Where a document's chunks or folds first differ from a fresh chunking; empty if
// nowhere.
inline std::string first_difference(const ChunkedText& got, const ChunkedText& expected) {
  std::ostringstream out;
  for (std::size_t i = 0; i < std::min(got.chunks.size(), expected.chunks.size()); ++i) {
    if (got.chunks[i] == expected.chunks[i]) continue;
    out << "chunk " << i << ":\n  got      ";
    PrintTo(got.chunks[i], &out);
    out << "\n  expected ";
    PrintTo(expected.chunks[i], &out);
    return out.str();
  }
  if (got.chunks.size() != expected.chunks.size()) {
    out << got.chunks.size() << " chunks, expected " << expected.chunks.size();
    return out.str();
  }
  for (std::size_t i = 0; i < std::min(got.folds.size(), expected.folds.size()); ++i) {
    if (got.folds[i] == expected.folds[i]) continue;
    out << "fold " << i << ":\n  got      ";
    PrintTo(got.folds[i], &out);
    out << "\n  expected ";
    PrintTo(expected.folds[i], &out);
    return out.str();
  }
  if (got.folds.size() != expected.folds.size()) {
    out << got.folds.size() << " folds, expected " << expected.folds.size();
  }
  return out.str();
}

}  // namespace chunkls::testing
