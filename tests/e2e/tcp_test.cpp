// `chunkls --port 0`: the server listens on a free port of 127.0.0.1 only, says which on
// standard error, speaks the same protocol over the connection, and serves one client:
// it stops listening once it accepted one, so a second is refused by the kernel at once
// (connection refused) while the first keeps working.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>

#include "child_process.h"
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

// The local addresses of the listening TCP sockets on `port` (hex as /proc shows them:
// "0100007F" is 127.0.0.1).
std::vector<std::string> listening_addresses(const char* table, int port) {
  std::vector<std::string> out;
  std::ifstream in(table);
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    const std::size_t colon = local.rfind(':');
    int local_port = 0;
    std::from_chars(local.data() + colon + 1, local.data() + local.size(), local_port, 16);
    if (state == "0A" && local_port == port) out.push_back(local.substr(0, colon));
  }
  return out;
}

// connect() to 127.0.0.1:port: 0, or the errno it failed with. A connection that the
// kernel accepted into a backlog nobody serves is reset when the listener closes: then
// the errno of the first read.
int connect_error(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int error = 0;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    error = errno;
  } else {
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 60'000);  // a hang guard: a refused connection ends at once
    char byte = 0;
    const ssize_t n = ::recv(fd, &byte, 1, MSG_DONTWAIT);
    error = n < 0 ? errno : 0;
  }
  ::close(fd);
  return error;
}

// The port a `--port 0` server says it listens on (a failure when it says none).
int listening_port(ChildProcess& server) {
  const std::string marker = "listening on 127.0.0.1:";
  const auto line = server.wait_for_stderr_line(marker, std::chrono::seconds(60));
  int port = 0;
  if (!line) {
    ADD_FAILURE() << server.stderr_text();
    return port;
  }
  const std::size_t at = line->find(marker) + marker.size();
  std::from_chars(line->data() + at, line->data() + line->size(), port);
  EXPECT_GT(port, 0) << *line;
  return port;
}

TEST(Tcp, ListensOnLoopbackOnlyAndRefusesASecondClientWhileServingTheFirst) {
  ChildProcess server({kBinary, "--port", "0"});
  int port = 0;
  ASSERT_NO_FATAL_FAILURE(port = listening_port(server));
  // Listening: on 127.0.0.1 and nowhere else (not 0.0.0.0, not IPv6).
  EXPECT_EQ(listening_addresses("/proc/net/tcp", port), std::vector<std::string>{"0100007F"});
  EXPECT_TRUE(listening_addresses("/proc/net/tcp6", port).empty());

  LspClient first = LspClient::connect(port);
  ASSERT_TRUE(initialize(first).contains("result"));  // served: accepted, listener closed
  EXPECT_TRUE(listening_addresses("/proc/net/tcp", port).empty());
  EXPECT_EQ(connect_error(port), ECONNREFUSED);
  EXPECT_EQ(connect_error(port), ECONNREFUSED);
  // The first client is not disturbed.
  open_document(first, "file:///first.py", "python", "def still_served():\n    pass\n");
  EXPECT_EQ(outline(document_symbols(first, "file:///first.py")),
            std::vector<std::string>{"still_served@0"});
  ASSERT_TRUE(first.request("shutdown", nullptr).contains("result"));
  first.notify("exit", nullptr);
  EXPECT_EQ(server.wait_exit(std::chrono::seconds(60)), 0) << server.stderr_text();
}

// Two clients connecting before the server accepts either: the first is served, the
// second (accepted by the kernel into the backlog) is reset when the listener closes.
TEST(Tcp, ASecondClientQueuedBeforeTheFirstWasAcceptedIsResetPromptly) {
  ChildProcess server({kBinary, "--port", "0"});
  int port = 0;
  ASSERT_NO_FATAL_FAILURE(port = listening_port(server));
  LspClient first = LspClient::connect(port);
  const int error = connect_error(port);  // queued or refused: either way, never served
  EXPECT_TRUE(error == ECONNRESET || error == ECONNREFUSED) << std::strerror(error);
  ASSERT_TRUE(initialize(first).contains("result"));
  EXPECT_TRUE(answers_health_check(first));
}

}  // namespace
}  // namespace chunkls::e2e
