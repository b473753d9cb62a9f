// Never out of sync: whatever happens to a change (slow parsing, a time limit, text the
// JSON reader has to repair, params it cannot read, a version it refuses, a size over
// the limit, a document it never saw opened), the server either holds exactly the
// client's text or says it does not: it tells the user, answers -32803 until a change
// carries the whole text, and never answers for a text the client no longer has.
//
// Time-limit tests use a limit of 1 ms on 2.6 MB of Python, which no parser meets on any
// machine; before anything must succeed, they lift the limit with
// workspace/didChangeConfiguration, so no outcome depends on the machine's speed.
#include <gtest/gtest.h>

#include "lsp_test_support.h"

namespace chunkls::e2e {
namespace {

const std::string kUri = "file:///sync.py";
constexpr const char* kSmall = "def small():\n    pass\n";

void set_time_limit(LspClient& client, const Json& ms) {
  client.notify("workspace/didChangeConfiguration",
                {{"settings", {{"chunkls", {{"parseTimeLimitMs", ms}}}}}});
}

Json symbols_response(LspClient& client, const std::string& uri) {
  return client.request("textDocument/documentSymbol", {{"textDocument", text_document(uri)}},
                        120s);
}

// A didOpen whose parse gives up keeps the text: requests say why they cannot answer
// yet, and edits sent meanwhile apply to the whole text.
TEST(SyncSafety, AParseThatGivesUpAtDidOpenKeepsTheTextForLaterEdits) {
  LspClient client = start_initialized({}, {"--parse-time-limit", "1"});
  int functions = 0;
  open_document(client, kUri, "python", big_python(2600 * 1000, &functions));
  const Json gave_up = symbols_response(client, kUri);
  EXPECT_EQ(error_code(gave_up), -32803) << gave_up.dump().substr(0, 300);
  EXPECT_NE(gave_up.dump().find("gave up at the time limit while parsing"), std::string::npos);
  change(client, kUri, 2, {edit(range(0, 0, 0, 0), kSmall)});
  set_time_limit(client, 0);
  const Json symbols = result_of(symbols_response(client, kUri));
  ASSERT_EQ(symbols.size(), static_cast<std::size_t>(functions) + 1);
  EXPECT_EQ(symbols[0]["name"], "small");
  EXPECT_EQ(symbols[1]["name"], "f0");
  EXPECT_EQ(symbols[1]["range"]["start"]["line"], 2);
  // And a whole-text change after a parse that gave up replaces everything.
  set_time_limit(client, 1);
  change(client, kUri, 3, {whole(big_python(2600 * 1000))});
  EXPECT_EQ(error_code(symbols_response(client, kUri)), -32803);
  change(client, kUri, 4, {whole(kSmall)});
  set_time_limit(client, 0);
  EXPECT_EQ(outline(result_of(symbols_response(client, kUri))),
            std::vector<std::string>{"small@0"});
}

// Every change of one didChange applies, even when parsing the text between them would
// give up: the server parses once, after the last.
TEST(SyncSafety, NoChangeOfADidChangeIsLostToTheTimeLimit) {
  LspClient client = start_initialized({}, {"--parse-time-limit", "1"});
  open_document(client, kUri, "python", "x = 1\n");
  change(client, kUri, 2,
         {whole(big_python(2600 * 1000)), edit(range(0, 0, 999999, 0), kSmall),
          edit(range(1, 8, 1, 8), "\n    return 1")});
  set_time_limit(client, 0);
  const Json symbols = result_of(symbols_response(client, kUri));
  EXPECT_EQ(outline(symbols), std::vector<std::string>{"small@0"}) << symbols.dump();
  EXPECT_EQ(symbols[0]["range"]["end"]["line"], 2) << "the third change applied too";
}

// JavaScript clients send half an emoji as a lone surrogate escape ("\ud83d"). The
// message is kept, the surrogate becomes U+FFFD (one UTF-16 unit, like the surrogate),
// so later positions on that line still land where the client means.
TEST(SyncSafety, LoneSurrogatesAreRepairedAndPositionsStayAligned) {
  LspClient client = start_initialized();
  const std::string uri = "file:///half-emoji.js";
  client.send_raw(frame_body(
      R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":")" +
      uri +
      R"(","languageId":"javascript","version":1,"text":"let s = '\ud83d'; function g() {}\n"}}})"));
  // "let s = '" is 9 units, the surrogate 1, "'; function " 12: g is at 22.
  change(client, uri, 2, {edit(range(0, 22, 0, 23), "renamed")});
  auto renamed = [&] {
    for (const Json& s : flatten_symbols(document_symbols(client, uri))) {
      if (s["name"] == "renamed") return s["selectionRange"];
    }
    return Json();
  };
  EXPECT_EQ(renamed(), range(0, 22, 0, 29));
  EXPECT_TRUE(any_contains(logged_messages(client), "lone UTF-16 surrogate escapes"));
  // A lone surrogate inside a ranged change, too.
  client.send_raw(frame_body(
      R"({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":")" +
      uri +
      R"(","version":3},"contentChanges":[{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"text":"\ude00"}]}})"));
  EXPECT_EQ(renamed(), range(0, 23, 0, 30));
}

