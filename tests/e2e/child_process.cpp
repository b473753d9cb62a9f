#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <utility>

extern char** environ;

namespace chunkls::e2e {
namespace {

using namespace std::chrono_literals;

// A pipe whose ends close themselves unless released.
struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    if (read_end >= 0) close(read_end);
    if (write_end >= 0) close(write_end);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  int release_read() { return std::exchange(read_end, -1); }
  int release_write() { return std::exchange(write_end, -1); }
  void close_read() { close(release_read()); }
  void close_write() { close(release_write()); }
};

void set_non_blocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int decode_status(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, ChildOptions options) {
  std::signal(SIGPIPE, SIG_IGN);  // a child that exits early must not kill the test
  Pipe in, out, err;
  if (options.non_blocking_stdio) {
    // The child's ends are file descriptions of their own: ours stay as they are.
    set_non_blocking(in.read_end);
    set_non_blocking(out.write_end);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read_end, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write_end, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write_end, 2);
  std::vector<char*> args;
  for (const auto& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv.at(0));
  in.close_read();
  out.close_write();
  err.close_write();
  stdin_fd_ = in.release_write();
  stdout_fd_ = out.release_read();
  set_non_blocking(stdin_fd_);
  set_non_blocking(stdout_fd_);

  stderr_reader_ = std::thread([fd = err.release_read(), sink = stderr_.get()] {
    std::array<char, 65536> buffer{};
    for (;;) {
      const ssize_t n = read(fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      std::lock_guard lock(sink->mutex);
      if (n <= 0) {
        sink->closed = true;
        sink->changed.notify_all();
        break;
      }
      sink->text.append(buffer.data(), static_cast<std::size_t>(n));
      sink->changed.notify_all();
    }
    close(fd);
  });
}

ChildProcess::~ChildProcess() {
  close_stdin();
  if (!wait_exit(2s)) {
    kill(pid_, SIGKILL);
    wait_exit(10s);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  // The stderr pipe closes when the child is gone (it starts no children of its own).
  if (stderr_reader_.joinable()) stderr_reader_.join();
}

void ChildProcess::close_stdin() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
}

void ChildProcess::close_stdout() {
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exit_code_) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = decode_status(status);
      break;
    }
    if (r < 0 && errno != EINTR) throw std::runtime_error("waitpid failed");
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(5ms);
  }
  return exit_code_;
}

bool ChildProcess::running() {
  return !wait_exit(0ms).has_value();
}

std::string ChildProcess::stderr_text() const {
  std::lock_guard lock(stderr_->mutex);
  return stderr_->text;
}

std::optional<std::string> ChildProcess::wait_for_stderr_line(
    const std::string& needle, std::chrono::milliseconds timeout) const {
  std::optional<std::string> line;
  const auto find_line = [&] {
    const std::string& text = stderr_->text;
    const auto at = text.find(needle);
    if (at == std::string::npos) return false;
    const auto end = text.find('\n', at);
    if (end == std::string::npos) return false;
    const auto begin = text.rfind('\n', at);
    const auto start = begin == std::string::npos ? 0 : begin + 1;
    line = text.substr(start, end - start);
    return true;
  };
  std::unique_lock lock(stderr_->mutex);
  stderr_->changed.wait_for(lock, timeout, [&] { return find_line() || stderr_->closed; });
  return line;
}

}  // namespace chunkls::e2e
