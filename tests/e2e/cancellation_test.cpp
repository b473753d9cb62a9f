// Requests queued behind a busy document and requests cancelled while they run:
// $/cancelRequest answers -32800, and stops work already running; a document closed
// under a queued request does not stop it; a queued request answers for the text before
// the edits that followed it; other documents are served meanwhile.
//
// "Busy" is deterministic, whatever the machine's speed or load: the server runs with
// --test-hooks, and chunkls/test/pause holds a document's queue until the test sends
// chunkls/test/resume. chunkls/test/waitForCancel is work that ends only at its
// deadline, so only a cancellation that reaches running work can answer it.
#include <gtest/gtest.h>

#include "lsp_test_support.h"

namespace chunkls::e2e {
namespace {

const std::string kDoc = "file:///busy.py";
const std::vector<std::string> kHooks = {"--test-hooks"};

Json symbols_request(LspClient& client, const std::string& uri) {
  return client.make_request("textDocument/documentSymbol", {{"textDocument", text_document(uri)}});
}

LspClient start_with_document() {
  LspClient client = start_initialized({}, kHooks);
  open_document(client, kDoc, "python", "def first():\n    pass\n");
  return client;
}

TEST(Cancellation, CancelledQueuedRequestAnswersRequestCancelled) {
  LspClient client = start_with_document();
  pause_document(client, kDoc);
  const Json request = symbols_request(client, kDoc);
  client.send(request);
  client.notify("$/cancelRequest", {{"id", request["id"]}});
  resume_document(client, kDoc);
  const Json response = client.wait_response(request["id"]);
  EXPECT_EQ(error_code(response), -32800) << response.dump();
  EXPECT_TRUE(answers_health_check(client));
}

// Work that has started stops when cancelled: the answer comes from the cancellation,
// not from the time limit (there is none) or the end of the work (there is none).
TEST(Cancellation, CancellingARunningRequestStopsItsWork) {
  LspClient client =
      start_initialized({}, {"--test-hooks", "--parse-time-limit", "0", "--log-level", "debug"});
  open_document(client, kDoc, "python", "def first():\n    pass\n");
  for (int round = 0; round < 3; ++round) {
    const Json id =
        client.send_request("chunkls/test/waitForCancel", {{"textDocument", text_document(kDoc)}});
    const std::string started = "request " + id.dump() + " started";
    ASSERT_TRUE(client.wait_for_stderr_line(started)) << client.stderr_text();
    client.notify("$/cancelRequest", {{"id", id}});
    const Json response = client.wait_response(id);
    EXPECT_EQ(error_code(response), -32800) << response.dump();
  }
  // The document's queue is free again.
  EXPECT_EQ(outline(document_symbols(client, kDoc)), std::vector<std::string>{"first@0"});
}

TEST(Cancellation, RunningRequestsStopAtTheTimeLimit) {
  LspClient client = start_initialized({}, {"--test-hooks", "--parse-time-limit", "50"});
  open_document(client, kDoc, "python", "def first():\n    pass\n");
  const Json response =
      client.request("chunkls/test/waitForCancel", {{"textDocument", text_document(kDoc)}});
  EXPECT_EQ(error_code(response), -32803) << response.dump();
  EXPECT_NE(response.dump().find("gave up at the time limit"), std::string::npos);
}

TEST(Cancellation, CancellingAnUnknownOrFinishedRequestIsHarmless) {
  LspClient client = start_initialized();
  client.notify("$/cancelRequest", {{"id", 12345}});
  client.notify("$/cancelRequest", {{"id", "no-such-id"}});
  ASSERT_TRUE(answers_health_check(client));
  client.notify("$/cancelRequest", {{"id", 2}});  // the health check's, long answered
  EXPECT_TRUE(answers_health_check(client));
  EXPECT_TRUE(client.stashed_responses().empty()) << client.stashed_responses()[0].dump();
}

TEST(Cancellation, ARequestQueuedBeforeADidCloseAnswersForItsText) {
  LspClient client = start_with_document();
  pause_document(client, kDoc);
  const Json request = symbols_request(client, kDoc);
  client.send(request);
  change(client, kDoc, 2, {whole("def changed():\n    pass\n")});
  client.notify("textDocument/didClose", {{"textDocument", text_document(kDoc)}});
  resume_document(client, kDoc);
  const Json response = client.wait_response(request["id"]);
  EXPECT_EQ(outline(result_of(response)), std::vector<std::string>{"first@0"}) << response.dump();
  EXPECT_TRUE(answers_health_check(client));
}

// A client that pipelines changes and requests gets each answer for the version it had
// when it asked, whatever is queued behind: ranges valid against that text.
TEST(Cancellation, PipelinedRequestsAnswerForTheVersionTheyWereSentAt) {
  LspClient client = start_with_document();
  pause_document(client, kDoc);
  change(client, kDoc, 2, {whole("def two():\n    pass\n")});
  const Json at_two = symbols_request(client, kDoc);
  client.send(at_two);
  change(client, kDoc, 3, {whole("\n\ndef three():\n    pass\n")});
  const Json at_three = symbols_request(client, kDoc);
  client.send(at_three);
  const Json folds_at_three =
      client.send_request("textDocument/foldingRange", {{"textDocument", text_document(kDoc)}});
  resume_document(client, kDoc);
  EXPECT_EQ(outline(result_of(client.wait_response(at_two["id"]))),
            std::vector<std::string>{"two@0"});
  EXPECT_EQ(outline(result_of(client.wait_response(at_three["id"]))),
            std::vector<std::string>{"three@2"});
  const Json folds = result_of(client.wait_response(folds_at_three));
  ASSERT_EQ(folds.size(), 1u) << folds.dump();
  EXPECT_EQ(folds[0]["startLine"], 2) << folds.dump();
}

TEST(Cancellation, SelectionRangesAnswerForTheTextTheirPositionsCameFrom) {
  LspClient client = start_with_document();
  pause_document(client, kDoc);
  const Json id = client.send_request(
      "textDocument/selectionRange",
      {{"textDocument", text_document(kDoc)}, {"positions", Json::array({position(0, 5)})}});
  change(client, kDoc, 2, {whole("x = 1\n")});
  resume_document(client, kDoc);
  const Json response = client.wait_response(id);
  // "first" spans columns 4-9 of the text the position was computed on.
  EXPECT_EQ(result_of(response)[0]["range"], range(0, 4, 0, 9)) << response.dump();
}

TEST(Cancellation, OtherDocumentsAreAnsweredWhileOneIsBusy) {
  LspClient client = start_with_document();
  pause_document(client, kDoc);
  const Json busy = symbols_request(client, kDoc);
  client.send(busy);
  open_document(client, "file:///small.py", "python", "def small():\n    pass\n");
  const Json small = client.request("textDocument/documentSymbol",
                                    {{"textDocument", text_document("file:///small.py")}});
  EXPECT_EQ(outline(result_of(small)), std::vector<std::string>{"small@0"});
  EXPECT_TRUE(client.stashed_responses().empty()) << "the paused document has not answered";
  resume_document(client, kDoc);
  EXPECT_EQ(outline(result_of(client.wait_response(busy["id"]))),
            std::vector<std::string>{"first@0"});
}

TEST(Cancellation, ManyRequestsInOneWriteAreAllAnswered) {
  LspClient client = start_initialized();
  open_document(client, "file:///a.py", "python", "def a():\n    pass\n");
  open_document(client, "file:///b.py", "python", "class B:\n    pass\n");
  std::string bytes;
  std::vector<Json> ids;
  for (int i = 0; i < 50; ++i) {
    const Json request = symbols_request(client, i % 2 ? "file:///a.py" : "file:///b.py");
    ids.push_back(request["id"]);
    bytes += frame(request);
  }
  client.send_raw(bytes);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const Json response = client.wait_response(ids[i]);
    EXPECT_EQ(outline(result_of(response)), std::vector<std::string>{i % 2 ? "a@0" : "B@0"});
  }
}

// Without --test-hooks the hooks do not exist.
TEST(Cancellation, TestHooksAreOffByDefault) {
  LspClient client = start_initialized();
  const Json response =
      client.request("chunkls/test/waitForCancel", {{"textDocument", text_document(kDoc)}});
  EXPECT_EQ(error_code(response), -32601) << response.dump();
}

}  // namespace
}  // namespace chunkls::e2e
