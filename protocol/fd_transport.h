// FdTransport: the Transport over POSIX file descriptors: standard input and output
// for editors that start chunkls, or one accepted TCP socket (`chunkls --port`).
//
// Owns the descriptors only when told to (a socket); stdio is left open. read() from
// one thread, write() from any thread (a mutex keeps frames whole).
#pragma once

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

 private:
  int in_fd_;
  int out_fd_;
  bool owns_fds_;
  FrameDecoder decoder_;
  bool eof_ = false;
  std::mutex write_mutex_;
  bool peer_closed_ = false;  // guarded by write_mutex_
};

// Listens on 127.0.0.1 only (never on other interfaces: the protocol has no
// authentication). Port 0 picks a free port. Returns the listening socket and writes
// the bound port; throws std::system_error.
int listen_on_loopback(std::uint16_t port, std::uint16_t& bound_port);
// Accepts one connection and closes the listening socket.
int accept_one(int listen_fd);

}  // namespace chunkls::protocol