// A didChange the server cannot read loses the client's text: the user is told, the
// document answers -32803 (never the text before the change), and a change with the
// whole text brings it back.
TEST(SyncSafety, AnUnreadableDidChangePutsTheDocumentOutOfSync) {
  LspClient client = start_initialized();
  open_document(client, kUri, "python", kSmall);
  client.notify("textDocument/didChange",
                {{"textDocument", {{"uri", kUri}, {"version", 2}}},
                 {"contentChanges", {{{"range", "not a range"}, {"text", "x"}}}}});
  const Json refused = symbols_response(client, kUri);
  EXPECT_EQ(error_code(refused), -32803) << refused.dump();
  EXPECT_NE(refused.dump().find("lost track"), std::string::npos) << refused.dump();
  const auto shown = shown_messages(client);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_NE(shown[0].find("/params/contentChanges/0/range"), std::string::npos) << shown[0];
  EXPECT_NE(shown[0].find("reopen"), std::string::npos) << shown[0];
  EXPECT_EQ(error_code(client.request("textDocument/foldingRange",
                                      {{"textDocument", text_document(kUri)}})),
            -32803);
  change(client, kUri, 3, {whole("def back():\n    pass\n")});
  EXPECT_EQ(outline(document_symbols(client, kUri)), std::vector<std::string>{"back@0"});
}

// LSP allows a null version; clangd accepts it. The change applies in arrival order.
TEST(SyncSafety, ChangesWithANullOrMissingVersionApply) {
  LspClient client = start_initialized();
  open_document(client, kUri, "python", kSmall, 7);
  change(client, kUri, nullptr, {edit(range(0, 4, 0, 9), "first")});
  client.notify(
      "textDocument/didChange",
      {{"textDocument", {{"uri", kUri}}}, {"contentChanges", {edit(range(0, 4, 0, 9), "second")}}});
  EXPECT_EQ(outline(document_symbols(client, kUri)), std::vector<std::string>{"second@0"});
  change(client, kUri, 8, {edit(range(0, 4, 0, 10), "third")});  // numbers still rise from 7
  EXPECT_EQ(outline(document_symbols(client, kUri)), std::vector<std::string>{"third@0"});
  EXPECT_TRUE(shown_messages(client).empty());
}

// Changes for a document the server never saw opened (its didOpen was unreadable, or
// never sent) are not answered from the file on disk, which is not the client's text.
TEST(SyncSafety, ChangesWithoutADidOpenAreNotAnsweredFromDisk) {
  TempDir dir;
  const std::string uri = file_uri(dir.write("on_disk.py", "def on_disk():\n    pass\n"));
  LspClient client = start_initialized();
  EXPECT_EQ(outline(document_symbols(client, uri)), std::vector<std::string>{"on_disk@0"})
      << "not open: read from disk";
  change(client, uri, 2, {edit(range(0, 4, 0, 11), "typed")});
  const Json refused = symbols_response(client, uri);
  EXPECT_EQ(error_code(refused), -32803) << refused.dump();
  EXPECT_EQ(shown_messages(client).size(), 1u);
  change(client, uri, 3, {whole("def whole():\n    pass\n")});
  EXPECT_EQ(outline(document_symbols(client, uri)), std::vector<std::string>{"whole@0"});

  // A didOpen without its text: the same.
  const std::string other = file_uri(dir.write("other.py", "def other():\n    pass\n"));
  client.notify("textDocument/didOpen",
                {{"textDocument", {{"uri", other}, {"languageId", "python"}, {"version", 1}}}});
  EXPECT_EQ(error_code(symbols_response(client, other)), -32803);
  change(client, other, 2, {whole(kSmall)});
  EXPECT_EQ(outline(document_symbols(client, other)), std::vector<std::string>{"small@0"});
}

