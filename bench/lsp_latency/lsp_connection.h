// LspConnection: a language server child process, spoken to over its stdin and stdout
// with LSP's "Content-Length" framing. A reader thread of its own reads the server's
// output as soon as it comes and stamps every frame with the time its last byte was
// read, so a latency never includes our own JSON parsing of earlier answers (parsing a
// 4 MB documentSymbol answer would otherwise hold up the frame after it).
//
// Owns the child (started through `sh -c "exec <command>"` in a process group of its
// own, so a server's helpers can be ended with it), both pipe ends and the reader
// thread; the destructor ends the child if the caller did not. Thread-safety: the
// public methods are for one thread at a time.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "bench/lsp_latency/unique_fd.h"

namespace chunkls::bench {

using Clock = std::chrono::steady_clock;

struct ReceivedMessage {
  nlohmann::json message;
  Clock::time_point received;  // when the frame's last byte was read
  std::size_t bytes = 0;       // the frame's body size
};

class LspConnection {
 public:
  // Starts `command_line` with pipes on stdin and stdout; stderr goes to `stderr_path`
  // (e.g. /dev/null). Throws std::system_error when the child cannot be started.
  LspConnection(const std::string& command_line, const std::string& stderr_path);
  LspConnection(const LspConnection&) = delete;
  LspConnection& operator=(const LspConnection&) = delete;
  ~LspConnection();

  // Writes one message. While the pipe is full it keeps reading what the server writes,
  // so neither side can block the other. Throws std::runtime_error when the server has
  // gone or `deadline` passes.
  void send(const nlohmann::json& message, Clock::time_point deadline);
  // The next message, or nullopt once `deadline` passes. Throws std::runtime_error when
  // the server closed its stdout or wrote a malformed frame.
  std::optional<ReceivedMessage> receive(Clock::time_point deadline);

  // Closes the server's stdin, waits up to `grace` for it to exit, then signals its
  // process group (SIGTERM, then SIGKILL). Returns the wait status, -1 when killed.
  int terminate(std::chrono::milliseconds grace);
  pid_t pid() const { return pid_; }

 private:
  // The reader thread: reads until end of file or stop_, framing as it goes.
  void read_loop();
  void extract_frames(Clock::time_point stamp);
  void stop_reader();

  pid_t pid_ = -1;
  bool exited_ = false;
  UniqueFd to_server_;
  UniqueFd from_server_;
  std::string inbox_;  // reader thread only: bytes read but not yet a complete frame
  std::mutex mutex_;   // guards frames_, eof_, failure_
  std::condition_variable arrived_;
  std::deque<std::pair<std::string, Clock::time_point>> frames_;
  bool eof_ = false;
  std::string failure_;  // why reading stopped, when it was not end of file
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

}  // namespace chunkls::bench
