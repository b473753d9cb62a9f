#include "bench/lsp_latency/lsp_connection.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

extern char** environ;

namespace chunkls::bench {
namespace {

std::system_error errno_error(const char* what) {
  return std::system_error(errno, std::generic_category(), what);
}

void set_nonblocking(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) throw errno_error("fcntl");
}

int ms_until(Clock::time_point deadline) {
  const auto left = deadline - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
}

// posix_spawn's attribute and file-action objects, freed on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace

LspConnection::LspConnection(const std::string& command_line, const std::string& stderr_path) {
  int in_pipe[2];   // we write [1], the server reads [0] as stdin
  int out_pipe[2];  // the server writes [1] as stdout, we read [0]
  if (pipe2(in_pipe, O_CLOEXEC) != 0) throw errno_error("pipe2");
  UniqueFd child_in(in_pipe[0]);
  to_server_.reset(in_pipe[1]);
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw errno_error("pipe2");
  from_server_.reset(out_pipe[0]);
  UniqueFd child_out(out_pipe[1]);

  SpawnSetup setup;
  // dup2 clears close-on-exec on the target, so only these three reach the server.
  posix_spawn_file_actions_adddup2(&setup.actions, child_in.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, child_out.get(), STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&setup.actions, STDERR_FILENO, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // Own process group: terminate() can end the server's helper processes too. SIGPIPE
  // back to default: we ignore it, the server should not inherit that.
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&setup.attr, &defaults);
  posix_spawnattr_setpgroup(&setup.attr, 0);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);

  const std::string script = "exec " + command_line;
  std::vector<char*> argv{const_cast<char*>("sh"), const_cast<char*>("-c"),
                          const_cast<char*>(script.c_str()), nullptr};
  if (const int rc =
          posix_spawn(&pid_, "/bin/sh", &setup.actions, &setup.attr, argv.data(), environ);
      rc != 0) {
    throw std::system_error(rc, std::generic_category(), "posix_spawn /bin/sh");
  }
  set_nonblocking(to_server_.get());
  set_nonblocking(from_server_.get());
  reader_ = std::thread([this] { read_loop(); });
}

LspConnection::~LspConnection() {
  if (pid_ > 0 && !exited_) terminate(std::chrono::milliseconds(1000));
  stop_reader();
}

void LspConnection::stop_reader() {
  stop_ = true;
  if (reader_.joinable()) reader_.join();
}

void LspConnection::send(const nlohmann::json& message, Clock::time_point deadline) {
  const std::string body = message.dump();
  const std::string data = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(to_server_.get(), data.data() + written, data.size() - written);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      throw std::runtime_error("the server closed its stdin (exited?)");
    }
    // The pipe is full: the reader thread keeps draining the server's output meanwhile.
    pollfd fd{to_server_.get(), POLLOUT, 0};
    const int timeout = ms_until(deadline);
    if (timeout == 0) throw std::runtime_error("timed out writing to the server");
    if (::poll(&fd, 1, timeout) < 0 && errno != EINTR) throw errno_error("poll");
    if (fd.revents & (POLLERR | POLLHUP)) {
      throw std::runtime_error("the server closed its stdin (exited?)");
    }
  }
}

std::optional<ReceivedMessage> LspConnection::receive(Clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  arrived_.wait_until(lock, deadline, [&] { return !frames_.empty() || eof_; });
  if (frames_.empty()) {
    if (!eof_) return std::nullopt;
    throw std::runtime_error(failure_.empty() ? "the server closed its stdout (exited?)"
                                              : failure_);
  }
  auto [body, stamp] = std::move(frames_.front());
  frames_.pop_front();
  lock.unlock();
  try {
    return ReceivedMessage{nlohmann::json::parse(body), stamp, body.size()};
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(std::string("the server sent invalid JSON: ") + e.what());
  }
}

void LspConnection::read_loop() {
  std::string failure;
  try {
    std::vector<char> buffer(1 << 16);
    while (!stop_) {
      pollfd fd{from_server_.get(), POLLIN, 0};
      const int ready = ::poll(&fd, 1, 50);
      if (ready < 0 && errno != EINTR) throw errno_error("poll");
      if (ready <= 0) continue;
      const ssize_t n = ::read(from_server_.get(), buffer.data(), buffer.size());
      if (n > 0) {
        inbox_.append(buffer.data(), static_cast<std::size_t>(n));
        extract_frames(Clock::now());
      } else if (n == 0) {
        break;
      } else if (errno != EINTR && errno != EAGAIN) {
        throw errno_error("read");
      }
    }
  } catch (const std::exception& e) {
    failure = e.what();
  }
  const std::lock_guard lock(mutex_);
  eof_ = true;
  failure_ = failure;
  arrived_.notify_all();
}

void LspConnection::extract_frames(Clock::time_point stamp) {
  for (;;) {
    const auto header_end = inbox_.find("\r\n\r\n");
    if (header_end == std::string::npos) return;
    // Headers are case-insensitive; Content-Length is the only one that matters.
    std::string headers = inbox_.substr(0, header_end);
    std::transform(headers.begin(), headers.end(), headers.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto key = headers.find("content-length:");
    if (key == std::string::npos) throw std::runtime_error("a frame without Content-Length");
    const std::size_t length = std::stoul(headers.substr(key + 15));
    const std::size_t body_start = header_end + 4;
    if (inbox_.size() < body_start + length) return;
    {
      const std::lock_guard lock(mutex_);
      frames_.emplace_back(inbox_.substr(body_start, length), stamp);
      arrived_.notify_all();
    }
    inbox_.erase(0, body_start + length);
  }
}

int LspConnection::terminate(std::chrono::milliseconds grace) {
  if (exited_) return 0;
  to_server_.reset();  // end of input: most servers exit on their own
  int status = 0;
  const auto wait_until = [&](Clock::time_point deadline) {
    while (!exited_) {
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno == ECHILD)) {
        exited_ = true;
        break;
      }
      if (Clock::now() >= deadline) break;
      // The reader thread keeps reading: a server blocked on a full pipe can exit.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return exited_;
  };
  bool killed = false;
  if (!wait_until(Clock::now() + grace)) {
    ::kill(-pid_, SIGTERM);
    if (!wait_until(Clock::now() + std::chrono::seconds(2))) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      exited_ = true;
    }
    killed = true;
  }
  // Helpers the server started in its group (tsserver under typescript-language-server)
  // must not outlive the run.
  ::kill(-pid_, SIGTERM);
  return killed ? -1 : status;
}

}  // namespace chunkls::bench
