// A child process started with pipes on its standard input, output and error, for
// end-to-end tests that talk to the real binary. Standard error is drained by a thread
// into a string, so a chatty child never blocks on a full pipe.
//
// Owns the pid and the three pipe ends; the destructor closes stdin, waits a moment, then
// kills and reaps a child that is still running. Not copyable or movable. One thread drives it;
// stderr_text() and wait_for_stderr_line() may be called from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace chunkls::e2e {

struct ChildOptions {
  // The child's standard input and output are non-blocking, as some parents hand them
  // over (a read finds EAGAIN when nothing is there, a write when the pipe is full).
  bool non_blocking_stdio = false;
};

class ChildProcess {
 public:
  // Starts argv[0] (a path) with the given arguments. Throws std::runtime_error when the
  // process cannot be started.
  explicit ChildProcess(const std::vector<std::string>& argv, ChildOptions options = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int stdin_fd() const { return stdin_fd_; }    // write end, non-blocking; -1 once closed
  int stdout_fd() const { return stdout_fd_; }  // read end, non-blocking
  void close_stdin();                           // the child sees end of file
  void close_stdout();  // the child's writes fail with EPIPE (SIGPIPE when not ignored)

  // The exit code (128 + signal when killed by a signal), or nullopt if the child is still
  // running after `timeout`. Once known, the code is remembered.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  bool running();
  pid_t pid() const { return pid_; }  // for signals (kill -9 tests)

  std::string stderr_text() const;
  // Waits until standard error holds a complete line containing `needle`; returns that
  // line (without its line break), or nullopt at the timeout or when stderr closed first.
  std::optional<std::string> wait_for_stderr_line(const std::string& needle,
                                                  std::chrono::milliseconds timeout) const;

 private:
  struct StderrSink {
    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::string text;
    bool closed = false;
  };

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::optional<int> exit_code_;
  std::unique_ptr<StderrSink> stderr_ = std::make_unique<StderrSink>();
  std::thread stderr_reader_;
};

}  // namespace chunkls::e2e
