// LspConnection: a language server child process, spoken to over its stdin and stdout
// with LSP's "Content-Length" framing. Every received message carries the time its last
// byte was read, so a latency does not include our own JSON parsing of earlier answers.
//
// Owns the child (started through `sh -c "exec <command>"` in a process group of its
// own, so a server's helpers can be ended with it) and both pipe ends; the destructor
// ends the child if the caller did not. Thread-safety: one thread at a time.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

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
  // Reads all bytes available now (after waiting up to `timeout_ms` for the first);
  // complete frames go to frames_. False on end of file.
  bool read_available(int timeout_ms);
  void extract_frames(Clock::time_point stamp);

  pid_t pid_ = -1;
  bool exited_ = false;
  bool eof_ = false;
  UniqueFd to_server_;
  UniqueFd from_server_;
  std::string inbox_;  // bytes read but not yet a complete frame
  std::deque<std::pair<std::string, Clock::time_point>> frames_;
};

}  // namespace chunkls::bench
