#include "engine/document/document.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "random_edits.h"
#include "test_support.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;

std::string sexp(const Tree& tree) {
  const std::unique_ptr<char, decltype(&std::free)> s(ts_node_string(tree.root()), &std::free);
  return s.get();
}

std::string describe(TSNode n) {
  const TSPoint s = ts_node_start_point(n);
  const TSPoint e = ts_node_end_point(n);
  return std::string(ts_node_type(n)) + " [" + std::to_string(ts_node_start_byte(n)) + ", " +
         std::to_string(ts_node_end_byte(n)) + ") (" + std::to_string(s.row) + ":" +
         std::to_string(s.column) + ")-(" + std::to_string(e.row) + ":" + std::to_string(e.column) +
         ")";
}

// The first node (pre-order) whose type, bytes or points differ; empty when none does.
// ts_node_string has no positions, and wrong edit points would show only here.
std::string first_difference(const Tree& a, const Tree& b) {
  TreeCursor ca(a.root());
  TreeCursor cb(b.root());
  while (true) {
    const std::string da = describe(ca.node());
    const std::string db = describe(cb.node());
    if (da != db) return da + " vs " + db;
    const bool more_a = ca.next();
    const bool more_b = cb.next();
    if (more_a != more_b) return "different node counts";
    if (!more_a) return {};
  }
}

// The document's tree and chunks equal those of a fresh parse of its text.
void expect_like_fresh(Document& doc, Chunker& fresh, const std::string& context) {
  const ChunkedText expected = fresh.chunk(doc.language(), doc.text(), doc.path());
  ASSERT_EQ(sexp(doc.tree()), sexp(expected.tree)) << context;
  ASSERT_EQ(first_difference(doc.tree(), expected.tree), "") << context;
  const ChunkedText& got = doc.chunked();
  ASSERT_EQ(got.chunks, expected.chunks) << context;
  ASSERT_EQ(got.folds, expected.folds) << context;
}

TEST(Document, StoresItsInputsAndParsesOnTheFirstReparse) {
  Document doc(testing::language("python"), "def f():\n    return 1\n", "m.py");
  EXPECT_EQ(doc.language().name(), "python");
  EXPECT_EQ(doc.path(), "m.py");
  EXPECT_EQ(doc.text(), "def f():\n    return 1\n");
  EXPECT_EQ(doc.lines().line_count(), 3u);
  EXPECT_EQ(doc.revision(), 0u);
  EXPECT_TRUE(doc.reparse_pending());
  EXPECT_FALSE(doc.tree()) << "nothing parsed yet";
  doc.reparse();
  EXPECT_FALSE(doc.reparse_pending());
  ASSERT_TRUE(doc.tree());
  EXPECT_EQ(std::string(ts_node_type(doc.tree().root())), "module");
  ASSERT_EQ(doc.chunked().chunks.size(), 1u);
  EXPECT_EQ(doc.chunked().chunks[0].name, "f");
}

TEST(Document, EditUpdatesTextLinesAndTreeButDoesNotReparse) {
  Document doc(testing::language("python"), "def f():\n    return 1\n", "m.py");
  doc.reparse();
  doc.edit({4, 5, "renamed"});
  EXPECT_EQ(doc.text(), "def renamed():\n    return 1\n");
  EXPECT_EQ(doc.revision(), 1u);
  EXPECT_TRUE(doc.reparse_pending());
  EXPECT_EQ(doc.lines(), LineIndex(doc.text()));
  // ts_tree_edit moved the nodes after the edit; the reparse has not happened yet.
  EXPECT_EQ(ts_node_end_byte(doc.tree().root()), doc.text().size());
  const auto end = static_cast<std::uint32_t>(doc.text().size());
  doc.edit({end, end, "\ndef g():\n    pass\n"});
  EXPECT_EQ(doc.revision(), 2u);
  doc.reparse();
  EXPECT_FALSE(doc.reparse_pending());
  Chunker fresh;
  expect_like_fresh(doc, fresh, "two edits, one reparse");
  EXPECT_EQ(testing::qualified_names(doc.chunked()), (std::vector<std::string>{"renamed", "g"}));
}

