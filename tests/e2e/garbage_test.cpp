// Malformed and hostile input on the wire: wrong or missing Content-Length, broken
// headers, non-JSON bodies, huge and deeply nested messages, invalid UTF-8 and NUL bytes
// in document text. After each, the server is alive and answers a normal request.
//
// After a Content-Length larger than its body the server may swallow part of what follows
// and re-synchronise on the next "Content-Length:" header, so those tests pad the stream
// and retry the health check.
#include <gtest/gtest.h>

#include "lsp_test_support.h"

namespace chunkls::e2e {
namespace {

constexpr int kRetries = 4;
constexpr auto kRetryWait = 5s;

std::string padding(std::size_t bytes) {
  std::string pad;
  while (pad.size() < bytes)
    pad += pad.size() % 64 == 62 ? "\r\n" : "  ";
  return pad;
}

TEST(Garbage, ContentLengthSmallerThanBody) {
  LspClient client = start_initialized();
  const std::string body = client.make_request("shutdown", nullptr).dump();
  client.send_raw("Content-Length: " + std::to_string(body.size() - 10) + "\r\n\r\n" + body);
  client.send_raw(padding(300));
  EXPECT_TRUE(answers_health_check(client, kRetries, kRetryWait));
  EXPECT_TRUE(client.server_running());
}

TEST(Garbage, ContentLengthLargerThanBodyFollowedByFrames) {
  LspClient client = start_initialized();
  const std::string body = client.make_request("chunkls/noSuchMethod").dump();
  client.send_raw("Content-Length: " + std::to_string(body.size() + 200) + "\r\n\r\n" + body);
  client.send_raw(padding(500));
  EXPECT_TRUE(answers_health_check(client, kRetries, kRetryWait));
}

TEST(Garbage, ContentLengthLargerThanBodyWithFramesRightBehind) {
  LspClient client = start_initialized();
  const std::string body = client.make_request("chunkls/noSuchMethod").dump();
  std::string bytes = "Content-Length: " + std::to_string(body.size() + 120) + "\r\n\r\n" + body;
  for (int i = 0; i < 3; ++i)
    bytes += frame(client.make_request("chunkls/noSuchMethod"));
  client.send_raw(bytes);
  EXPECT_TRUE(answers_health_check(client, kRetries, kRetryWait));
}

TEST(Garbage, MissingContentLengthHeader) {
  LspClient client = start_initialized();
  const std::string body = client.make_request("chunkls/noSuchMethod").dump();
  client.send_raw("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + body);
  client.send_raw(padding(100));
  EXPECT_TRUE(answers_health_check(client, kRetries, kRetryWait));
}

TEST(Garbage, HeaderLineWithoutColon) {
  LspClient client = start_initialized();
  // Whether the server drops this frame or reads past the odd header line, it stays up.
  const std::string body = client.make_request("chunkls/noSuchMethod").dump();
  client.send_raw("Content-Length: " + std::to_string(body.size()) +
                  "\r\nthis line has no colon\r\n\r\n" + body);
  client.send_raw("no colon here either\r\n\r\n");
  client.send_raw(padding(100));
  EXPECT_TRUE(answers_health_check(client, kRetries, kRetryWait));
}

// The request right behind garbage glued to its header is answered, not skipped.
TEST(Garbage, GarbageGluedToAHeaderKeepsTheMessageBehindIt) {
  LspClient client = start_initialized();
  for (const std::string glue : {"garbage", "junk: value", "\x01\xff--"}) {
    SCOPED_TRACE(glue);
    const Json request = client.make_request("chunkls/noSuchMethod");
    client.send_raw(glue + frame(request));
    EXPECT_EQ(error_code(client.wait_response(request["id"])), -32601);
  }
}

TEST(Garbage, BytesThatAreNoFrameAtAll) {
  LspClient client = start_initialized();
  std::string junk;
  for (int i = 0; i < 4096; ++i)
    junk += static_cast<char>((i * 7919 + 13) % 256);
  client.send_raw(junk);
  client.send_raw(padding(100));
  EXPECT_TRUE(answers_health_check(client, kRetries, kRetryWait));
}

TEST(Garbage, NonJsonBodyThenHealthy) {
  LspClient client = start_initialized();
  client.send_raw(frame_body("\x01\x02 definitely not json }}}"));
  EXPECT_EQ(error_code(client.wait_response(nullptr)), -32700);
  EXPECT_TRUE(answers_health_check(client));
}

TEST(Garbage, TenMegabyteDidOpenIsChunked) {
  // No time limit: the outcome must not depend on how loaded the machine is.
  LspClient client = start_initialized({}, {"--parse-time-limit", "0"});
  int functions = 0;
  const std::string text = big_python(10 * 1024 * 1024, &functions, 2000);
  open_document(client, "file:///ten_mb.py", "python", text);
  const Json symbols = document_symbols(client, "file:///ten_mb.py", 180s);
  ASSERT_EQ(symbols.size(), static_cast<std::size_t>(functions));
  EXPECT_EQ(symbols[0]["name"], "f0");
  EXPECT_EQ(symbols[0]["selectionRange"], range(0, 4, 0, 6));
  const Json& last = symbols.back();
  EXPECT_EQ(last["name"], "f" + std::to_string(functions - 1));
  EXPECT_EQ(last["range"]["start"]["line"], 5 * (functions - 1));
  EXPECT_TRUE(answers_health_check(client));
}

TEST(Garbage, TenThousandDeepNestedParams) {
  LspClient client = start_initialized();
  const std::string nested = std::string(10000, '[') + std::string(10000, ']');
  client.send_raw(frame_body(R"({"jsonrpc":"2.0","id":77,"method":"textDocument/documentSymbol",)"
                             R"("params":)" +
                             nested + "}"));
  // An error answer, with our id or (if the body was refused whole) with id null.
  std::optional<Json> answer;
  for (int i = 0; i < 20 && !answer; ++i) {
    const auto message = client.read_message();
    ASSERT_TRUE(message) << "no answer; stderr: " << client.stderr_text();
    if (message->contains("id") && ((*message)["id"] == 77 || (*message)["id"].is_null())) {
      answer = message;
    }
  }
  ASSERT_TRUE(answer);
  EXPECT_NE(error_code(*answer), 0) << answer->dump().substr(0, 200);
  EXPECT_TRUE(answers_health_check(client));
}

TEST(Garbage, DeeplyNestedNotificationParams) {
  LspClient client = start_initialized();
  std::string deep;
  for (int i = 0; i < 10000; ++i)
    deep += R"({"a":)";
  deep += "1" + std::string(10000, '}');
  client.send_raw(
      frame_body(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":)" + deep + "}"));
  EXPECT_TRUE(answers_health_check(client));
}

// The raw bytes of a didOpen whose text holds bytes that are not UTF-8.
std::string did_open_with_raw_text(const std::string& uri, const std::string& escaped_text) {
  return frame_body(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":)"
                    R"({"uri":")" +
                    uri + R"(","languageId":"python","version":1,"text":")" + escaped_text +
                    R"("}}})");
}

