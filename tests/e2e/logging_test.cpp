// Logging and user-visible problems: --log FILE receives the server's log lines, and a
// document in a language chunkls does not know is answered with empty results (the
// server may say so with window/logMessage) instead of errors or a crash.
#include <gtest/gtest.h>

#include "lsp_test_support.h"

namespace chunkls::e2e {
namespace {

TEST(Logging, LogFileReceivesLogLines) {
  TempDir dir;
  const auto log = dir.path() / "chunkls.log";
  {
    LspClient client = start_initialized({}, {"--log", log.string(), "--log-level", "debug"});
    open_document(client, "file:///a.py", "python", "def a():\n    pass\n");
    document_symbols(client, "file:///a.py");
    ASSERT_TRUE(client.request("shutdown", nullptr).contains("result"));
    client.notify("exit", nullptr);
    ASSERT_EQ(client.wait_exit(), 0) << client.stderr_text();
  }
  const std::string text = read_text_file(log);
  ASSERT_FALSE(text.empty()) << "nothing in " << log;
  EXPECT_EQ(text.back(), '\n');
}

// At trace level the log holds every message as received (an editor's capabilities, a
// change's exact ranges), the first 64 KiB of each: what a bug report needs.
TEST(Logging, TraceLevelLogsEveryMessageReceived) {
  TempDir dir;
  const auto log = dir.path() / "chunkls.log";
  {
    LspClient client = start_initialized({}, {"--log", log.string(), "--log-level", "trace"});
    open_document(client, "file:///a.py", "python",
                  "def a():\n    pass\n" + std::string(70000, '#'));
    ASSERT_TRUE(client.request("shutdown", nullptr).contains("result"));
    client.notify("exit", nullptr);
    ASSERT_EQ(client.wait_exit(), 0) << client.stderr_text();
  }
  const std::string text = read_text_file(log);
  EXPECT_NE(text.find(R"("method":"initialize")"), std::string::npos) << text.substr(0, 2000);
  EXPECT_NE(text.find(R"("hierarchicalDocumentSymbolSupport":true)"), std::string::npos)
      << text.substr(0, 2000);
  EXPECT_NE(text.find(R"("method":"shutdown")"), std::string::npos);
  const std::size_t open = text.find(R"("method":"textDocument/didOpen")");
  ASSERT_NE(open, std::string::npos);
  const std::size_t line_end = text.find('\n', open);
  EXPECT_LT(line_end - open, 66000u) << "a big message is cut";
  EXPECT_NE(text.substr(open, line_end - open).find(" bytes)"), std::string::npos);
}

TEST(Logging, LogLevelOffWritesNoLogLines) {
  TempDir dir;
  const auto log = dir.path() / "chunkls.log";
  LspClient client = start_initialized({}, {"--log", log.string(), "--log-level", "off"});
  open_document(client, "file:///a.py", "python", "def a():\n    pass\n");
  document_symbols(client, "file:///a.py");
  ASSERT_TRUE(client.request("shutdown", nullptr).contains("result"));
  client.notify("exit", nullptr);
  ASSERT_EQ(client.wait_exit(), 0);
  EXPECT_EQ(read_text_file(log), "");
}

TEST(Logging, UnsupportedLanguageAnswersEmptyResults) {
  LspClient client = start_initialized();
  const std::string uri = "file:///program.cob";
  open_document(client, uri, "cobol", "IDENTIFICATION DIVISION.\nPROGRAM-ID. HELLO.\n");
  EXPECT_EQ(document_symbols(client, uri), Json::array());
  EXPECT_EQ(folding_ranges(client, uri), Json::array());
  for (const Json& n : client.notifications()) {
    if (n["method"] != "window/logMessage") continue;
    EXPECT_TRUE(n["params"]["message"].is_string()) << n.dump();
    EXPECT_GE(n["params"]["type"].get<int>(), 1) << n.dump();
    EXPECT_LE(n["params"]["type"].get<int>(), 5) << n.dump();
  }
  EXPECT_TRUE(answers_health_check(client));
}

TEST(Logging, InvalidUtf8IsReportedToTheClientOrTheLog) {
  TempDir dir;
  const auto log = dir.path() / "chunkls.log";
  LspClient client = start_initialized({}, {"--log", log.string(), "--log-level", "info"});
  client.send_raw(frame_body(
      std::string(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":)"
                  R"({"uri":"file:///bad.py","languageId":"python","version":1,"text":"x = ')"
                  "\xff"  // a byte that is not UTF-8
                  R"('\n"}}})")));
  ASSERT_TRUE(answers_health_check(client));
  const bool told_client = client.wait_notification("window/logMessage", 1s).has_value();
  const bool logged = !read_text_file(log).empty();
  EXPECT_TRUE(told_client || logged) << "invalid UTF-8 went unreported";
}

}  // namespace
}  // namespace chunkls::e2e
