// The invariant of incremental chunk updates: after every edit of long random sequences
// on real files of all twelve languages, Document::chunked() (updated from a window of
// the tree) equals a from-scratch Chunker::chunk of the same text, chunk for chunk and
// fold for fold, every field. The edits: inserts, deletes, pastes of the file's own
// lines, whole-line deletions, non-ASCII text, CRLF files, edits at the start and the
// end, edits that create syntax errors and undo them.
//
// Seeded and reproducible. A failure prints the seed, the step, and the smallest edit
// sequence found that fails the same way from a freshly chunked document.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/document/document.h"
#include "random_edits.h"
#include "real_file_cases.h"
#include "test_support.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;
using testing::Case;
using testing::cases;
using testing::EditMix;
using testing::first_difference;
using testing::pick;

std::string escaped(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string describe(const std::vector<TextEdit>& edits) {
  std::string out;
  for (const TextEdit& e : edits) {
    out += "  [" + std::to_string(e.start_byte) + ", " + std::to_string(e.old_end_byte) + ") -> " +
           escaped(e.new_text.size() > 200 ? e.new_text.substr(0, 200) + "..." : e.new_text) + "\n";
  }
  return out;
}

// Whether applying `edits` to a freshly chunked document of `text` goes wrong.
bool fails_from(const Language& language, const std::string& text, const std::string& path,
                const std::vector<TextEdit>& edits, Chunker& fresh) {
  Document doc(language, text, path);
  doc.chunked();
  for (const TextEdit& e : edits)
    doc.edit(e);
  const ChunkedText& got = doc.chunked();
  return !first_difference(got, fresh.chunk(language, doc.text(), path)).empty();
}

// The smallest failing sequence found: the failing step's edits from the text before
// it, then each edit alone, from the text the edits before it made.
std::string shrink(const Language& language, const std::string& before, const std::string& path,
                   const std::vector<TextEdit>& edits, Chunker& fresh) {
  if (!fails_from(language, before, path, edits, fresh)) {
    return "does not fail from a freshly chunked copy of the text before the step: the "
           "failure depends on the edit history\n";
  }
  std::string text = before;
  for (const TextEdit& e : edits) {
    if (fails_from(language, text, path, {e}, fresh)) {
      // The text, to replay the edit by hand.
      const fs::path saved = fs::temp_directory_path() / "chunkls_chunk_update_failure.txt";
      std::ofstream(saved, std::ios::binary) << text;
      return "fails alone, from the text before it (" + std::to_string(text.size()) +
             " bytes, saved in " + saved.string() + "):\n" + describe({e});
    }
    text.replace(e.start_byte, e.old_end_byte - e.start_byte, e.new_text);
  }
  return "fails only together, from the text before the step:\n" + describe(edits);
}

class ChunkUpdate : public ::testing::TestWithParam<Case> {};

// 1,200 edits per file (19,200 in all); the sanitizer run of scripts/test sets fewer
// through CHUNKLS_UPDATE_EDITS, as the differential suite's CHUNKLS_DIFF_EDITS.
int edits_per_file() {
  const char* env = std::getenv("CHUNKLS_UPDATE_EDITS");
  return env != nullptr ? std::atoi(env) : 1200;
}

TEST_P(ChunkUpdate, EqualsAFreshChunkingAfterEveryEdit) {
  const Case& c = GetParam();
  const fs::path path = pick(c);
  std::string original = testing::read_text_file(path);
  if (c.crlf) original = testing::to_crlf(original);
  const Language& language = testing::language(c.language);
  const std::uint32_t seed =
      9000 + static_cast<std::uint32_t>(std::hash<std::string>{}(c.name) % 1000);
  EditMix edits(seed);
  Chunker fresh;
  Document doc(language, original, path.string());
  doc.chunked();
  int done = 0, steps = 0, with_errors = 0;
  std::vector<std::vector<TextEdit>> undo;  // per step still done, in the order to apply
  const int edit_count = edits_per_file();
  while (done < edit_count) {
    const std::string before(doc.text());
    std::vector<TextEdit> step;
    if (!undo.empty() && edits.uniform(0, 1) == 0) {
      // Undo the last step still done: errors come and go.
      step = std::move(undo.back());
      undo.pop_back();
    } else {
      std::string text = before;
      std::vector<TextEdit> back;
      for (std::uint32_t n = edits.uniform(1, 3); n > 0; --n) {
        TextEdit e = edits.next(text);
        back.insert(back.begin(),
                    {e.start_byte, static_cast<std::uint32_t>(e.start_byte + e.new_text.size()),
                     text.substr(e.start_byte, e.old_end_byte - e.start_byte)});
        text.replace(e.start_byte, e.old_end_byte - e.start_byte, e.new_text);
        step.push_back(std::move(e));
      }
      undo.push_back(std::move(back));
    }
    for (const TextEdit& e : step)
      doc.edit(e);
    done += static_cast<int>(step.size());
    ++steps;
    const ChunkedText& got = doc.chunked();
    const ChunkedText expected = fresh.chunk(language, doc.text(), path.string());
    if (ts_node_has_error(expected.tree.root())) ++with_errors;
    const std::string difference = first_difference(got, expected);
    if (!difference.empty()) {
      FAIL() << path << " seed " << seed << ", step " << steps << " (" << done
             << " edits): " << difference << "\n"
             << shrink(language, before, path.string(), step, fresh);
    }
  }
  const ChunkingStats& stats = doc.chunking_stats();
  std::printf("%s: %d edits in %d steps, %d with syntax errors; %llu updates, %llu whole\n",
              c.name.c_str(), done, steps, with_errors,
              static_cast<unsigned long long>(stats.updated),
              static_cast<unsigned long long>(stats.whole));
  EXPECT_GT(with_errors, steps / 10) << "the edits must make errors for this test to mean much";
  EXPECT_GE(stats.updated, static_cast<std::uint64_t>(steps / 20))
      << "the incremental path must run often for this test to mean much (a file whose whole "
         "text became one syntax error is chunked whole, as a fresh parse must be)";
}

// Applies each edit in turn; after each, the document must equal a fresh chunking.
// Returns the document for its stats.
std::unique_ptr<Document> edit_and_check(std::string_view lang, std::string text,
                                         const std::vector<TextEdit>& edits) {
  const Language& language = testing::language(lang);
  auto doc = std::make_unique<Document>(language, std::move(text), "t");
  doc->chunked();
  Chunker fresh;
  for (std::size_t i = 0; i < edits.size(); ++i) {
    doc->edit(edits[i]);
    const ChunkedText expected = fresh.chunk(language, doc->text(), "t");
    EXPECT_EQ(first_difference(doc->chunked(), expected), "") << "after edit " << i;
  }
  return doc;
}

// Typing a statement into a function body, one character at a time, in a real file:
// every keystroke takes the incremental path and rebuilds only the function's chunks.
TEST(ChunkUpdate, TypingInAFunctionBodyRebuildsOnlyThatFunction) {
  const fs::path path = testing::python_stdlib_dir() / "textwrap.py";
  if (!fs::exists(path)) GTEST_SKIP() << "no " << path;
  const std::string text = testing::read_text_file(path);
  const std::size_t body = text.find("        self.width = width\n");
  ASSERT_NE(body, std::string::npos);
  std::vector<TextEdit> keys;
  const std::string typed = "        self.extra = [x for x in (1, 2)]\n";
  for (std::size_t i = 0; i < typed.size(); ++i) {
    const auto at = static_cast<std::uint32_t>(body + i);
    keys.push_back({at, at, typed.substr(i, 1)});
  }
  const auto doc = edit_and_check("python", text, keys);
  const ChunkingStats& stats = doc->chunking_stats();
  EXPECT_EQ(stats.whole, 1u);
  EXPECT_EQ(stats.updated, typed.size());
  EXPECT_LT(stats.chunks_rebuilt, typed.size() * 3)
      << "a keystroke in __init__ rebuilds the few chunks around it, not the file's "
      << doc->chunked().chunks.size();
}

// Constructs with syntax errors away from the edit keep their chunks; only the ones the
// edit reaches are parsed again (lpfc_sli.c's case: errors in many functions).
TEST(ChunkUpdate, ConstructsWithErrorsAwayFromTheEditAreNotParsedAgain) {
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text += "int f" + std::to_string(i) + "(int a) {\n  int b = a +;\n  return b\n}\n\n";
  }
  const auto at = static_cast<std::uint32_t>(text.find("f20(int a) {\n") + 13);
  std::vector<TextEdit> keys;
  for (std::uint32_t i = 0; i < 10; ++i)
    keys.push_back({at + i, at + i, "x"});
  const auto doc = edit_and_check("c", text, keys);
  const ChunkingStats& stats = doc->chunking_stats();
  EXPECT_EQ(stats.whole, 1u);
  EXPECT_LE(stats.constructs_reparsed, 40u + keys.size() * 2)
      << "the first chunking parses the 40 constructs again once; each keystroke only "
         "the one it is in and the one before it (error recovery reads past its end)";
}

