// The server's life cycle over stdio: what initialize announces (capabilities, position
// encoding), what happens before initialize, after shutdown, and how the process exits.
#include <gtest/gtest.h>

#include <thread>

#include "lsp_test_support.h"

namespace chunkls::e2e {
namespace {

TEST(Lifecycle, InitializeAnnouncesCapabilitiesAndServerName) {
  LspClient client = start_server();
  const Json result = result_of(initialize(client));
  const Json& caps = result["capabilities"];
  EXPECT_EQ(caps["positionEncoding"], "utf-16");
  const Json& sync = caps["textDocumentSync"];
  ASSERT_TRUE(sync.is_object()) << caps.dump();
  EXPECT_EQ(sync["openClose"], true);
  EXPECT_EQ(sync["change"], 2) << "incremental";
  EXPECT_EQ(sync["save"], Json({{"includeText", false}}));
  EXPECT_EQ(caps["documentSymbolProvider"], true);
  EXPECT_EQ(caps["foldingRangeProvider"], true);
  EXPECT_EQ(caps["selectionRangeProvider"], true);
  EXPECT_EQ(result["serverInfo"]["name"], "chunkls");
}

struct EncodingCase {
  std::string name;
  std::vector<std::string> offered;
  std::string chosen;
};

void PrintTo(const EncodingCase& c, std::ostream* out) {
  *out << Json(c.offered).dump() << " -> " << c.chosen;
}

class PositionEncodingNegotiation : public ::testing::TestWithParam<EncodingCase> {};

TEST_P(PositionEncodingNegotiation, PicksUtf8WhenOfferedElseUtf16UnlessOnlyUtf32) {
  LspClient client = start_server();
  ClientOptions options;
  options.position_encodings = GetParam().offered;
  const Json result = result_of(initialize(client, options));
  EXPECT_EQ(result["capabilities"]["positionEncoding"], GetParam().chosen);
}

INSTANTIATE_TEST_SUITE_P(Lifecycle, PositionEncodingNegotiation,
                         ::testing::Values(EncodingCase{"NoneOffered", {}, "utf-16"},
                                           EncodingCase{"Utf16", {"utf-16"}, "utf-16"},
                                           EncodingCase{"Utf8", {"utf-8"}, "utf-8"},
                                           EncodingCase{"Utf16Utf8", {"utf-16", "utf-8"}, "utf-8"},
                                           EncodingCase{"Utf32Utf8", {"utf-32", "utf-8"}, "utf-8"},
                                           EncodingCase{"Utf32Only", {"utf-32"}, "utf-32"},
                                           EncodingCase{
                                               "Utf32Utf16", {"utf-32", "utf-16"}, "utf-16"}),
                         [](const auto& test) { return test.param.name; });

TEST(Lifecycle, RequestBeforeInitializeIsServerNotInitialized) {
  LspClient client = start_server();
  const Json response = client.request("textDocument/documentSymbol",
                                       {{"textDocument", text_document("file:///early.py")}});
  EXPECT_EQ(error_code(response), -32002) << response.dump();
  // The server still initializes afterwards.
  EXPECT_TRUE(initialize(client).contains("result"));
  EXPECT_TRUE(answers_health_check(client));
}

TEST(Lifecycle, NotificationBeforeInitializeIsIgnored) {
  TempDir dir;
  const std::string uri = file_uri(dir.path() / "early.py");  // nothing on disk
  LspClient client = start_server();
  open_document(client, uri, "python", "def early():\n    pass\n");
  ASSERT_TRUE(initialize(client).contains("result"));
  // The didOpen was dropped: the document is not open, and not on disk either.
  const Json response =
      client.request("textDocument/documentSymbol", {{"textDocument", text_document(uri)}});
  EXPECT_EQ(error_code(response), -32602) << response.dump();
  EXPECT_TRUE(client.stashed_responses().empty()) << "a notification was answered";
}

TEST(Lifecycle, SecondInitializeIsInvalidRequest) {
  LspClient client = start_initialized();
  const Json response = initialize(client);
  EXPECT_EQ(error_code(response), -32600) << response.dump();
  EXPECT_TRUE(answers_health_check(client));
}

TEST(Lifecycle, ShutdownAnswersNullThenRequestsAreInvalid) {
  LspClient client = start_initialized();
  const Json shutdown = client.request("shutdown", nullptr);
  ASSERT_TRUE(shutdown.contains("result")) << shutdown.dump();
  EXPECT_TRUE(shutdown["result"].is_null());
  const Json after = client.request("textDocument/documentSymbol",
                                    {{"textDocument", text_document("file:///x.py")}});
  EXPECT_EQ(error_code(after), -32600) << after.dump();
  EXPECT_EQ(error_code(client.request("shutdown", nullptr)), -32600);
}

TEST(Lifecycle, ExitAfterShutdownExitsZero) {
  LspClient client = start_initialized();
  ASSERT_TRUE(client.request("shutdown", nullptr).contains("result"));
  client.notify("exit", nullptr);
  EXPECT_EQ(client.wait_exit(), 0) << client.stderr_text();
}

TEST(Lifecycle, ExitWithoutShutdownExitsOne) {
  LspClient client = start_initialized();
  client.notify("exit", nullptr);
  EXPECT_EQ(client.wait_exit(), 1) << client.stderr_text();
}

TEST(Lifecycle, ExitBeforeInitializeExitsOne) {
  LspClient client = start_server();
  client.notify("exit", nullptr);
  EXPECT_EQ(client.wait_exit(), 1) << client.stderr_text();
}

TEST(Lifecycle, EndOfInputWithoutShutdownExitsOne) {
  LspClient client = start_initialized();
  client.close_input();
  EXPECT_EQ(client.wait_exit(), 1) << client.stderr_text();
}

TEST(Lifecycle, EndOfInputBeforeInitializeExitsOne) {
  LspClient client = start_server();
  client.close_input();
  EXPECT_EQ(client.wait_exit(), 1) << client.stderr_text();
}

TEST(Lifecycle, EndOfInputAfterShutdownExitsZero) {
  LspClient client = start_initialized();
  ASSERT_TRUE(client.request("shutdown", nullptr).contains("result"));
  client.close_input();
  EXPECT_EQ(client.wait_exit(), 0) << client.stderr_text();
}

TEST(Lifecycle, EndOfInputWithWorkInFlightStillExits) {
  LspClient client = start_initialized();
  open_document(client, "file:///big.py", "python", big_python(2'000'000));
  client.send_request("textDocument/documentSymbol",
                      {{"textDocument", text_document("file:///big.py")}});
  client.close_input();
  EXPECT_EQ(client.wait_exit(60s), 1) << client.stderr_text();
}

// The answers to what was asked before the end of input still go out.
TEST(Lifecycle, EndOfInputStillAnswersWhatWasAsked) {
  LspClient client = start_initialized();
  open_document(client, "file:///a.py", "python", "def a():\n    pass\n");
  std::vector<Json> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back(client.send_request("textDocument/documentSymbol",
                                      {{"textDocument", text_document("file:///a.py")}}));
  }
  client.close_input();
  for (const Json& id : ids)
    EXPECT_EQ(outline(result_of(client.wait_response(id))), std::vector<std::string>{"a@0"});
  EXPECT_EQ(client.wait_exit(), 1);
}

// A client sends requests whose answers fill the pipe, then shutdown and exit, and reads
// nothing more: queued work is dropped and the final writes give up, so the process
// ends instead of waiting forever on a full pipe.
TEST(Lifecycle, ExitEndsTheProcessWhenTheClientStopsReading) {
  LspClient client = start_initialized({}, {"--parse-time-limit", "0"});
  int functions = 0;
  open_document(client, "file:///big.py", "python", big_python(400'000, &functions));
  ASSERT_EQ(document_symbols(client, "file:///big.py").size(), static_cast<std::size_t>(functions));
  std::string bytes;
  for (int i = 0; i < 40; ++i) {  // about 1 MB each: the pipe fills with the first
    bytes += frame(client.make_request("textDocument/documentSymbol",
                                       {{"textDocument", text_document("file:///big.py")}}));
    bytes += frame(client.make_request("textDocument/foldingRange",
                                       {{"textDocument", text_document("file:///big.py")}}));
  }
  bytes += frame(client.make_request("shutdown", nullptr));
  // After shutdown every request is refused by the reader itself: those answers must
  // not block it either, or it would never read the exit.
  for (int i = 0; i < 2000; ++i)
    bytes += frame(client.make_request("textDocument/documentSymbol", Json::object()));
  client.send_unread(bytes);
  client.send_unread(frame(Json{{"jsonrpc", "2.0"}, {"method", "exit"}}));
  // Exit drops the queue and bounds the writes: without that the process waits
  // forever for a client that never reads again.
  EXPECT_EQ(client.wait_exit_unread(60s), 0) << client.stderr_text();
}

// Some parents hand the server non-blocking pipes: a read then finds EAGAIN when nothing
// has arrived yet and a write when the client has not read yet. Neither is the end:
// every answer arrives, in full.
TEST(Lifecycle, NonBlockingStdinAndStdoutLoseNothing) {
  LspClient client = LspClient::spawn({kBinary, "--parse-time-limit", "0"},
                                      ChildOptions{.non_blocking_stdio = true});
  std::this_thread::sleep_for(100ms);  // the server finds its input empty: EAGAIN
  ASSERT_TRUE(client.server_running()) << "EAGAIN on stdin is not the end of input";
  ASSERT_TRUE(initialize(client).contains("result"));
  client.notify("initialized");
  int functions = 0;
  open_document(client, "file:///big.py", "python", big_python(300'000, &functions));
  std::string bytes;
  std::vector<Json> ids;
  for (int i = 0; i < 12; ++i) {
    const Json request = client.make_request("textDocument/documentSymbol",
                                             {{"textDocument", text_document("file:///big.py")}});
    ids.push_back(request["id"]);
    bytes += frame(request);
  }
  const Json shutdown = client.make_request("shutdown", nullptr);
  bytes += frame(shutdown);
  client.send_unread(bytes);
  std::this_thread::sleep_for(300ms);  // answers fill the pipe: EAGAIN on stdout
  for (const Json& id : ids) {
    EXPECT_EQ(result_of(client.wait_response(id, 120s)).size(),
              static_cast<std::size_t>(functions));
  }
  EXPECT_TRUE(client.wait_response(shutdown["id"]).contains("result"));
  client.notify("exit", nullptr);
  EXPECT_EQ(client.wait_exit(), 0) << client.stderr_text();
}

}  // namespace
}  // namespace chunkls::e2e