// A document may not outgrow --max-document-size: an open or a change past it is
// refused with a message, the document answers -32803, and a text that fits brings it
// back. (The same path guards the 4 GiB limit of tree-sitter's offsets.)
TEST(SyncSafety, DocumentsOverTheSizeLimitAreRefusedNotCrashed) {
  LspClient client = start_initialized({}, {"--max-document-size", "1000"});
  open_document(client, kUri, "python", kSmall);
  change(client, kUri, 2, {edit(range(2, 0, 2, 0), "# " + std::string(1000, 'x') + "\n")});
  const Json refused = symbols_response(client, kUri);
  EXPECT_EQ(error_code(refused), -32803) << refused.dump();
  EXPECT_NE(refused.dump().find("over the limit of 1000 bytes"), std::string::npos);
  ASSERT_EQ(shown_messages(client).size(), 1u);
  change(client, kUri, 3, {whole(kSmall)});
  EXPECT_EQ(outline(document_symbols(client, kUri)), std::vector<std::string>{"small@0"});

  open_document(client, "file:///big.py", "python", std::string(2000, '#'));
  EXPECT_EQ(error_code(symbols_response(client, "file:///big.py")), -32803);
  EXPECT_TRUE(answers_health_check(client));
}

TEST(SyncSafety, InvalidSettingsAreRefusedWithAMessage) {
  LspClient client = start_initialized();
  set_time_limit(client, -5);
  set_time_limit(client, "soon");
  EXPECT_TRUE(answers_health_check(client));
  const auto shown = shown_messages(client);
  ASSERT_EQ(shown.size(), 2u);
  EXPECT_EQ(shown[0],
            "chunkls: settings refused: /params/settings/chunkls/parseTimeLimitMs: expected a "
            "number of milliseconds, 0 or more");
  EXPECT_EQ(shown[1],
            "chunkls: settings refused: /params/settings/chunkls/parseTimeLimitMs: expected an "
            "integer")
      << "the reader's messages keep their order";
}

TEST(SyncSafety, InitializationOptionsSetTheTimeLimit) {
  LspClient client = start_server();
  const Json params = {{"capabilities", client_capabilities({})},
                       {"initializationOptions", {{"parseTimeLimitMs", 1}}}};
  ASSERT_TRUE(client.request("initialize", params).contains("result"));
  client.notify("initialized");
  open_document(client, kUri, "python", big_python(2600 * 1000));
  EXPECT_EQ(error_code(symbols_response(client, kUri)), -32803);
}

// 100,000 nested JSON objects (240 KB): the answer holds the first 128 levels, and the
// client's log says what was left out.
TEST(SyncSafety, DeeplyNestedDocumentsAnswerAndSayWhatIsLeftOut) {
  LspClient client = start_initialized({}, {"--parse-time-limit", "0"});
  std::string json;
  for (int i = 0; i < 100000; ++i)
    json += "{\"a\":";
  json += "1" + std::string(100000, '}');
  open_document(client, "file:///deep.json", "json", json);
  Json symbols = document_symbols(client, "file:///deep.json", 120s);
  int depth = 0;
  while (symbols.is_array() && symbols.size() == 1) {
    ++depth;
    symbols = symbols[0].value("children", Json());
  }
  EXPECT_EQ(depth, 128);
  EXPECT_TRUE(any_contains(logged_messages(client),
                           "99872 chunks nested deeper than 128 levels are not listed"));
  EXPECT_EQ(folding_ranges(client, "file:///deep.json"), Json::array()) << "one line";
}

}  // namespace
}  // namespace chunkls::e2e
