// Clients that misbehave at the transport level, against the real server over pipes: a
// client that closes its end of the server's output in the middle of an answer (EPIPE,
// never a death by SIGPIPE), one that closes the server's input in the middle of a
// message, one that stops reading while its answers fill the pipe (with the workspace
// indexer reporting progress meanwhile), and a stray SIGPIPE. The server must end
// cleanly with the documented exit code, never hang, and lose no work for a client that
// reads again.
//
// Nothing here waits for a time to pass as a way to synchronise: "the server is
// writing" is read from the pipe (bytes queued on our end), "the server is reading" from
// our writes completing; the one sleep is the scenario itself (a client that reads
// nothing for 10 s).
#include <fmt/format.h>
#include <signal.h>

#include <map>
#include <thread>

#include "e2e/lsp_test_support.h"

namespace chunkls::e2e {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kExitWithoutShutdown = 1;  // README: end of input or a client gone
constexpr int kKilledBySigpipe = 128 + SIGPIPE;
const std::string kBig = "file:///faults/big.py";
const std::string kSecond = "file:///faults/second.py";

// Waits until the server has written at least `bytes` that we have not read; false at
// the timeout. Used to know that the server is in the middle of writing an answer
// larger than the pipe: it cannot finish before we read.
bool wait_unread_output(const LspClient& client, std::size_t bytes,
                        std::chrono::milliseconds timeout = 60s) {
  const auto until = Clock::now() + timeout;
  while (client.unread_output_bytes() < bytes) {
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(1ms);  // polling a counter, not waiting for time to pass
  }
  return true;
}

std::string symbol_request(LspClient& client, const std::string& uri, std::vector<Json>* ids) {
  const Json request =
      client.make_request("textDocument/documentSymbol", {{"textDocument", text_document(uri)}});
  if (ids) ids->push_back(request["id"]);
  return frame(request);
}

// A server initialized on the installed Python standard library as its workspace folder,
// with one indexing worker and its store in `cache`; the client accepts the progress
// token, so the indexer's threads have $/progress to send while it indexes (1,800 files:
// it is still indexing when the tests below fill the pipe).
LspClient start_indexing_server(const TempDir& cache) {
  LspClient client = start_server(
      {"--parse-time-limit", "0", "--index-workers", "1", "--index-cache", cache.path().string()});
  Json capabilities = client_capabilities({});
  capabilities["window"]["workDoneProgress"] = true;
  const std::string root = file_uri(CHUNKLS_PYTHON_STDLIB);
  const Json init = client.request(
      "initialize", {{"processId", nullptr},
                     {"rootUri", root},
                     {"workspaceFolders", Json::array({{{"uri", root}, {"name", "stdlib"}}})},
                     {"capabilities", capabilities}});
  EXPECT_TRUE(init.contains("result")) << init.dump();
  client.notify("initialized");
  // The token, then its begin: from now on the indexer reports every 250 ms.
  const auto until = Clock::now() + 60s;
  bool created = false;
  while (!created && Clock::now() < until) {
    const std::optional<Json> message = client.read_message(1s);
    if (message && message->contains("id") &&
        message->value("method", "") == "window/workDoneProgress/create") {
      client.send({{"jsonrpc", "2.0"}, {"id", (*message)["id"]}, {"result", nullptr}});
      created = true;
    }
  }
  EXPECT_TRUE(created) << "no window/workDoneProgress/create";
  EXPECT_TRUE(client.wait_notification("$/progress", 60s)) << "no progress began";
  return client;
}

// (a) The client closes its end of the server's output while an answer larger than the
// pipe is being written: the write fails with EPIPE (SIGPIPE is ignored), the server
// says so in its log and exits 1, although its input is still open.
TEST(ClientFaults, OutputClosedMidAnswerExitsCleanly) {
  LspClient client = start_initialized({}, {"--parse-time-limit", "0"});
  int functions = 0;
  open_document(client, kBig, "python", big_python(400'000, &functions));
  ASSERT_EQ(document_symbols(client, kBig).size(), static_cast<std::size_t>(functions));
  std::string bytes;
  for (int i = 0; i < 5; ++i)
    bytes += symbol_request(client, kBig, nullptr);  // about 1 MB each
  client.send_unread(bytes);
  // Part of the first answer is in the pipe: the rest is still to be written.
  ASSERT_TRUE(wait_unread_output(client, 1));
  client.close_output();
  const std::optional<int> code = client.wait_exit_unread(60s);
  ASSERT_TRUE(code) << "the server did not exit with its output closed\n" << client.stderr_text();
  EXPECT_NE(*code, kKilledBySigpipe) << "killed by SIGPIPE";
  EXPECT_EQ(*code, kExitWithoutShutdown) << client.stderr_text();
  EXPECT_NE(client.stderr_text().find("the client closed the connection"), std::string::npos)
      << client.stderr_text();
}

// The same after shutdown: the exit code says shutdown was asked (0).
TEST(ClientFaults, OutputClosedAfterShutdownExitsZero) {
  LspClient client = start_initialized({}, {"--parse-time-limit", "0"});
  int functions = 0;
  open_document(client, kBig, "python", big_python(400'000, &functions));
  ASSERT_EQ(document_symbols(client, kBig).size(), static_cast<std::size_t>(functions));
  ASSERT_TRUE(client.request("shutdown", nullptr).contains("result"));
  // Closed first: the answer to what follows (refused after shutdown) can only fail.
  client.close_output();
  client.send_unread(symbol_request(client, kBig, nullptr));
  EXPECT_EQ(client.wait_exit_unread(60s), 0) << client.stderr_text();
}

// (b) The client closes the server's input in the middle of a message: what was asked
// before is still answered, the truncated message is reported, the exit code is 1.
struct PartialInput {
  std::string name;
  std::string bytes;
};
void PrintTo(const PartialInput& input, std::ostream* out) {
  *out << input.name;
}

class InputClosedMidMessage : public ::testing::TestWithParam<PartialInput> {};

TEST_P(InputClosedMidMessage, AnswersWhatWasAskedThenExitsOne) {
  LspClient client = start_initialized();
  open_document(client, "file:///a.py", "python", "def a():\n    pass\n");
  std::vector<Json> ids;
  std::string bytes;
  for (int i = 0; i < 5; ++i)
    bytes += symbol_request(client, "file:///a.py", &ids);
  client.send_unread(bytes + GetParam().bytes);
  client.close_input();
  for (const Json& id : ids)
    EXPECT_EQ(outline(result_of(client.wait_response(id))), std::vector<std::string>{"a@0"});
  EXPECT_EQ(client.wait_exit(60s), kExitWithoutShutdown) << client.stderr_text();
  if (GetParam().name != "BetweenMessages") {
    EXPECT_NE(client.stderr_text().find("stream ended inside a message"), std::string::npos)
        << client.stderr_text();
  }
}

INSTANTIATE_TEST_SUITE_P(
    ClientFaults, InputClosedMidMessage,
    ::testing::Values(PartialInput{"BetweenMessages", ""},
                      PartialInput{"InHeaderName", "Content-Len"},
                      PartialInput{"BeforeBody", "Content-Length: 90\r\n\r\n"},
                      PartialInput{
                          "InBody",
                          "Content-Length: 200\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":"
                          "\"textDocument/documentSymbol\",\"params\":{\"textDoc"}),
    [](const auto& test) { return test.param.name; });

// A SIGPIPE from outside (a shell's pipeline, a supervisor) is ignored like our own.
TEST(ClientFaults, SigpipeIsIgnored) {
  LspClient client = start_initialized();
  ASSERT_TRUE(client.server_running());
  ASSERT_EQ(::kill(client.process_id(), SIGPIPE), 0);
  EXPECT_TRUE(answers_health_check(client));
  EXPECT_TRUE(client.server_running());
}

// (c) A client that does not read for 10 s while its answers fill the pipe many times
// over: the server keeps reading (more than a pipe of input goes in meanwhile), the
// indexer goes on, and once the client reads, every answer arrives, valid, each
// document's in the order asked, each for its version; new requests are answered.
TEST(ClientFaults, AClientThatStopsReadingLosesNothing) {
  TempDir cache;
  LspClient client = start_indexing_server(cache);
  int functions = 0;
  std::string big = big_python(400'000, &functions);
  open_document(client, kBig, "python", big);
  ASSERT_EQ(document_symbols(client, kBig).size(), static_cast<std::size_t>(functions));

  std::map<int, std::size_t> expected_symbols;  // request id -> top-level symbols of kBig
  std::vector<int> big_ids;
  std::string bytes;
  for (int i = 0; i < 10; ++i) {
    const Json request =
        client.make_request("textDocument/documentSymbol", {{"textDocument", text_document(kBig)}});
    expected_symbols[request["id"].get<int>()] = functions;
    big_ids.push_back(request["id"].get<int>());
    bytes += frame(request);
  }
  client.send_unread(bytes);
  // The answers (about 1 MB each) are being written and cannot all fit: the server's
  // writes now wait for us.
  ASSERT_TRUE(wait_unread_output(client, client.output_pipe_capacity() / 2))
      << client.stderr_text();

  // Meanwhile the server reads on: edits (a function appended each time) with a request
  // after each, a second document larger than the pipe, workspace symbols.
  bytes.clear();
  int version = 1;
  for (int k = 1; k <= 20; ++k) {
    const int end_line = static_cast<int>(std::count(big.begin(), big.end(), '\n'));
    const std::string added = fmt::format("def added_{}():\n    pass\n", k);
    bytes += frame(
        {{"jsonrpc", "2.0"},
         {"method", "textDocument/didChange"},
         {"params",
          {{"textDocument", {{"uri", kBig}, {"version", ++version}}},
           {"contentChanges", Json::array({edit(range(end_line, 0, end_line, 0), added)})}}}});
    big += added;
    const Json request =
        client.make_request("textDocument/documentSymbol", {{"textDocument", text_document(kBig)}});
    expected_symbols[request["id"].get<int>()] = static_cast<std::size_t>(functions + k);
    big_ids.push_back(request["id"].get<int>());
    bytes += frame(request);
  }
  int second_functions = 0;
  const std::string second = big_python(300'000, &second_functions);
  bytes +=
      frame({{"jsonrpc", "2.0"},
             {"method", "textDocument/didOpen"},
             {"params",
              {{"textDocument",
                {{"uri", kSecond}, {"languageId", "python"}, {"version", 1}, {"text", second}}}}}});
  std::vector<Json> second_ids;
  for (int i = 0; i < 3; ++i)
    bytes += symbol_request(client, kSecond, &second_ids);
  std::vector<Json> workspace_ids;
  for (const char* query : {"json", "Decoder", "parse"}) {
    const Json request = client.make_request("workspace/symbol", {{"query", query}});
    workspace_ids.push_back(request["id"]);
    bytes += frame(request);
  }
  ASSERT_GT(bytes.size(), 4 * client.output_pipe_capacity());
  client.send_unread(bytes);  // completes only if the server reads while it cannot write

  // The scenario: a client that reads nothing for 10 s. Nothing may give up meanwhile.
  std::this_thread::sleep_for(10s);
  ASSERT_TRUE(client.server_running()) << client.stderr_text();

  // Every answer, in arrival order.
  std::vector<int> arrived_big;
  std::vector<int> arrived_second;
  const std::size_t total = expected_symbols.size() + second_ids.size() + workspace_ids.size();
  for (std::size_t n = 0; n < total; ++n) {
    const Json response = client.next_response(120s);
    ASSERT_TRUE(response.contains("result")) << response.dump().substr(0, 500);
    const Json& id = response["id"];
    if (expected_symbols.contains(id.get<int>())) {
      arrived_big.push_back(id.get<int>());
      EXPECT_EQ(response["result"].size(), expected_symbols[id.get<int>()]) << "id " << id;
    } else if (std::find(second_ids.begin(), second_ids.end(), id) != second_ids.end()) {
      arrived_second.push_back(id.get<int>());
      EXPECT_EQ(response["result"].size(), static_cast<std::size_t>(second_functions));
    } else {
      ASSERT_NE(std::find(workspace_ids.begin(), workspace_ids.end(), id), workspace_ids.end())
          << "an answer nobody asked for: " << id;
      EXPECT_TRUE(response["result"].is_array());
    }
  }
  EXPECT_EQ(arrived_big, big_ids) << "one document's answers out of order";
  EXPECT_TRUE(std::is_sorted(arrived_second.begin(), arrived_second.end()));
  EXPECT_EQ(arrived_second.size(), second_ids.size());

  // And the server goes on serving.
  EXPECT_EQ(document_symbols(client, kBig).size(), static_cast<std::size_t>(functions + 20));
  EXPECT_TRUE(answers_health_check(client));
  ASSERT_TRUE(client.request("shutdown", nullptr).contains("result"));
  client.notify("exit", nullptr);
  EXPECT_EQ(client.wait_exit(60s), 0) << client.stderr_text();
}

// The indexer's threads have progress to send while the pipe is full. Neither a
// shutdown (which stops the indexer) nor the end of input may then wait for a client
// that does not read: the process ends.
// An indexing server whose output pipe is at least half full of answers nobody reads.
void fill_pipe_while_indexing(LspClient& client) {
  open_document(client, kBig, "python", big_python(400'000));
  std::string bytes;
  for (int i = 0; i < 10; ++i)
    bytes += symbol_request(client, kBig, nullptr);
  client.send_unread(bytes);
  ASSERT_TRUE(wait_unread_output(client, client.output_pipe_capacity() / 2));
}

TEST(ClientFaults, ShutdownAndExitWhileIndexingIntoAFullPipe) {
  TempDir cache;
  LspClient client = start_indexing_server(cache);
  ASSERT_NO_FATAL_FAILURE(fill_pipe_while_indexing(client));
  client.send_unread(frame(client.make_request("shutdown", nullptr)) +
                     frame(Json{{"jsonrpc", "2.0"}, {"method", "exit"}}));
  EXPECT_EQ(client.wait_exit_unread(60s), 0) << client.stderr_text();
}

TEST(ClientFaults, EndOfInputWhileIndexingIntoAFullPipe) {
  TempDir cache;
  LspClient client = start_indexing_server(cache);
  ASSERT_NO_FATAL_FAILURE(fill_pipe_while_indexing(client));
  client.close_input();
  // Answers to a client that reads nothing give up 10 s after their last progress.
  EXPECT_EQ(client.wait_exit_unread(60s), kExitWithoutShutdown) << client.stderr_text();
}

}  // namespace
}  // namespace chunkls::e2e
