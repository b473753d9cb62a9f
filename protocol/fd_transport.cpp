#include "protocol/fd_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace chunkls::protocol {

FdTransport::FdTransport(int in_fd, int out_fd, bool owns_fds, std::size_t max_body)
    : in_fd_(in_fd), out_fd_(out_fd), owns_fds_(owns_fds), decoder_(max_body) {}

FdTransport::~FdTransport() {
  if (!owns_fds_) return;
  ::close(in_fd_);
  if (out_fd_ != in_fd_) ::close(out_fd_);
}

std::optional<Frame> FdTransport::read() {
  char chunk[64 * 1024];
  while (true) {
    if (auto frame = decoder_.next()) return frame;
    if (eof_) {
      if (decoder_.pending() > 0) {
        const std::size_t n = decoder_.pending();
        decoder_ = FrameDecoder();  // report the truncated tail once
        return Frame{{}, "stream ended inside a message (" + std::to_string(n) + " bytes)"};
      }
      return std::nullopt;
    }
    const ssize_t n = ::read(in_fd_, chunk, sizeof chunk);
    if (n > 0) {
      decoder_.feed(std::string_view(chunk, static_cast<std::size_t>(n)));
    } else if (n == 0 || errno != EINTR) {
      eof_ = true;
    }
  }
}

void FdTransport::write(std::string_view body) {
  const std::string header = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  std::lock_guard lock(write_mutex_);
  if (peer_closed_) return;
  for (std::string_view part : {std::string_view(header), body}) {
    while (!part.empty()) {
      const ssize_t n = ::write(out_fd_, part.data(), part.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        peer_closed_ = true;  // EPIPE and friends: the client is gone
        return;
      }
      part.remove_prefix(static_cast<std::size_t>(n));
    }
  }
}

int listen_on_loopback(std::uint16_t port, std::uint16_t& bound_port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 1) != 0) {
    const int error = errno;
    ::close(fd);
    throw std::system_error(error, std::generic_category(), "listen on 127.0.0.1");
  }
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  bound_port = ntohs(address.sin_port);
  return fd;
}

int accept_one(int listen_fd) {
  int fd = -1;
  do {
    fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  const int error = errno;
  ::close(listen_fd);
  if (fd < 0) throw std::system_error(error, std::generic_category(), "accept");
  return fd;
}

}  // namespace chunkls::protocol