TEST(Document, ChunkedIsCachedUntilTheNextChange) {
  Document doc(testing::language("python"), "def f():\n    pass\n", "m.py");
  const ChunkedText* first = &doc.chunked();
  EXPECT_EQ(&doc.chunked(), first) << "no change: the same object";
  EXPECT_EQ(doc.chunked().chunks[0].name, "f");
  doc.edit({4, 5, "h"});
  EXPECT_EQ(doc.chunked().chunks[0].name, "h") << "chunked() reparses a pending edit";
  EXPECT_FALSE(doc.reparse_pending());
  doc.replace("class C:\n    pass\n");
  EXPECT_EQ(doc.revision(), 2u);
  EXPECT_EQ(doc.chunked().chunks[0].name, "C");
}

TEST(Document, EditRangesAreClampedOrRefused) {
  Document doc(testing::language("python"), "x = 1\n", "m.py");
  doc.edit({100, 200, "y = 2\n"});  // past the end: appended
  EXPECT_EQ(doc.text(), "x = 1\ny = 2\n");
  doc.edit({6, 1000, ""});  // old end past the end: deletes to the end
  EXPECT_EQ(doc.text(), "x = 1\n");
  EXPECT_THROW(doc.edit({4, 2, "z"}), std::invalid_argument);
  EXPECT_EQ(doc.text(), "x = 1\n") << "a refused edit changes nothing";
  EXPECT_EQ(doc.revision(), 2u);
  doc.reparse();
  Chunker fresh;
  expect_like_fresh(doc, fresh, "clamped edits");
}

TEST(Document, ReparseReusesTheSubtreesTheEditsDidNotTouch) {
  std::string text;
  for (int i = 0; i < 200; ++i)
    text += "int f" + std::to_string(i) + "(int a) {\n  return a + " + std::to_string(i) + ";\n}\n";
  Document doc(testing::language("c"), text, "m.c");
  doc.reparse();
  auto last_body = [&] {
    const TSNode root = doc.tree().root();
    return ts_node_child_by_field_name(ts_node_child(root, ts_node_child_count(root) - 1), "body",
                                       4);
  };
  const TSNode before = last_body();
  doc.edit({0, 0, "int x;\n"});
  doc.reparse();
  const TSNode after = last_body();
  EXPECT_EQ(ts_node_start_byte(after), ts_node_start_byte(before) + 7);
  // A node's id is where its parent keeps it: the same only when the reparse reused the
  // parent (here the whole last function) instead of building it again.
  EXPECT_EQ(after.id, before.id) << "reparsed from scratch";
}

std::string big_python() {
  std::string text;
  for (int i = 0; i < 5000; ++i)
    text += "def f" + std::to_string(i) + "(a):\n    return a + " + std::to_string(i) + "\n";
  return text;
}

Deadline past() {
  return Deadline::at(Deadline::Clock::now() - std::chrono::seconds(1));
}

StopFlag raised_flag() {
  return std::make_shared<const std::atomic<bool>>(true);
}

TEST(Document, ReparsePastItsDeadlineKeepsTheEditedTreeAndRetries) {
  Document doc(testing::language("python"), big_python(), "big.py");
  doc.reparse();
  doc.edit({0, 0, "import os\n"});
  const TSNode edited_root = doc.tree().root();
  EXPECT_THROW(doc.reparse(past()), DeadlineExceeded);
  EXPECT_TRUE(doc.reparse_pending());
  EXPECT_EQ(doc.tree().root().id, edited_root.id) << "the edited tree is kept";
  EXPECT_THROW(doc.chunked(past()), DeadlineExceeded);
  EXPECT_EQ(doc.chunked().chunks.size(), 5000u) << "the next call retries";
  EXPECT_FALSE(doc.reparse_pending());
}

