// `chunkls --port 0`: the server listens on a free port of 127.0.0.1, says which on
// standard error, and speaks the same protocol over the connection.
#include <gtest/gtest.h>

#include "lsp_test_support.h"

namespace chunkls::e2e {
namespace {

TEST(Tcp, InitializeSymbolsShutdownExitOverAConnection) {
  LspClient client = LspClient::spawn_tcp({kBinary, "--port", "0"});
  const Json init = initialize(client);
  ASSERT_TRUE(init.contains("result")) << init.dump();
  EXPECT_EQ(init["result"]["serverInfo"]["name"], "chunkls");
  open_document(client, "file:///tcp.py", "python",
                "class Remote:\n    def m(self):\n        pass\n");
  EXPECT_EQ(outline(document_symbols(client, "file:///tcp.py")),
            (std::vector<std::string>{"Remote@0", "m@1"}));
  EXPECT_TRUE(answers_health_check(client));
  ASSERT_TRUE(client.request("shutdown", nullptr).contains("result"));
  client.notify("exit", nullptr);
  EXPECT_EQ(client.wait_exit(), 0) << client.stderr_text();
}

TEST(Tcp, GarbageOverTheConnectionIsSurvived) {
  LspClient client = LspClient::spawn_tcp({kBinary, "--port", "0"});
  ASSERT_TRUE(initialize(client).contains("result"));
  client.send_raw(frame_body(R"({"jsonrpc": "2.0", "id": 1, "method": )"));
  EXPECT_EQ(error_code(client.wait_response(nullptr)), -32700);
  EXPECT_TRUE(answers_health_check(client));
}

TEST(Tcp, ClosedConnectionEndsTheServer) {
  LspClient client = LspClient::spawn_tcp({kBinary, "--port", "0"});
  ASSERT_TRUE(initialize(client).contains("result"));
  client.close_input();
  EXPECT_EQ(client.wait_exit(), 1) << client.stderr_text();
}

}  // namespace
}  // namespace chunkls::e2e