// Error recovery reads past a construct's end: an edit in the construct after one with
// errors can change how a fresh parse recovers inside it (here the method is `le`, not
// `onTogg`, once the type after the interface is broken), so that one is parsed again
// too. Found by the chunk_update fuzz target in TSX.
TEST(ChunkUpdate, AnEditInTheConstructAfterOneWithErrorsParsesThatOneAgain) {
  const std::string text =
      "export interface Props {\n  onTogg.le?(id: number): void;\n}\n\n"
      "export type Todo = { id: number; text: string };\n";
  const auto at = static_cast<std::uint32_t>(text.find("t type Tod"));
  const auto doc = edit_and_check("tsx", text, {{at, at + 10, "}\n"}});
  const std::vector<Chunk>& chunks = doc->chunked().chunks;
  EXPECT_TRUE(std::any_of(chunks.begin(), chunks.end(), [](const Chunk& c) {
    return c.name == "le";
  })) << "the recovery this test is about";
  // A comment or a stray `;` between them does not end the reach.
  for (const std::string between : {"// note\n", "/** A todo. */\n", ";\n"}) {
    const std::string with = std::string(text).insert(text.find("export type"), between);
    const auto from = static_cast<std::uint32_t>(with.find("t type Tod"));
    edit_and_check("tsx", with, {{from, from + 10, "}\n"}});
  }
}