// A first parse that gives up loses no text: later edits apply to it, and the next
// reparse that has the time parses everything.
TEST(Document, AFirstParseThatGivesUpKeepsTheTextAndLaterEditsApply) {
  Document doc(testing::language("python"), big_python(), "big.py");
  EXPECT_THROW(doc.reparse(past()), DeadlineExceeded);
  EXPECT_FALSE(doc.tree());
  EXPECT_EQ(doc.text(), big_python());
  doc.edit({0, 0, "def first():\n    pass\n"});
  const auto size = static_cast<std::uint32_t>(doc.text().size());
  doc.edit({size, size, "def last():\n    pass\n"});
  EXPECT_THROW(doc.chunked(past()), DeadlineExceeded);
  const ChunkedText& chunked = doc.chunked();
  ASSERT_EQ(chunked.chunks.size(), 5002u);
  EXPECT_EQ(chunked.chunks.front().name, "first");
  EXPECT_EQ(chunked.chunks.back().name, "last");
  Chunker fresh;
  expect_like_fresh(doc, fresh, "after a first parse that gave up");
}

TEST(Document, ReplaceIsOneEditOfWhatDiffersAndParsesLater) {
  Document doc(testing::language("python"), "def f():\n    pass\n", "m.py");
  doc.chunked();
  const std::uint64_t revision = doc.revision();
  doc.replace("def f():\n    pass\n");
  EXPECT_EQ(doc.revision(), revision) << "the same text changes nothing";
  doc.replace("def f():\n    return 2\n\ndef g():\n    pass\n");
  EXPECT_EQ(doc.revision(), revision + 1);
  EXPECT_TRUE(doc.reparse_pending());
  EXPECT_EQ(doc.lines(), LineIndex(doc.text()));
  EXPECT_EQ(testing::qualified_names(doc.chunked()), (std::vector<std::string>{"f", "g"}));
  EXPECT_EQ(doc.chunking_stats().updated, 1u) << "an incremental update, like any edit";
  doc.replace(big_python());
  EXPECT_EQ(doc.text().size(), big_python().size());
  EXPECT_EQ(doc.lines(), LineIndex(doc.text()));
  EXPECT_THROW(doc.reparse(past()), DeadlineExceeded);
  doc.edit({0, 0, "# head\n"});  // edits while the parse is pending are fine
  doc.reparse();
  Chunker fresh;
  expect_like_fresh(doc, fresh, "after a replace whose parse gave up");
}

// A raised StopFlag (a cancelled request, an exiting server) stops each long step the
// way the time limit does, as Cancelled, and the document stays ready to retry.
TEST(Document, ARaisedStopFlagStopsParsingAndChunking) {
  const Deadline cancelled = Deadline::never().or_when(raised_flag());
  Document doc(testing::language("python"), big_python(), "big.py");
  EXPECT_THROW(doc.reparse(cancelled), Cancelled);
  EXPECT_TRUE(doc.reparse_pending());
  doc.reparse();
  EXPECT_THROW(doc.chunked(cancelled), Cancelled) << "the walk and the extraction check it";
  doc.edit({0, 0, "import os\n"});
  EXPECT_THROW(doc.reparse(Deadline::after(std::chrono::hours(1)).or_when(raised_flag())),
               Cancelled)
      << "a time limit and a flag: the flag wins";
  EXPECT_EQ(doc.chunked().chunks.size(), 5000u);
  doc.edit({0, 0, "\n"});
  const auto lowered = std::make_shared<const std::atomic<bool>>(false);
  EXPECT_NO_THROW(doc.reparse(Deadline::never().or_when(lowered)));
}

TEST(Document, TextsOverTheSizeLimitAreRefusedAndChangeNothing) {
  const DocumentLimits limits{.max_bytes = 64};
  const std::string small = "def f():\n    pass\n";
  EXPECT_THROW(Document(testing::language("python"), std::string(65, 'x'), "m.py", limits),
               DocumentTooLarge);
  Document doc(testing::language("python"), small, "m.py", limits);
  EXPECT_THROW(doc.edit({0, 0, std::string(64, '#')}), DocumentTooLarge);
  EXPECT_THROW(doc.replace(std::string(65, '#')), DocumentTooLarge);
  EXPECT_EQ(doc.text(), small);
  EXPECT_EQ(doc.revision(), 0u);
  doc.edit({0, 0, std::string(64 - small.size(), '#')});  // exactly at the limit
  EXPECT_EQ(doc.text().size(), 64u);
  try {
    doc.edit({0, 0, "x"});
    FAIL() << "expected DocumentTooLarge";
  } catch (const DocumentTooLarge& e) {
    EXPECT_STREQ(e.what(), "the document would hold 65 bytes, over the limit of 64 bytes");
  }
}

