#include "lsp_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <stdexcept>
#include <utility>

namespace chunkls::e2e {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

bool is_response(const Json& m) {
  return m.is_object() && m.contains("id") && !m.contains("method");
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string frame_body(std::string_view body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

std::string frame(const Json& message) {
  return frame_body(message.dump());
}

LspClient::LspClient(std::unique_ptr<ChildProcess> process, int read_fd, int write_fd,
                     int socket_fd)
    : process_(std::move(process)), read_fd_(read_fd), write_fd_(write_fd), socket_fd_(socket_fd) {}

LspClient LspClient::spawn(const std::vector<std::string>& argv, ChildOptions options) {
  auto process = std::make_unique<ChildProcess>(argv, options);
  const int in = process->stdout_fd();
  const int out = process->stdin_fd();
  return LspClient(std::move(process), in, out, -1);
}

LspClient LspClient::connect(int port) {
  std::signal(SIGPIPE, SIG_IGN);  // a server that hangs up must not kill the test
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return LspClient(nullptr, fd, fd, fd);
}

LspClient LspClient::spawn_tcp(const std::vector<std::string>& argv,
                               std::chrono::milliseconds timeout) {
  auto process = std::make_unique<ChildProcess>(argv);
  const std::string marker = "listening on 127.0.0.1:";
  const auto line = process->wait_for_stderr_line(marker, timeout);
  if (!line) {
    throw std::runtime_error("the server did not print '" + marker +
                             "<port>'; stderr: " + process->stderr_text());
  }
  const auto at = line->find(marker) + marker.size();
  int port = 0;
  const auto [end, ec] = std::from_chars(line->data() + at, line->data() + line->size(), port);
  if (ec != std::errc() || port <= 0) throw std::runtime_error("no port in: " + *line);
  LspClient client = connect(port);
  client.process_ = std::move(process);
  return client;
}

LspClient::LspClient(LspClient&& other) noexcept {
  *this = std::move(other);
}

LspClient& LspClient::operator=(LspClient&& other) noexcept {
  if (this == &other) return *this;
  close_fds();
  process_ = std::move(other.process_);
  read_fd_ = std::exchange(other.read_fd_, -1);
  write_fd_ = std::exchange(other.write_fd_, -1);
  socket_fd_ = std::exchange(other.socket_fd_, -1);
  inbox_ = std::move(other.inbox_);
  eof_ = other.eof_;
  next_id_ = other.next_id_;
  notifications_ = std::move(other.notifications_);
  server_requests_ = std::move(other.server_requests_);
  stash_ = std::move(other.stash_);
  return *this;
}

LspClient::~LspClient() {
  close_fds();
}

void LspClient::close_fds() {
  if (socket_fd_ >= 0) close(socket_fd_);
  socket_fd_ = read_fd_ = write_fd_ = -1;  // pipe ends belong to the process
  process_.reset();
}

[[noreturn]] void LspClient::fail(const std::string& what) const {
  std::string err = stderr_text();
  constexpr std::size_t kTail = 4000;
  if (err.size() > kTail) err = "..." + err.substr(err.size() - kTail);
  throw std::runtime_error(what + "\n--- server stderr ---\n" + err);
}

void LspClient::send_raw(std::string_view bytes) {
  if (write_fd_ < 0) fail("send after close_input");
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  std::size_t written = 0;
  while (written < bytes.size()) {
    std::array<pollfd, 2> fds{pollfd{write_fd_, POLLOUT, 0}, pollfd{read_fd_, POLLIN, 0}};
    const nfds_t count = (eof_ || read_fd_ == write_fd_) ? 1 : 2;
    if (read_fd_ == write_fd_ && !eof_) fds[0].events |= POLLIN;
    const int left = remaining_ms(deadline);
    if (left == 0) fail("timed out writing to the server");
    if (poll(fds.data(), count, left) < 0) {
      if (errno == EINTR) continue;
      fail("poll failed");
    }
    const bool readable = (read_fd_ == write_fd_ ? fds[0].revents & POLLIN : fds[1].revents);
    if (readable) fill(std::chrono::milliseconds(0));
    if (fds[0].revents & (POLLOUT | POLLERR | POLLHUP)) {
      const ssize_t n = write(write_fd_, bytes.data() + written, bytes.size() - written);
      if (n > 0) {
        written += static_cast<std::size_t>(n);
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        fail("write failed: the server closed its input");
      }
    }
  }
}

void LspClient::send(const Json& message) {
  send_raw(frame(message));
}

void LspClient::notify(const std::string& method, Json params) {
  Json message = {{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  send(message);
}

Json LspClient::make_request(const std::string& method, Json params) {
  Json message = {{"jsonrpc", "2.0"}, {"id", next_id_++}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);
  return message;
}

Json LspClient::send_request(const std::string& method, Json params) {
  Json message = make_request(method, std::move(params));
  send(message);
  return message["id"];
}

Json LspClient::request(const std::string& method, Json params, std::chrono::milliseconds timeout) {
  const Json id = send_request(method, std::move(params));
  try {
    return wait_response(id, timeout);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + "\n(while waiting for " + method + ")");
  }
}

bool LspClient::fill(std::chrono::milliseconds timeout) {
  if (eof_ || read_fd_ < 0) return false;
  const auto deadline = Clock::now() + timeout;
  std::array<char, 1 << 16> buffer{};
  bool got = false;
  for (;;) {
    const ssize_t n = read(read_fd_, buffer.data(), buffer.size());
    if (n > 0) {
      inbox_.append(buffer.data(), static_cast<std::size_t>(n));
      got = true;
      continue;
    }
    if (n == 0) {
      eof_ = true;
      return got;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      eof_ = true;  // ECONNRESET and friends: nothing more will come
      return got;
    }
    if (got) return true;
    pollfd p{read_fd_, POLLIN, 0};
    const int r = poll(&p, 1, remaining_ms(deadline));
    if (r == 0) return false;
    if (r < 0 && errno != EINTR) fail("poll failed");
  }
}

std::optional<Json> LspClient::take_frame() {
  const auto header_end = inbox_.find("\r\n\r\n");
  if (header_end == std::string::npos) return std::nullopt;
  std::optional<std::size_t> length;
  std::size_t line_start = 0;
  while (line_start < header_end) {
    auto line_end = inbox_.find("\r\n", line_start);
    if (line_end == std::string::npos || line_end > header_end) line_end = header_end;
    const std::string_view line(inbox_.data() + line_start, line_end - line_start);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) fail("server sent a header line without ':'");
    if (lower(line.substr(0, colon)) == "content-length") {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
      std::size_t n = 0;
      const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc()) fail("server sent a bad Content-Length: " + std::string(line));
      length = n;
    }
    line_start = line_end + 2;
  }
  if (!length) fail("server sent a frame without Content-Length");
  const std::size_t body_start = header_end + 4;
  if (inbox_.size() < body_start + *length) return std::nullopt;
  std::string body = inbox_.substr(body_start, *length);
  inbox_.erase(0, body_start + *length);
  try {
    return Json::parse(body);
  } catch (const Json::parse_error& e) {
    fail(std::string("server sent a body that is not JSON: ") + e.what() + "\n" + body);
  }
}

std::optional<Json> LspClient::read_message(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto message = take_frame()) return message;
    if (eof_) return std::nullopt;
    if (!fill(std::chrono::milliseconds(remaining_ms(deadline))) && !eof_) return std::nullopt;
  }
}

