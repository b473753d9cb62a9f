// FdTransport: the Transport over POSIX file descriptors: standard input and output
// for editors that start chunkls, or one accepted TCP socket (`chunkls --port`).
//
// The descriptors may be blocking or not (a parent can hand us non-blocking pipes):
// every read and write waits in poll(), so EAGAIN means "wait", never "closed". Only
// end of file, EPIPE or ECONNRESET mean the client is gone; then reading stops too.
// Writes never block: an empty pipe takes its capacity, a pipe with data waits in poll()
// and then takes PIPE_BUF bytes, sockets use MSG_DONTWAIT; so stop()'s grace bounds
// them. The common case (the client keeps up) costs one writev per frame.
//
// Owns the descriptors only when told to (a socket); stdio is left open, with its flags
// untouched. read() from one thread, write() and stop() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "protocol/transport.h"

namespace chunkls::protocol {

class FdTransport final : public Transport {
 public:
  FdTransport(int in_fd, int out_fd, bool owns_fds = false,
              std::size_t max_body = FrameDecoder::kDefaultMaxBody);
  FdTransport(const FdTransport&) = delete;
  FdTransport& operator=(const FdTransport&) = delete;
  ~FdTransport() override;

  std::optional<Frame> read() override;
  void write(std::string_view body) override;
  void stop(std::chrono::milliseconds grace) override;
  std::string gone_reason() const override;

  // The client closed its end (a write failed with EPIPE or ECONNRESET), or a write
  // gave up after stop().
  bool peer_gone() const { return peer_gone_.load(); }

 private:
  enum class OutKind : std::uint8_t { kPipe, kSocket, kOther };
  // Waits until `fd` is ready for `events`; false when the peer is gone, when reading
  // after stop(), or when a write has waited stop()'s grace period.
  bool wait_ready(int fd, short events, bool for_write) const;
  // How many bytes a write may take now without blocking; 0: wait in poll() first.
  // `polled`: poll() has just said the descriptor is writable.
  std::size_t room_now(bool polled) const;
  // Writes all of both parts (one frame) or returns false (peer gone, or given up after
  // stop()) with the failed call's errno in `error` (0: no call failed). Tries the write
  // first and waits in poll() only when it would block.
  bool write_all(std::string_view header, std::string_view body, int& error);
  void wake();

  int in_fd_;
  int out_fd_;
  bool owns_fds_;
  OutKind out_kind_;
  std::size_t pipe_capacity_ = 0;  // F_GETPIPE_SZ, read once
  int wake_fd_;  // an eventfd: readable once stop() was called or the peer is gone
  FrameDecoder decoder_;
  bool eof_ = false;
  std::mutex write_mutex_;
  std::atomic<bool> peer_gone_{false};
  mutable std::mutex reason_mutex_;  // not write_mutex_: a writer holds it while it waits
  std::string gone_reason_;          // set once, by the write that found the client gone
  std::atomic<bool> stopping_{false};
  std::atomic<std::chrono::milliseconds::rep> grace_ms_{0};  // set by stop()
};

// Listens on 127.0.0.1 only (never on other interfaces: the protocol has no
// authentication). Port 0 picks a free port. Returns the listening socket and writes
// the bound port; throws std::system_error.
int listen_on_loopback(std::uint16_t port, std::uint16_t& bound_port);
// Accepts one connection and closes the listening socket.
int accept_one(int listen_fd);

}  // namespace chunkls::protocol
