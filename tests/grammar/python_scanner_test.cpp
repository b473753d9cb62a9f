// Our Python external scanner (engine/syntax/scanners/python_scanner.h) against the
// grammar's own scanner.c, linked here under the name tree_sitter_python_upstream:
// identical trees on the installed standard library, the fixtures and generated text;
// incremental reparses equal to fresh parses; and comment runs read once, measured by
// the bytes the lexer asks the input for (not by time).
#include <gtest/gtest.h>
#include <tree_sitter/api.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/syntax/ts_handles.h"

extern "C" {
const TSLanguage* tree_sitter_python();
const TSLanguage* tree_sitter_python_upstream();
}

namespace chunkls {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string describe(TSNode node) {
  const TSPoint start = ts_node_start_point(node);
  return std::string(ts_node_type(node)) + " at " + std::to_string(start.row + 1) + ":" +
         std::to_string(start.column + 1) + " [" + std::to_string(ts_node_start_byte(node)) + "," +
         std::to_string(ts_node_end_byte(node)) + ")" +
         (ts_node_is_missing(node) ? " missing" : "") + (ts_node_is_extra(node) ? " extra" : "");
}

// The first difference between two trees in pre-order, or nothing when they are the same
// (node types, ranges, missing/extra flags, fields).
std::optional<std::string> first_difference(const Tree& expected, const Tree& actual) {
  TreeCursor a(expected.root());
  TreeCursor b(actual.root());
  for (;;) {
    const TSNode x = a.node();
    const TSNode y = b.node();
    const bool same = ts_node_symbol(x) == ts_node_symbol(y) &&
                      ts_node_start_byte(x) == ts_node_start_byte(y) &&
                      ts_node_end_byte(x) == ts_node_end_byte(y) &&
                      ts_node_is_missing(x) == ts_node_is_missing(y) &&
                      ts_node_is_extra(x) == ts_node_is_extra(y) &&
                      std::string_view(a.field_name() ? a.field_name() : "") ==
                          std::string_view(b.field_name() ? b.field_name() : "");
    if (!same) return "expected " + describe(x) + ", got " + describe(y);
    const bool more_a = a.next();
    const bool more_b = b.next();
    if (more_a != more_b) return "one tree ends first, after " + describe(x);
    if (!more_a) return std::nullopt;
  }
}

Tree parse(const TSLanguage* language, std::string_view text, const Tree* old = nullptr) {
  Parser parser;
  EXPECT_TRUE(parser.set_language(language));
  return parser.parse(text, old);
}

std::optional<std::string> compare_scanners(std::string_view text) {
  return first_difference(parse(tree_sitter_python_upstream(), text),
                          parse(tree_sitter_python(), text));
}

// Every file; every Nth with CHUNKLS_STDLIB_EVERY=N (the sanitizer run of scripts/test,
// 10x slower: the normal build's run compares them all).
std::size_t stdlib_every() {
  const char* env = std::getenv("CHUNKLS_STDLIB_EVERY");
  return env != nullptr ? std::max(1, std::atoi(env)) : 1;
}

TEST(PythonScanner, SameTreesAsUpstreamOnTheStandardLibrary) {
  const fs::path stdlib = CHUNKLS_PYTHON_STDLIB;
  ASSERT_TRUE(fs::is_directory(stdlib)) << stdlib;
  const std::size_t every = stdlib_every();
  std::size_t seen = 0;
  std::size_t files = 0;
  std::size_t bytes = 0;
  for (auto it = fs::recursive_directory_iterator(stdlib); it != fs::end(it); ++it) {
    // Third-party packages installed into this Python are not its standard library.
    if (it->is_directory() && it->path().filename() == "site-packages") {
      it.disable_recursion_pending();
      continue;
    }
    const fs::directory_entry& entry = *it;
    if (!entry.is_regular_file() || entry.path().extension() != ".py") continue;
    if (seen++ % every != 0) continue;
    const std::string text = read_file(entry.path());
    const auto difference = compare_scanners(text);
    EXPECT_FALSE(difference) << entry.path() << ": " << *difference;
    ++files;
    bytes += text.size();
  }
  EXPECT_GT(files, 1000U / every);
  RecordProperty("files", static_cast<int>(files));
  RecordProperty("bytes", static_cast<int>(bytes));
}

TEST(PythonScanner, SameTreesAsUpstreamOnTheFixtures) {
  std::size_t files = 0;
  for (const auto& entry :
       fs::recursive_directory_iterator(fs::path(CHUNKLS_SOURCE_DIR) / "tests" / "fixtures")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".py") continue;
    const auto difference = compare_scanners(read_file(entry.path()));
    EXPECT_FALSE(difference) << entry.path() << ": " << *difference;
    ++files;
  }
  EXPECT_GT(files, 0U);
}