void LspClient::file_away(Json message) {
  if (is_response(message)) {
    stash_.push_back(std::move(message));
  } else if (message.is_object() && message.contains("id")) {
    server_requests_.push_back(std::move(message));
  } else {
    notifications_.push_back(std::move(message));
  }
}

Json LspClient::wait_response(const Json& id, std::chrono::milliseconds timeout) {
  for (auto it = stash_.begin(); it != stash_.end(); ++it) {
    if ((*it)["id"] == id) {
      Json found = std::move(*it);
      stash_.erase(it);
      return found;
    }
  }
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto message = read_message(std::chrono::milliseconds(remaining_ms(deadline)));
    if (!message) {
      fail(std::string(eof_ ? "the server closed its output" : "timed out") +
           " waiting for the response to id " + id.dump());
    }
    if (is_response(*message) && (*message)["id"] == id) return *message;
    file_away(std::move(*message));
  }
}

Json LspClient::next_response(std::chrono::milliseconds timeout) {
  if (!stash_.empty()) {
    Json first = std::move(stash_.front());
    stash_.erase(stash_.begin());
    return first;
  }
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto message = read_message(std::chrono::milliseconds(remaining_ms(deadline)));
    if (!message) fail(eof_ ? "the server closed its output" : "timed out waiting for a response");
    if (is_response(*message)) return *message;
    file_away(std::move(*message));
  }
}