// tree-sitter's own point of `byte`, counted from the start: the independent oracle.
TSPoint brute_point(std::string_view text, std::uint32_t byte) {
  TSPoint p{0, 0};
  for (std::uint32_t i = 0; i < byte; ++i) {
    if (text[i] == '\n') {
      ++p.row;
      p.column = 0;
    } else {
      ++p.column;
    }
  }
  return p;
}

// The same edits applied the slow, obvious way: points counted from the start of the
// text, one ts_tree_edit each, then an incremental parse. Deterministic, so a Document
// must produce exactly this tree, errors and all.
class ReferenceParse {
 public:
  ReferenceParse(const Language& language, std::string text) : text_(std::move(text)) {
    parser_.set_language(language.grammar());
    tree_ = parser_.parse(text_);
  }
  void edit(const TextEdit& e) {
    const auto inserted = static_cast<std::uint32_t>(e.new_text.size());
    TSInputEdit input{e.start_byte,
                      e.old_end_byte,
                      e.start_byte + inserted,
                      brute_point(text_, e.start_byte),
                      brute_point(text_, e.old_end_byte),
                      {}};
    text_.replace(e.start_byte, e.old_end_byte - e.start_byte, e.new_text);
    input.new_end_point = brute_point(text_, e.start_byte + inserted);
    ts_tree_edit(tree_.get(), &input);
  }
  void reparse() { tree_ = parser_.parse(text_, &tree_); }
  const Tree& tree() const { return tree_; }
  const std::string& text() const { return text_; }

 private:
  Parser parser_;
  std::string text_;
  Tree tree_;
};

struct RealFile {
  std::string language;
  fs::path path;
  bool crlf = false;
};

std::vector<RealFile> real_files() {
  const fs::path stdlib = testing::python_stdlib_dir();
  const fs::path modules = fs::path(CHUNKLS_SOURCE_DIR) / "node_modules";
  return {
      {"python", stdlib / "colorsys.py"},
      {"python", stdlib / "linecache.py", true},
      {"python", stdlib / "fnmatch.py"},
      {"python", stdlib / "getpass.py", true},
      {"c", "/usr/include/dirent.h"},
      {"c", "/usr/include/fenv.h", true},
      {"c", "/usr/include/assert.h"},
      {"javascript", modules / "node-addon-api/tools/check-napi.js"},
      {"javascript", modules / "tree-sitter-json/grammar.js", true},
      {"javascript", modules / "node-addon-api/tools/conversion.js"},
  };
}

std::string load(const RealFile& file) {
  std::string text = testing::read_text_file(file.path);
  return file.crlf ? testing::to_crlf(text) : text;
}

// Edits an editor makes to valid code that keep it valid: comment and blank lines
// (non-ASCII, either line ending), whole definitions duplicated or deleted (multi-line
// pastes and cuts), renames, one line's ending switched between "\n" and "\r\n".
class CodeEdits {
 public:
  explicit CodeEdits(std::uint32_t seed) : random_(seed) {}

