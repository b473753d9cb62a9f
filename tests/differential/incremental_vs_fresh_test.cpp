// Differential oracle for incremental sync: on real files of every language, hundreds
// of random edits (inserts, deletes, multi-line pastes, non-ASCII text, several changes
// per didChange, CRLF files) go to the real server as incremental didChange
// notifications, and after every edit its documentSymbol, foldingRange and
// selectionRange answers for the edited document must equal those for a fresh didOpen
// of the same text. The test keeps its own copy of the text and converts positions
// with its own reading of the LSP rules, so a server that mis-applies an edit diverges.
//
// Seeded and reproducible: a failure prints the seed, the file and the edit number.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/lsp_test_support.h"

namespace chunkls::e2e {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string name;  // test name suffix
  std::string language_id;
  std::vector<fs::path> candidates;  // real files nobody here wrote, first found wins
  fs::path fixture;                  // ours, when none of them is on this machine
  bool crlf = false;
  std::string encoding = "utf-16";
};

// ctest lists the case by its name, not by its bytes.
void PrintTo(const Case& c, std::ostream* out) {
  *out << c.name;
}

std::vector<Case> cases() {
  const fs::path nm = kSourceDir / "node_modules";
  const fs::path py = CHUNKLS_PYTHON_STDLIB;  // asked once by CMake (tests/CMakeLists.txt)
  const fs::path fx = kSourceDir / "tests" / "fixtures";
  return {
      {"python",
       "python",
       {py / "textwrap.py", py / "json" / "decoder.py"},
       fx / "python/sample.py"},
      {"python_crlf", "python", {py / "shlex.py"}, fx / "python/sample.py", true},
      {"python_utf8", "python", {py / "calendar.py"}, fx / "python/sample.py", false, "utf-8"},
      {"c", "c", {nm / "tree-sitter/vendor/tree-sitter/lib/src/stack.c"}, fx / "c/sample.c"},
      {"c_crlf",
       "c",
       {nm / "tree-sitter/vendor/tree-sitter/lib/src/node.c"},
       fx / "c/sample.c",
       true},
      {"cpp",
       "cpp",
       {nm / "tree-sitter/src/node.cc", "/usr/include/c++/12/bits/stl_list.h"},
       fx / "cpp/sample.cpp"},
      {"go", "go", {"/usr/share/doc/git/contrib/persistent-https/proxy.go"}, fx / "go/sample.go"},
      {"rust", "rust", {}, fx / "rust/sample.rs"},
      {"java", "java", {}, fx / "java/sample.java"},
      {"javascript",
       "javascript",
       {nm / "tree-sitter-python/grammar.js"},
       fx / "javascript/sample.js"},
      {"typescript",
       "typescript",
       {nm / "tree-sitter/tree-sitter.d.ts"},
       fx / "typescript/sample.ts"},
      {"tsx", "typescriptreact", {}, fx / "tsx/sample.tsx"},
      {"ruby", "ruby", {}, fx / "ruby/sample.rb"},
      {"bash", "shellscript", {"/usr/share/ucf/ucf_helper_functions.sh"}, fx / "bash/sample.sh"},
      {"json", "json", {nm / "tree-sitter-json/package.json"}, fx / "json/sample.json"},
  };
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string to_crlf(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// The test's own model of LSP positions: lines end at \n, \r\n or \r; columns count
// UTF-16 code units (or bytes for utf-8).
class TextModel {
 public:
  TextModel(std::string text, bool utf8) : text_(std::move(text)), utf8_(utf8) {}
  const std::string& text() const { return text_; }

  Json position_of(std::size_t byte) const {
    int line = 0;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < byte; ++i) {
      if (text_[i] == '\n' ||
          (text_[i] == '\r' && (i + 1 >= text_.size() || text_[i + 1] != '\n'))) {
        ++line;
        line_start = i + 1;
      }
    }
    int column = 0;
    for (std::size_t i = line_start; i < byte;) {
      const auto c = static_cast<unsigned char>(text_[i]);
      const std::size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      column += utf8_ ? static_cast<int>(length) : (length == 4 ? 2 : 1);
      i += length;
    }
    return position(line, column);
  }

  // A byte offset where an edit may start or end: on a character boundary and never
  // between the \r and \n of one line break (no LSP position names that spot).
  std::size_t boundary(std::size_t byte) const {
    byte = std::min(byte, text_.size());
    while (byte > 0 && byte < text_.size() &&
           (static_cast<unsigned char>(text_[byte]) & 0xC0) == 0x80) {
      --byte;
    }
    if (byte > 0 && byte < text_.size() && text_[byte - 1] == '\r' && text_[byte] == '\n') --byte;
    return byte;
  }

  void replace(std::size_t start, std::size_t end, const std::string& with) {
    text_.replace(start, end - start, with);
  }
  void set(std::string text) { text_ = std::move(text); }

 private:
  std::string text_;
  bool utf8_;
};

class EditGenerator {
 public:
  EditGenerator(unsigned seed, std::string original, bool crlf)
      : random_(seed), original_(std::move(original)), newline_(crlf ? "\r\n" : "\n") {}

  std::size_t below(std::size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(random_);
  }

  std::string snippet() {
    static const std::vector<std::string> kPieces = {
        "x",  "foo", " ",  "(", ")",    "{",      "}",         "[",   "]",       ":", ";",
        ",",  "=",   "\"", "'", "def ", "class ", "function ", "if ", "return ", "#", "//",
        "/*", "*/",  "\t", "é", "漢字", "😀",      "ß",         "->",  "    "};
    std::string out;
    const std::size_t pieces = 1 + below(4);
    for (std::size_t i = 0; i < pieces; ++i) {
      if (below(5) == 0) {
        out += newline_;
      } else {
        out += kPieces[below(kPieces.size())];
      }
    }
    return out;
  }

  // A slice of the original file: a realistic multi-line paste.
  std::string paste() {
    TextModel model(original_, false);
    const std::size_t start = model.boundary(below(original_.size()));
    const std::size_t end = model.boundary(std::min(original_.size(), start + 1 + below(400)));
    return original_.substr(start, end - start);
  }

  std::string inserted_text() {
    switch (below(6)) {
      case 0:
        return paste();
      case 1:
        return {};  // a pure deletion
      default:
        return snippet();
    }
  }

  std::size_t span_length() {
    switch (below(4)) {
      case 0:
        return 0;
      case 1:
        return below(400);  // often several lines
      default:
        return below(12);
    }
  }

 private:
  std::mt19937 random_;
  std::string original_;
  std::string newline_;
};

class IncrementalVsFresh : public ::testing::TestWithParam<Case> {};

TEST_P(IncrementalVsFresh, AnswersEqualAFreshOpenAfterRandomEdits) {
  const Case& c = GetParam();
  fs::path file = c.fixture;
  for (const fs::path& candidate : c.candidates) {
    if (fs::is_regular_file(candidate)) {
      file = candidate;
      break;
    }
  }
  ASSERT_TRUE(fs::is_regular_file(file)) << file;
  std::string original = read_file(file);
  if (c.crlf) original = to_crlf(original);
  const unsigned seed = 20261122u + static_cast<unsigned>(std::hash<std::string>{}(c.name) % 1000);
  SCOPED_TRACE("file " + file.string() + ", seed " + std::to_string(seed));
  const std::string ext = file.extension().string();

  ClientOptions options;
  options.position_encodings = {c.encoding};
  options.hierarchical_symbols = true;
  LspClient client = start_initialized(options);
  const std::string uri = "file:///differential/edited" + ext;
  open_document(client, uri, c.language_id, original, 1);

  TextModel model(original, c.encoding == "utf-8");
  EditGenerator edits(seed, original, c.crlf);
  const int kEdits =
      std::getenv("CHUNKLS_DIFF_EDITS") ? std::atoi(std::getenv("CHUNKLS_DIFF_EDITS")) : 150;
  const int kCheckEvery =
      std::getenv("CHUNKLS_DIFF_EVERY") ? std::atoi(std::getenv("CHUNKLS_DIFF_EVERY")) : 1;
  int version = 1;
  for (int step = 1; step <= kEdits; ++step) {
    Json changes = Json::array();
    const std::size_t count = 1 + edits.below(3);
    for (std::size_t k = 0; k < count; ++k) {
      const std::string& text = model.text();
      if (edits.below(60) == 0) {
        // Now and then the whole text is replaced, as some clients do on reload.
        std::string whole = text + edits.snippet();
        changes.push_back({{"text", whole}});
        model.set(std::move(whole));
        continue;
      }
      const std::size_t start = model.boundary(edits.below(text.size() + 1));
      const std::size_t end = model.boundary(std::min(text.size(), start + edits.span_length()));
      const std::string inserted = edits.inserted_text();
      changes.push_back({{"range",
                          {{"start", model.position_of(start)},
                           {"end", model.position_of(std::max(start, end))}}},
                         {"text", inserted}});
      model.replace(start, std::max(start, end), inserted);
    }
    client.notify(
        "textDocument/didChange",
        {{"textDocument", {{"uri", uri}, {"version", ++version}}}, {"contentChanges", changes}});
    if (step % kCheckEvery != 0 && step != kEdits) continue;

    SCOPED_TRACE("after edit " + std::to_string(step));
    const std::string fresh = "file:///differential/fresh" + std::to_string(step) + ext;
    open_document(client, fresh, c.language_id, model.text(), 1);
    EXPECT_EQ(document_symbols(client, uri), document_symbols(client, fresh));
    EXPECT_EQ(folding_ranges(client, uri), folding_ranges(client, fresh));
    Json positions = Json::array();
    for (int p = 0; p < 4; ++p) {
      positions.push_back(model.position_of(model.boundary(edits.below(model.text().size() + 1))));
    }
    EXPECT_EQ(selection_ranges(client, uri, positions), selection_ranges(client, fresh, positions));
    client.notify("textDocument/didClose", {{"textDocument", {{"uri", fresh}}}});
    if (::testing::Test::HasFailure()) break;  // one divergence is enough to debug
  }
  EXPECT_EQ(error_code(client.request("shutdown")), 0);
  client.notify("exit");
  EXPECT_EQ(client.wait_exit(), 0);
}

INSTANTIATE_TEST_SUITE_P(RealFiles, IncrementalVsFresh, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace chunkls::e2e