std::optional<Json> LspClient::wait_notification(const std::string& method,
                                                 std::chrono::milliseconds timeout) {
  for (const Json& n : notifications_) {
    if (n.value("method", "") == method) return n;
  }
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto message = read_message(std::chrono::milliseconds(remaining_ms(deadline)));
    if (!message) return std::nullopt;
    const bool match =
        message->is_object() && !message->contains("id") && message->value("method", "") == method;
    file_away(*message);
    if (match) return message;
  }
}

void LspClient::close_input() {
  if (socket_fd_ >= 0) {
    shutdown(socket_fd_, SHUT_WR);
  } else if (process_) {
    process_->close_stdin();
  }
  write_fd_ = -1;
}

std::optional<int> LspClient::wait_exit(std::chrono::milliseconds timeout) {
  if (!process_) throw std::logic_error("wait_exit without a server process");
  // Keep reading: a server blocked on a full output pipe could never exit.
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto code = process_->wait_exit(std::chrono::milliseconds(0))) return code;
    if (remaining_ms(deadline) == 0) return std::nullopt;
    if (eof_) {
      return process_->wait_exit(std::chrono::milliseconds(remaining_ms(deadline)));
    }
    fill(std::chrono::milliseconds(std::min(remaining_ms(deadline), 20)));
    while (auto message = take_frame())
      file_away(std::move(*message));
  }
}

void LspClient::close_output() {
  if (!process_ || socket_fd_ >= 0) throw std::logic_error("close_output needs a server on pipes");
  process_->close_stdout();
  read_fd_ = -1;
  eof_ = true;
}

std::size_t LspClient::unread_output_bytes() const {
  int queued = 0;
  if (read_fd_ < 0 || ioctl(read_fd_, FIONREAD, &queued) != 0 || queued < 0) return 0;
  return static_cast<std::size_t>(queued);
}

std::size_t LspClient::output_pipe_capacity() const {
  const int capacity = read_fd_ < 0 ? -1 : fcntl(read_fd_, F_GETPIPE_SZ);
  return capacity > 0 ? static_cast<std::size_t>(capacity) : 0;
}

bool LspClient::server_running() {
  return process_ && process_->running();
}

void LspClient::send_unread(std::string_view bytes) {
  if (write_fd_ < 0) fail("send after close_input");
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (!bytes.empty()) {
    pollfd out{write_fd_, POLLOUT, 0};
    if (poll(&out, 1, remaining_ms(deadline)) <= 0) fail("timed out writing (server not reading?)");
    const ssize_t n = write(write_fd_, bytes.data(), bytes.size());
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) fail("write failed: the server closed its input");
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::optional<int> LspClient::wait_exit_unread(std::chrono::milliseconds timeout) {
  if (!process_) throw std::logic_error("wait_exit without a server process");
  return process_->wait_exit(timeout);
}

std::optional<std::string> LspClient::wait_for_stderr_line(const std::string& needle,
                                                           std::chrono::milliseconds timeout) {
  if (!process_) throw std::logic_error("wait_for_stderr_line without a server process");
  return process_->wait_for_stderr_line(needle, timeout);
}

std::string LspClient::stderr_text() const {
  return process_ ? process_->stderr_text() : "";
}

}  // namespace chunkls::e2e