// Recovery can read further still: tree-sitter keeps parse versions alive over several
// constructs after one with errors (it reduces them "among versions": fragile, with no
// parse state) and picks one at the end. Typing `)` at the end of this file makes a fresh
// parse read the broken first function as `__i` instead of `nit__`, two functions later.
// Found by the chunk_update fuzz target in Python.
TEST(ChunkUpdate, AnEditWhereRecoveryStillKeptVersionsParsesTheBrokenConstructAgain) {
  const std::string text =
      "def __i\n\nnit__(self, sides):\n    self.sides = sides\n\n"
      "def area(self):\n    return 0.0\n\ndef scale(self, k):\n    return self\n";
  const auto end = static_cast<std::uint32_t>(text.size());
  const auto doc = edit_and_check("python", text, {{end, end, ")"}});
  const std::vector<Chunk>& chunks = doc->chunked().chunks;
  ASSERT_FALSE(chunks.empty());
  EXPECT_EQ(chunks.front().name, "__i") << "the recovery this test is about";
}

// The reach above rests on how tree-sitter marks a node reduced while several versions
// were alive: parse state TS_TREE_STATE_NONE (USHRT_MAX), which api.h does not document.
// This pins it on the runtime we ship: the two functions after the broken one carry it.
TEST(ChunkUpdate, TreeSitterMarksNodesReducedAmongVersionsWithNoParseState) {
  const std::string text =
      "def __i\n\nnit__(self, sides):\n    self.sides = sides\n\n"
      "def area(self):\n    return 0.0\n\ndef scale(self, k):\n    return self\n";
  Document doc(testing::language("python"), text, "t");
  const TSNode root = doc.canonical_tree().root();
  ASSERT_EQ(ts_node_child_count(root), 3u);
  EXPECT_TRUE(ts_node_has_error(ts_node_child(root, 0)));
  for (std::uint32_t i = 1; i < 3; ++i) {
    EXPECT_FALSE(ts_node_has_error(ts_node_child(root, i)));
    EXPECT_EQ(ts_node_parse_state(ts_node_child(root, i)), std::numeric_limits<TSStateId>::max());
  }
  // An error-free file's top-level constructs keep their states.
  Document clean(testing::language("python"), "def f():\n    pass\n\ndef g():\n    pass\n", "t");
  const TSNode clean_root = clean.canonical_tree().root();
  EXPECT_NE(ts_node_parse_state(ts_node_child(clean_root, 1)),
            std::numeric_limits<TSStateId>::max());
}