  TextEdit next(Document& doc) {
    const std::string_view text = doc.text();
    const LineIndex& lines = doc.lines();
    std::vector<const Chunk*> top;
    for (const Chunk& c : doc.chunked().chunks) {
      if (c.depth == 0) top.push_back(&c);
    }
    const std::uint32_t kind = random_.uniform(0, 5);
    if (kind >= 2 && kind <= 4 && top.size() >= 3) {
      const Chunk& c = *top[random_.uniform(0, static_cast<std::uint32_t>(top.size()) - 1)];
      const std::uint32_t first = lines.line_start(lines.line_of(c.range.start_byte));
      const std::uint32_t last_line = lines.line_of(c.range.end_byte - 1);
      const std::uint32_t after = lines.line_start(last_line + 1);
      const bool ends_line = last_line + 1 < lines.line_count();
      if (kind == 2 && ends_line) {  // duplicate whole lines
        return {after, after, std::string(text.substr(first, after - first))};
      }
      if (kind == 3) return {first, after, ""};  // cut whole lines
      const TextRange& name = c.selection;
      if (kind == 4 && name.end_byte > name.start_byte) {
        return {name.end_byte, name.end_byte, "_2"};
      }
    }
    const std::uint32_t line = safe_line(doc);
    const std::uint32_t at = lines.line_start(line);
    if (kind == 5) {  // switch the line ending before this line
      if (line == 0) return {0, 0, ""};
      if (at >= 2 && text.substr(at - 2, 2) == "\r\n") return {at - 2, at, "\n"};
      if (text[at - 1] == '\n') return {at - 1, at, "\r\n"};
      return {at, at, ""};
    }
    const std::string eol = random_.uniform(0, 1) == 0 ? "\n" : "\r\n";
    if (kind == 1) return {at, at, eol};
    const std::string prefix = doc.language().name() == "python" ? "# " : "// ";
    return {at, at, prefix + "note \xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80" + eol};
  }

 private:
  // A line whose previous line does not continue onto it with a backslash (a line put
  // there would end a macro or a Python continuation line).
  std::uint32_t safe_line(Document& doc) {
    const LineIndex& lines = doc.lines();
    for (int attempt = 0; attempt < 20; ++attempt) {
      const std::uint32_t line = random_.uniform(0, lines.line_count() - 1);
      if (line == 0) return line;
      const std::string_view previous = lines.line_text(line - 1, doc.text());
      if (previous.empty() || previous.back() != '\\') return line;
    }
    return 0;
  }

  testing::RandomEdits random_;
};