// Lines made of the pieces the scanner decides on: indentation (spaces, tabs, \f),
// comments at any depth, blank lines, continuations, string prefixes and quotes,
// f-string braces, escapes, brackets, \r and NUL bytes.
std::string generated_text(std::mt19937& random, int lines) {
  static const std::vector<std::string> pieces = {
      "def f(a, b):",
      "class C:",
      "if x:",
      "else:",
      "try:",
      "except E:",
      "for i in y:",
      "pass",
      "return x",
      "x = 1",
      "# comment",
      "#",
      "y = (1,",
      "2)",
      "z = [",
      "]",
      "'s'",
      "\"d\"",
      "'''t",
      "t'''",
      "\"\"\"u",
      "u\"\"\"",
      "f'{x}'",
      "f'{{'",
      "rb'\\x'",
      "b'\\N{DASH}'",
      "r'\\''",
      "f\"a{b!r:>{w}}c\"",
      "t'{x}'",
      "`",
      "\\",
      "x = \\",
      "print(x) # trailing",
      "lambda: (",
      "{",
      "}",
      "\"unterminated",
      "'''",
      "@dec",
      "async def g():",
      "match x:",
      "case 1:",
      "while True:",
      "with a as b:",
      "",
  };
  static const std::vector<std::string> indents = {"",   "",       "    ", "        ",    "  ",
                                                   "\t", "    \t", "\f",   "            "};
  std::string text;
  for (int i = 0; i < lines; ++i) {
    text += indents[random() % indents.size()];
    text += pieces[random() % pieces.size()];
    if (random() % 7 == 0) text += pieces[random() % pieces.size()];
    const unsigned ending = random() % 40;
    text += ending == 0 ? "\r\n" : ending == 1 ? std::string("\0\n", 2) : "\n";
  }
  return text;
}

TEST(PythonScanner, SameTreesAsUpstreamOnGeneratedText) {
  std::mt19937 random(20261202);
  for (int round = 0; round < 3000; ++round) {
    const std::string text = generated_text(random, 1 + static_cast<int>(random() % 40));
    const auto difference = compare_scanners(text);
    ASSERT_FALSE(difference) << "round " << round << ": " << *difference << "\ntext:\n" << text;
  }
}

TSPoint point_at(std::string_view text, std::uint32_t byte) {
  TSPoint point{0, 0};
  for (std::uint32_t i = 0; i < byte; ++i) {
    if (text[i] == '\n') {
      ++point.row;
      point.column = 0;
    } else {
      ++point.column;
    }
  }
  return point;
}

