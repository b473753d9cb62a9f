// A Language Server Protocol client for end-to-end tests: it frames JSON-RPC messages
// with Content-Length headers and talks to a real server, either a child process over
// its standard input and output or a TCP connection to 127.0.0.1.
//
// While waiting for a response it files everything else it reads: notifications (such
// as window/logMessage) into notifications(), requests from the server into
// server_requests() (never answered), and responses to other ids into a stash that a
// later wait_response() looks at first. Every write also drains what the server sends,
// so neither side can block the other on a full pipe. Timeouts and a closed connection
// throw std::runtime_error with the server's standard error attached.
//
// Owns the connection and, when it started one, the server process. Movable, not
// copyable; one thread at a time.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "child_process.h"

namespace chunkls::e2e {

using Json = nlohmann::json;
using namespace std::chrono_literals;

inline constexpr std::chrono::milliseconds kDefaultTimeout = 20s;

// `Content-Length: N\r\n\r\n` + body: frame_body() for any bytes, frame() for a message.
std::string frame_body(std::string_view body);
std::string frame(const Json& message);

class LspClient {
 public:
  // Starts argv (argv[0] is the program's path) and talks over its stdin and stdout.
  static LspClient spawn(const std::vector<std::string>& argv, ChildOptions options = {});
  // Starts argv, which must make the server listen on TCP and print
  // `listening on 127.0.0.1:<port>` on standard error, then connects to that port.
  static LspClient spawn_tcp(const std::vector<std::string>& argv,
                             std::chrono::milliseconds timeout = kDefaultTimeout);
  // Connects to a server that is already listening on 127.0.0.1:port.
  static LspClient connect(int port);

  LspClient(LspClient&&) noexcept;
  LspClient& operator=(LspClient&&) noexcept;
  ~LspClient();

  // Writing. send_raw() writes bytes as they are (for malformed input). Null params are
  // left out of the message (as for shutdown and exit).
  void send(const Json& message);
  void send_raw(std::string_view bytes);
  // Writes bytes without reading anything meanwhile: a client that stopped reading.
  void send_unread(std::string_view bytes);
  void notify(const std::string& method, Json params = Json::object());
  // Sends a request with the next id and returns that id without waiting.
  Json send_request(const std::string& method, Json params = Json::object());
  // The whole message for a request: {"jsonrpc","id","method","params"}, id taken.
  Json make_request(const std::string& method, Json params = Json::object());

  // Sends a request and waits for its response (the whole message, with "result" or
  // "error").
  Json request(const std::string& method, Json params = Json::object(),
               std::chrono::milliseconds timeout = kDefaultTimeout);
  // Waits for the response whose id equals `id` (null matches id null).
  Json wait_response(const Json& id, std::chrono::milliseconds timeout = kDefaultTimeout);
  // The next response, whatever its id (other messages are filed away as usual).
  Json next_response(std::chrono::milliseconds timeout = kDefaultTimeout);
  // The next message of any kind as read from the connection (stashed ones are not
  // returned again), or nullopt at the timeout or when the server closed its output.
  std::optional<Json> read_message(std::chrono::milliseconds timeout = kDefaultTimeout);
  // Waits for a notification with this method (already filed ones count).
  std::optional<Json> wait_notification(const std::string& method,
                                        std::chrono::milliseconds timeout = kDefaultTimeout);

  const std::vector<Json>& notifications() const { return notifications_; }
  const std::vector<Json>& server_requests() const { return server_requests_; }
  std::vector<Json> stashed_responses() const { return stash_; }

  // The server process: end of input (stdin closed or the socket's write half shut
  // down), its exit code (nullopt if still running at the timeout; what it writes
  // meanwhile is read and filed away), its standard error.
  void close_input();
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = kDefaultTimeout);
  // The same, reading nothing the server writes meanwhile.
  std::optional<int> wait_exit_unread(std::chrono::milliseconds timeout = kDefaultTimeout);
  bool server_running();
  pid_t process_id() const { return process_ ? process_->pid() : -1; }  // for signals
  std::string stderr_text() const;
  // Waits until the server's standard error holds a whole line containing `needle` (its
  // log, with --log-level debug: "request 3 started"); the line, or nullopt.
  std::optional<std::string> wait_for_stderr_line(
      const std::string& needle, std::chrono::milliseconds timeout = kDefaultTimeout);
  // True when the server closed its output (end of file on our side).
  bool output_closed() const { return eof_; }
  // A client that goes away mid-answer: closes our end of the server's output (its
  // writes then fail with EPIPE); nothing is read any more. Pipes only.
  void close_output();
  // Bytes the server has written that nobody has read yet (FIONREAD on our end), and
  // how many the pipe holds at most (F_GETPIPE_SZ): the server's writes wait when full.
  std::size_t unread_output_bytes() const;
  std::size_t output_pipe_capacity() const;

 private:
  LspClient(std::unique_ptr<ChildProcess> process, int read_fd, int write_fd, int socket_fd);
  void close_fds();
  // Reads what is available within `timeout` into inbox_; false at the timeout or EOF.
  bool fill(std::chrono::milliseconds timeout);
  std::optional<Json> take_frame();
  void file_away(Json message);
  [[noreturn]] void fail(const std::string& what) const;

  std::unique_ptr<ChildProcess> process_;  // null when connected to someone else's server
  int read_fd_ = -1;
  int write_fd_ = -1;
  int socket_fd_ = -1;  // owned; read_fd_ == write_fd_ == socket_fd_ over TCP
  std::string inbox_;
  bool eof_ = false;
  int next_id_ = 1;
  std::vector<Json> notifications_;
  std::vector<Json> server_requests_;
  std::vector<Json> stash_;
};

}  // namespace chunkls::e2e