// Many kept edits of valid code, a few per reparse: the incremental tree equals a fresh
// parse of the same text (node kinds, bytes and points), and so do chunks and folds.
TEST(Document, CodeEditsMatchAFreshParse) {
  Chunker fresh;
  std::uint32_t seed = 11;
  for (const RealFile& file : real_files()) {
    SCOPED_TRACE(file.path.string() + (file.crlf ? " (CRLF)" : ""));
    CodeEdits edits(seed++);
    Document doc(testing::language(file.language), load(file), file.path.string());
    doc.reparse();
    for (int step = 0; step < 25; ++step) {
      for (std::uint32_t n = step % 3 + 1; n > 0; --n)
        doc.edit(edits.next(doc));
      doc.reparse();
      expect_like_fresh(doc, fresh, "step " + std::to_string(step));
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

// Random damage (inserts, deletes, pastes, non-ASCII, any line terminator), one to three
// edits per reparse, then undone edit by edit. Every tree equals the reference
// incremental parse; a tree without errors equals a fresh parse too, and so does every
// undone one (tree-sitter's promise: undoing edits gives back the original tree).
TEST(Document, RandomEditsAndUndoMatchAReferenceAndAFreshParse) {
  Chunker fresh;
  std::uint32_t seed = 7;
  int edited_without_errors = 0;
  for (const RealFile& file : real_files()) {
    SCOPED_TRACE(file.path.string() + (file.crlf ? " (CRLF)" : ""));
    testing::RandomEdits edits(seed++);
    const std::string original = load(file);
    const Language& language = testing::language(file.language);
    Document doc(language, original, file.path.string());
    doc.reparse();
    ReferenceParse reference(language, original);
    for (int step = 0; step < 20; ++step) {
      std::vector<TextEdit> undo;
      for (std::uint32_t n = edits.uniform(1, 3); n > 0; --n) {
        const TextEdit e = edits.next(doc.text());
        undo.push_back(
            {e.start_byte, static_cast<std::uint32_t>(e.start_byte + e.new_text.size()),
             std::string(doc.text().substr(e.start_byte, e.old_end_byte - e.start_byte))});
        doc.edit(e);
        reference.edit(e);
        // Before any reparse, ts_tree_edit alone placed the nodes: wrong edit points
        // would show here (a reparse re-lexes the edited region and hides them).
        ASSERT_EQ(first_difference(doc.tree(), reference.tree()), "") << "edited, step " << step;
      }
      for (bool undone : {false, true}) {
        if (undone) {
          for (auto it = undo.rbegin(); it != undo.rend(); ++it) {
            doc.edit(*it);
            reference.edit(*it);
            ASSERT_EQ(first_difference(doc.tree(), reference.tree()), "") << "undoing";
          }
          ASSERT_EQ(doc.text(), original);
        }
        doc.reparse();
        reference.reparse();
        const std::string context =
            "step " + std::to_string(step) + (undone ? " undone" : " edited");
        ASSERT_EQ(doc.text(), reference.text()) << context;
        ASSERT_EQ(first_difference(doc.tree(), reference.tree()), "") << context;
        ASSERT_EQ(sexp(doc.tree()), sexp(reference.tree())) << context;
        if (undone || !ts_node_has_error(doc.tree().root())) {
          expect_like_fresh(doc, fresh, context);
          if (::testing::Test::HasFatalFailure()) return;
          if (!undone) ++edited_without_errors;
        }
      }
    }
  }
  std::printf("edited states without errors, compared with a fresh parse: %d of 200\n",
              edited_without_errors);
  EXPECT_GE(edited_without_errors, 10);
}

// Random damage leaves syntax errors, where an incremental tree may differ from a fresh
// parse; canonical_tree() must still equal the fresh parse, node for node, every time.
TEST(Document, CanonicalTreeEqualsAFreshParseAfterDamage) {
  Chunker fresh;
  std::uint32_t seed = 101;
  int with_errors = 0;
  for (const RealFile& file : real_files()) {
    SCOPED_TRACE(file.path.string() + (file.crlf ? " (CRLF)" : ""));
    testing::RandomEdits edits(seed++);
    Document doc(testing::language(file.language), load(file), file.path.string());
    doc.reparse();
    for (int step = 0; step < 40; ++step) {
      for (std::uint32_t n = edits.uniform(1, 3); n > 0; --n)
        doc.edit(edits.next(doc.text()));
      doc.reparse();
      if (ts_node_has_error(doc.tree().root())) ++with_errors;
      doc.canonical_tree();
      expect_like_fresh(doc, fresh, "step " + std::to_string(step));
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  EXPECT_GT(with_errors, 100) << "the damage must leave errors for this test to mean anything";
}

// Why the JavaScript files above have no `var`/`let`/`const` declaration that ends
// without ';' before a comment on its line: tree-sitter-javascript 0.25.0 puts that comment
// inside the declaration on a fresh parse and after it on an incremental one, even after
// an empty edit (expression statements are not affected). Upstream behaviour, shown with
// tree-sitter alone; when this test fails, upstream changed and files like
// node-gyp-build.js can join the corpus.
TEST(Document, UpstreamJavaScriptTrailingCommentMovesOnIncrementalReparse) {
  const std::string text = "var a = b // note\nvar e = 1\n";
  Parser parser;
  ASSERT_TRUE(parser.set_language(testing::language("javascript").grammar()));
  const Tree fresh = parser.parse(text);
  Tree edited = fresh;
  const TSInputEdit nothing{0, 0, 0, {0, 0}, {0, 0}, {0, 0}};
  ts_tree_edit(edited.get(), &nothing);
  const Tree reparsed = parser.parse(text, &edited);
  EXPECT_EQ(sexp(fresh),
            "(program (variable_declaration (variable_declarator name: (identifier) value: "
            "(identifier)) (comment)) (variable_declaration (variable_declarator name: "
            "(identifier) value: (number))))");
  EXPECT_EQ(sexp(reparsed),
            "(program (variable_declaration (variable_declarator name: (identifier) value: "
            "(identifier))) (comment) (variable_declaration (variable_declarator name: "
            "(identifier) value: (number))))");
}

}  // namespace
}  // namespace chunkls