// Where Python's grammar gives up, `class` followed by a name is still a class chunk
// (queries/python/chunks.scm). Deleting the keyword leaves the name's node as it was,
// but the chunk must go: inside an ERROR node the window is every child. Found by the
// chunk_update fuzz target (`class M` -> `ss M`).
TEST(ChunkUpdate, DeletingTheKeywordOfARecoveredClassUnmakesItsChunk) {
  const std::string text = "class Shape(\n";
  const auto at = static_cast<std::uint32_t>(text.find("class"));
  const auto doc = edit_and_check("python", text, {{at, at + 3, ""}, {at, at, "cla"}});
  const std::vector<Chunk>& chunks = doc->chunked().chunks;
  EXPECT_TRUE(std::any_of(chunks.begin(), chunks.end(), [](const Chunk& c) {
    return c.name == "Shape";
  })) << "the recovered class this test is about";
}

// Ids count earlier siblings of the same kind and name: a new `f` before two others
// renumbers them, and removing it numbers them back.
TEST(ChunkUpdate, ANameRepeatedBeforeLaterSiblingsRenumbersThem) {
  const std::string text =
      "class C:\n    def f(self): pass\n\n    def f(self): pass\n\n"
      "def f(): pass\n\ndef f(): pass\n";
  const auto at = static_cast<std::uint32_t>(text.find("def f(): pass"));
  edit_and_check(
      "python", text,
      {{at, at, "def f(): return 1\n\n"},
       {at, at + 19, ""},
       {static_cast<std::uint32_t>(text.find("    def f")),
        static_cast<std::uint32_t>(text.find("    def f")), "    def f(self): return 2\n\n"}});
}

// Folds made of several parts follow an edit next to them: comment runs that merge or
// split at the edit, imports that join a run, region markers paired across it.
TEST(ChunkUpdate, CommentRunsImportsAndRegionsAcrossTheEdit) {
  const std::string text =
      "import os\nimport sys\n\n# one\n# two\n\n# three\n# four\ndef f():\n    pass\n\n"
      "# region tools\ndef g():\n    pass\n\n\ndef h():\n    pass\n# endregion\n";
  const auto blank = static_cast<std::uint32_t>(text.find("# two\n") + 6);
  const auto imports = static_cast<std::uint32_t>(text.find("\n\n# one"));
  const auto inside = static_cast<std::uint32_t>(text.find("\n\n\ndef h"));
  edit_and_check("python", text,
                 {{blank, blank + 1, ""},                // the two runs become one
                  {blank, blank, "\n"},                  // and split again
                  {imports, imports, "\nimport re"},     // a third import
                  {inside, inside, "\n# region inner"},  // an unpaired marker inside
                  {0, 0, "# endregion\n"}});             // a stray end before all
}

INSTANTIATE_TEST_SUITE_P(RealFiles, ChunkUpdate, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace chunkls
