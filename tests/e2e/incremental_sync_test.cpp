// Document sync: didChange with ranged edits (several per notification, in order), full
// replacement, stale versions, out-of-range positions, edits in the negotiated position
// encoding, unknown documents. The edited document must answer exactly as a fresh
// didOpen of the final text would.
#include <gtest/gtest.h>

#include "lsp_test_support.h"

namespace chunkls::e2e {
namespace {

// The symbols of `text` opened fresh under a uri of its own.
Json fresh_symbols(LspClient& client, const std::string& text) {
  const std::string uri =
      "file:///fresh/" +
      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ".py";
  open_document(client, uri, "python", text);
  return document_symbols(client, uri);
}

constexpr const char* kBase = "def alpha():\n    return 1\n\ndef beta():\n    return 2\n";

TEST(IncrementalSync, SeveralRangedChangesApplyInOrder) {
  LspClient client = start_initialized();
  open_document(client, "file:///doc.py", "python", kBase);
  change(client, "file:///doc.py", 2,
         {edit(range(0, 4, 0, 9), "first"),                           // alpha -> first
          edit(range(5, 0, 5, 0), "\ndef gamma():\n    return 3\n"),  // append
          edit(range(3, 0, 5, 0), "")});                              // delete beta
  const std::string final_text = "def first():\n    return 1\n\n\ndef gamma():\n    return 3\n";
  const Json symbols = document_symbols(client, "file:///doc.py");
  EXPECT_EQ(outline(symbols), (std::vector<std::string>{"first@0", "gamma@4"})) << symbols.dump();
  EXPECT_EQ(symbols, fresh_symbols(client, final_text));
}

TEST(IncrementalSync, ManySmallEditsTypedOneByOne) {
  LspClient client = start_initialized();
  open_document(client, "file:///typed.py", "python", "");
  const std::string text = "class Typed:\n    def m(self):\n        return 42\n";
  int line = 0, character = 0, version = 1;
  for (char c : text) {
    change(client, "file:///typed.py", ++version,
           {edit(range(line, character, line, character), std::string(1, c))});
    if (c == '\n') {
      ++line;
      character = 0;
    } else {
      ++character;
    }
  }
  const Json symbols = document_symbols(client, "file:///typed.py");
  EXPECT_EQ(outline(symbols), (std::vector<std::string>{"Typed@0", "m@1"})) << symbols.dump();
  EXPECT_EQ(symbols, fresh_symbols(client, text));
}

TEST(IncrementalSync, FullTextChangeReplacesTheDocument) {
  LspClient client = start_initialized();
  open_document(client, "file:///doc.py", "python", kBase);
  change(client, "file:///doc.py", 2, {whole("class Z:\n    pass\n")});
  EXPECT_EQ(outline(document_symbols(client, "file:///doc.py")), std::vector<std::string>{"Z@0"});
}

TEST(IncrementalSync, FullTextThenRangedChangeInOneNotification) {
  LspClient client = start_initialized();
  open_document(client, "file:///doc.py", "python", kBase);
  change(client, "file:///doc.py", 2,
         {whole("def one():\n    pass\n"), edit(range(0, 4, 0, 7), "uno")});
  EXPECT_EQ(outline(document_symbols(client, "file:///doc.py")), std::vector<std::string>{"uno@0"});
}

// Changes arrive in order on one stream and each is an edit the user made, so one whose
// version does not increase still applies (Neovim 0.7 sends two changes with the same
// changedtick after deleting every line): the server's text is the client's, nobody is
// told anything went wrong, and later changes apply on top.
TEST(IncrementalSync, VersionsThatDoNotIncreaseStillApplyInArrivalOrder) {
  LspClient client = start_initialized();
  open_document(client, "file:///doc.py", "python", "def old():\n    pass\n", 5);
  change(client, "file:///doc.py", 5, {edit(range(0, 4, 0, 7), "same_version")});
  change(client, "file:///doc.py", 3, {edit(range(0, 0, 0, 0), "def older():\n    pass\n")});
  const std::string expected = "def older():\n    pass\ndef same_version():\n    pass\n";
  const Json symbols = document_symbols(client, "file:///doc.py");
  EXPECT_EQ(outline(symbols), (std::vector<std::string>{"older@0", "same_version@2"}))
      << symbols.dump();
  EXPECT_EQ(symbols, fresh_symbols(client, expected));
  change(client, "file:///doc.py", 6, {edit(range(2, 4, 2, 16), "newer")});
  EXPECT_EQ(outline(document_symbols(client, "file:///doc.py")),
            (std::vector<std::string>{"older@0", "newer@2"}));
  EXPECT_TRUE(shown_messages(client).empty()) << "nothing went wrong, so nothing is shown";
}

TEST(IncrementalSync, CharacterPastTheLineEndMeansTheLineEnd) {
  LspClient client = start_initialized();
  open_document(client, "file:///doc.py", "python", "def abc():\n    pass\n");
  change(client, "file:///doc.py", 2, {edit(range(0, 4, 0, 999), "xyz():")});
  const Json symbols = document_symbols(client, "file:///doc.py");
  EXPECT_EQ(symbols, fresh_symbols(client, "def xyz():\n    pass\n")) << symbols.dump();
}

TEST(IncrementalSync, LinePastTheEndMeansTheDocumentEnd) {
  LspClient client = start_initialized();
  open_document(client, "file:///doc.py", "python", "def head():\n    pass\n");
  change(client, "file:///doc.py", 2, {edit(range(50, 3, 60, 0), "def tail():\n    pass\n")});
  const Json symbols = document_symbols(client, "file:///doc.py");
  EXPECT_EQ(outline(symbols), (std::vector<std::string>{"head@0", "tail@2"})) << symbols.dump();
  EXPECT_EQ(symbols, fresh_symbols(client, "def head():\n    pass\ndef tail():\n    pass\n"));
}

struct EditUnits {
  std::string encoding;
  int t_column;  // where `t` starts in "s = '😀'; t = 1"
};

void PrintTo(const EditUnits& u, std::ostream* out) {
  *out << u.encoding;
}

class EditInNegotiatedUnits : public ::testing::TestWithParam<EditUnits> {};

TEST_P(EditInNegotiatedUnits, RangesCountInThoseUnits) {
  ClientOptions options;
  options.position_encodings = {GetParam().encoding};
  LspClient client = start_initialized(options);
  open_document(client, "file:///emoji.py", "python", "s = '😀'; t = 1\ndef f():\n    pass\n");
  const int c = GetParam().t_column;
  change(client, "file:///emoji.py", 2, {edit(range(0, c, 0, c + 1), "renamed")});
  const Json symbols = document_symbols(client, "file:///emoji.py");
  EXPECT_EQ(outline(symbols), (std::vector<std::string>{"s@0", "renamed@0", "f@1"}))
      << symbols.dump();
  EXPECT_EQ(symbols[1]["selectionRange"], range(0, c, 0, c + 7));
}

INSTANTIATE_TEST_SUITE_P(IncrementalSync, EditInNegotiatedUnits,
                         ::testing::Values(EditUnits{"utf-8", 12}, EditUnits{"utf-16", 10},
                                           EditUnits{"utf-32", 9}),
                         [](const auto& test) {
                           return test.param.encoding == "utf-8"    ? "Utf8"
                                  : test.param.encoding == "utf-16" ? "Utf16"
                                                                    : "Utf32";
                         });

TEST(IncrementalSync, ChangeAndCloseOfUnknownDocumentsAreHarmless) {
  LspClient client = start_initialized();
  change(client, "file:///never-opened.py", 2, {edit(range(0, 0, 0, 0), "x = 1\n")});
  change(client, "file:///never-opened-2.py", 2, {whole("x = 1\n")});
  client.notify("textDocument/didClose", {{"textDocument", text_document("file:///nope.py")}});
  client.notify("textDocument/didSave", {{"textDocument", text_document("file:///nope.py")}});
  EXPECT_TRUE(answers_health_check(client));
}

TEST(IncrementalSync, ReopenAfterCloseStartsFromTheNewText) {
  LspClient client = start_initialized();
  open_document(client, "file:///doc.py", "python", kBase);
  client.notify("textDocument/didClose", {{"textDocument", text_document("file:///doc.py")}});
  open_document(client, "file:///doc.py", "python", "def again():\n    pass\n");
  EXPECT_EQ(outline(document_symbols(client, "file:///doc.py")),
            std::vector<std::string>{"again@0"});
}

}  // namespace
}  // namespace chunkls::e2e
