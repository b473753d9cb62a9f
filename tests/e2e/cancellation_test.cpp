// Requests queued behind a busy document: $/cancelRequest answers -32800, a document
// closed under a queued request answers -32801, a queued request answers for the text
// after the edits that followed it, and other documents are served meanwhile.
//
// "Busy" is a didOpen of a few megabytes of Python; the request and what races it go in
// ONE write so that the server reads them while the big document is still being chunked.
#include <gtest/gtest.h>

#include "lsp_test_support.h"

namespace chunkls::e2e {
namespace {

constexpr std::size_t kBusyBytes = 4 * 1024 * 1024;
constexpr auto kSlow = 120s;
const std::string kBig = "file:///busy.py";

Json symbols_request(LspClient& client, const std::string& uri) {
  return client.make_request("textDocument/documentSymbol", {{"textDocument", text_document(uri)}});
}

Json notification(const std::string& method, const Json& params) {
  return {{"jsonrpc", "2.0"}, {"method", method}, {"params", params}};
}

Json full_change(const std::string& uri, int version, const std::string& text) {
  return notification("textDocument/didChange",
                      {{"textDocument", {{"uri", uri}, {"version", version}}},
                       {"contentChanges", {{{"text", text}}}}});
}

TEST(Cancellation, CancelledQueuedRequestAnswersRequestCancelled) {
  LspClient client = start_initialized();
  open_document(client, kBig, "python", big_python(kBusyBytes));
  const Json request = symbols_request(client, kBig);
  client.send_raw(frame(request) + frame(notification("$/cancelRequest", {{"id", request["id"]}})));
  const Json response = client.wait_response(request["id"], kSlow);
  EXPECT_EQ(error_code(response), -32800) << response.dump().substr(0, 300);
  EXPECT_TRUE(answers_health_check(client, 1, kSlow));
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

TEST(Cancellation, DocumentClosedUnderAQueuedRequestAnswersContentModified) {
  LspClient client = start_initialized();
  open_document(client, kBig, "python", big_python(kBusyBytes));
  const Json request = symbols_request(client, kBig);
  client.send_raw(
      frame(request) + frame(full_change(kBig, 2, "def changed():\n    pass\n")) +
      frame(notification("textDocument/didClose", {{"textDocument", text_document(kBig)}})));
  const Json response = client.wait_response(request["id"], kSlow);
  EXPECT_EQ(error_code(response), -32801) << response.dump().substr(0, 300);
  EXPECT_TRUE(answers_health_check(client, 1, kSlow));
}

TEST(Cancellation, QueuedRequestAnswersForTheTextAfterLaterChanges) {
  LspClient client = start_initialized();
  open_document(client, kBig, "python", big_python(kBusyBytes));
  const Json request = symbols_request(client, kBig);
  client.send_raw(frame(request) + frame(full_change(kBig, 2, "def latest():\n    pass\n")));
  const Json response = client.wait_response(request["id"], kSlow);
  EXPECT_EQ(outline(result_of(response)), std::vector<std::string>{"latest@0"})
      << response.dump().substr(0, 300);
}

TEST(Cancellation, OtherDocumentsAreAnsweredWhileOneIsBusy) {
  LspClient client = start_initialized();
  int functions = 0;
  open_document(client, kBig, "python", big_python(kBusyBytes, &functions));
  const Json big_request = symbols_request(client, kBig);
  client.send(big_request);
  open_document(client, "file:///small.py", "python", "def small():\n    pass\n");
  const Json small = client.request("textDocument/documentSymbol",
                                    {{"textDocument", text_document("file:///small.py")}}, kSlow);
  EXPECT_EQ(outline(result_of(small)), std::vector<std::string>{"small@0"});
  const Json big = client.wait_response(big_request["id"], kSlow);
  EXPECT_EQ(result_of(big).size(), static_cast<std::size_t>(functions));
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

}  // namespace
}  // namespace chunkls::e2e