TEST(Garbage, InvalidUtf8InDidOpenTextIsReplaced) {
  ClientOptions options;
  options.position_encodings = {"utf-8"};
  LspClient client = start_initialized(options);
  client.send_raw(
      did_open_with_raw_text("file:///bad_utf8.py", "s = '\xff'\\ndef ok():\\n    pass\\n"));
  const Json symbols = document_symbols(client, "file:///bad_utf8.py");
  ASSERT_EQ(outline(symbols), (std::vector<std::string>{"s@0", "ok@1"})) << symbols.dump();
  // One U+FFFD (three bytes) stands where the bad byte was: "s = '\uFFFD'" is 9 bytes.
  EXPECT_EQ(symbols[0]["range"]["end"], position(0, 9)) << symbols.dump();
  EXPECT_EQ(symbols[1]["selectionRange"], range(1, 4, 1, 6));
  EXPECT_TRUE(answers_health_check(client));
}

TEST(Garbage, TruncatedUtf8SequencesInDidOpenText) {
  LspClient client = start_initialized();
  client.send_raw(did_open_with_raw_text("file:///truncated.py",
                                         "x = '\xe4\xb8'\\ny = '\xf0\x9f\x98'\\n"
                                         "def ok():\\n    pass\\n# \xc3"));
  const Json symbols = document_symbols(client, "file:///truncated.py");
  EXPECT_EQ(outline(symbols), (std::vector<std::string>{"x@0", "y@1", "ok@2"})) << symbols.dump();
  EXPECT_TRUE(answers_health_check(client));
}

TEST(Garbage, NulBytesInDidOpenText) {
  LspClient client = start_initialized();
  using namespace std::string_literals;
  open_document(client, "file:///nul.py", "python",
                "def a():\n    return '\0\0'\n\ndef b():\n    pass\n"s);
  // Whether a text with NULs is chunked or refused as binary, the server answers.
  client.request("textDocument/documentSymbol",
                 {{"textDocument", text_document("file:///nul.py")}});
  EXPECT_TRUE(answers_health_check(client));
}

TEST(Garbage, BinaryDocumentThenHealthy) {
  LspClient client = start_initialized();
  std::string binary;
  for (int i = 0; i < 70000; ++i)
    binary += static_cast<char>(i % 128);  // NULs, controls
  open_document(client, "file:///binary.py", "python", binary);
  client.request("textDocument/foldingRange",
                 {{"textDocument", text_document("file:///binary.py")}});
  EXPECT_TRUE(answers_health_check(client));
}

}  // namespace
}  // namespace chunkls::e2e