// The scanner reads less than upstream's did, and tree-sitter keeps what it read as each
// token's lookahead: an edit beyond it reuses the token. Random edits into comment runs
// and the code around them must reparse to what a fresh parse gives.
TEST(PythonScanner, IncrementalReparseEqualsFreshParse) {
  std::mt19937 random(7);
  const std::vector<std::string> insertions = {
      "#", "# c\n", "\n", "    ", "x = 1\n", "\t", "def g():\n", "  # c\n", "\\\n", "'", "pass\n"};
  for (int round = 0; round < 300; ++round) {
    std::string text = "class A:\n    def f(self):\n        if x:\n            y = 1\n";
    for (int i = 0; i < 20; ++i) {
      text += std::string(4 * (random() % 4), ' ') + "# commented " + std::to_string(i) + "\n";
    }
    text += std::string(4 * (random() % 4), ' ') + "z = 2\n    def g(self):\n        pass\n";
    Parser parser;
    ASSERT_TRUE(parser.set_language(tree_sitter_python()));
    Tree tree = parser.parse(text);
    for (int edit = 0; edit < 8; ++edit) {
      const auto start = static_cast<std::uint32_t>(random() % (text.size() + 1));
      const auto removed = std::min<std::uint32_t>(static_cast<std::uint32_t>(random() % 6),
                                                   static_cast<std::uint32_t>(text.size()) - start);
      const std::string inserted =
          random() % 3 == 0 ? "" : insertions[random() % insertions.size()];
      const TSPoint start_point = point_at(text, start);
      const TSPoint old_end_point = point_at(text, start + removed);
      text.replace(start, removed, inserted);
      const auto new_end = static_cast<std::uint32_t>(start + inserted.size());
      const TSInputEdit input_edit{start,       start + removed, new_end,
                                   start_point, old_end_point,   point_at(text, new_end)};
      ts_tree_edit(tree.get(), &input_edit);
      tree = parser.parse(text, &tree);
      const auto against_fresh = first_difference(parse(tree_sitter_python(), text), tree);
      ASSERT_FALSE(against_fresh) << "round " << round << " edit " << edit << ": " << *against_fresh
                                  << "\ntext:\n"
                                  << text;
      const auto against_upstream = compare_scanners(text);
      ASSERT_FALSE(against_upstream) << *against_upstream << "\ntext:\n" << text;
    }
  }
}

// Hands the parser the text in small pieces and counts the bytes it asks for: a lexer
// that reads a comment run again at every comment line asks for the run again each time.
class CountingInput {
 public:
  explicit CountingInput(std::string_view text) : text_(text) {}

  Tree parse(const TSLanguage* language) {
    Parser parser;
    EXPECT_TRUE(parser.set_language(language));
    const TSInput input{this, &read, TSInputEncodingUTF8, nullptr};
    return Tree(ts_parser_parse(parser.get(), nullptr, input));
  }
  std::uint64_t bytes_read() const { return bytes_read_; }

 private:
  static constexpr std::uint32_t kPiece = 4096;
  static const char* read(void* payload, std::uint32_t byte, TSPoint, std::uint32_t* length) {
    auto* self = static_cast<CountingInput*>(payload);
    if (byte >= self->text_.size()) {
      *length = 0;
      return "";
    }
    *length =
        std::min<std::uint32_t>(kPiece, static_cast<std::uint32_t>(self->text_.size() - byte));
    self->bytes_read_ += *length;
    return self->text_.data() + byte;
  }

  std::string_view text_;
  std::uint64_t bytes_read_ = 0;
};

// What commenting out a large block looks like: an indented block, then comment lines.
std::string commented_out_block(std::size_t min_bytes, const std::string& comment_indent) {
  std::string text = "def f():\n    pass\n";
  for (int line = 0; text.size() < min_bytes; ++line) {
    text += comment_indent + "# x = compute(" + std::to_string(line) + ")\n";
  }
  return text;
}

TEST(PythonScanner, UpstreamReadsACommentRunOncePerLine) {
  // The measure below can fail: upstream's scanner rereads the run at every line.
  const std::string text = commented_out_block(60'000, "");
  CountingInput upstream(text);
  ASSERT_TRUE(upstream.parse(tree_sitter_python_upstream()));
  EXPECT_GT(upstream.bytes_read(), 100 * text.size());
  const auto difference = compare_scanners(text);
  EXPECT_FALSE(difference) << *difference;
}

TEST(PythonScanner, ATenMegabyteCommentRunIsReadAFewTimesNotOncePerLine) {
  for (const std::string indent : {"", "    "}) {
    const std::string text = commented_out_block(10'000'000, indent);
    CountingInput ours(text);
    const Tree tree = ours.parse(tree_sitter_python());
    ASSERT_TRUE(tree);
    EXPECT_FALSE(ts_node_has_error(tree.root()));
    EXPECT_LT(ours.bytes_read(), 8 * text.size()) << "comment indent '" << indent << "'";
    // The function stays one line long: the comments after it are module-level ones.
    const TSNode function = ts_node_named_child(tree.root(), 0);
    EXPECT_STREQ(ts_node_type(function), "function_definition");
    if (indent.empty()) {
      EXPECT_EQ(ts_node_end_point(function).row, 1U);
    }
  }
}

}  // namespace
}  // namespace chunkls
