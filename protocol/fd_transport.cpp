#include "protocol/fd_transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <system_error>

namespace chunkls::protocol {
namespace {

// "a write failed with EPIPE (Broken pipe)": the name users search for, and the words.
std::string write_failure(int error) {
  const char* name = ::strerrorname_np(error);
  return std::string("a write failed with ") + (name ? name : std::to_string(error)) + " (" +
         std::strerror(error) + ")";
}

}  // namespace

FdTransport::FdTransport(int in_fd, int out_fd, bool owns_fds, std::size_t max_body)
    : in_fd_(in_fd),
      out_fd_(out_fd),
      owns_fds_(owns_fds),
      out_kind_(OutKind::kOther),
      wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      decoder_(max_body) {
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  struct stat info {};
  if (::fstat(out_fd_, &info) == 0) {
    if (S_ISFIFO(info.st_mode)) out_kind_ = OutKind::kPipe;
    if (S_ISSOCK(info.st_mode)) out_kind_ = OutKind::kSocket;
  }
  if (out_kind_ == OutKind::kPipe) {
    const int capacity = ::fcntl(out_fd_, F_GETPIPE_SZ);
    pipe_capacity_ = capacity > 0 ? static_cast<std::size_t>(capacity) : 0;
  }
}

FdTransport::~FdTransport() {
  ::close(wake_fd_);
  if (!owns_fds_) return;
  ::close(in_fd_);
  if (out_fd_ != in_fd_) ::close(out_fd_);
}

void FdTransport::wake() {
  const std::uint64_t one = 1;
  // The counter only has to be non-zero: nobody ever reads it back.
  [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void FdTransport::stop(std::chrono::milliseconds grace) {
  grace_ms_.store(std::max<std::chrono::milliseconds::rep>(grace.count(), 1));
  stopping_.store(true);
  wake();
}

bool FdTransport::wait_ready(int fd, short events, bool for_write) const {
  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> give_up;  // once stopping: the grace, counted from then
  while (true) {
    if (peer_gone_.load()) return false;
    const bool stopping = stopping_.load();
    if (stopping && !for_write) return false;
    int timeout_ms = -1;
    if (stopping) {
      if (!give_up) give_up = Clock::now() + std::chrono::milliseconds(grace_ms_.load());
      const auto left = *give_up - Clock::now();
      if (left <= Clock::duration::zero()) return false;
      timeout_ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
    }
    // After stop() the wake-up descriptor stays readable: a writer then waits on its own
    // descriptor alone, bounded by the grace period.
    std::array<pollfd, 2> fds{pollfd{fd, events, 0}, pollfd{wake_fd_, POLLIN, 0}};
    const nfds_t count = stopping ? 1 : 2;
    const int ready = ::poll(fds.data(), count, timeout_ms);
    if (ready < 0 && errno != EINTR && errno != EAGAIN) return false;
    if (ready <= 0) continue;              // interrupted or timed out: look at the state again
    if (fds[0].revents != 0) return true;  // POLLHUP/POLLERR too: the call reports it
  }
}

std::optional<Frame> FdTransport::read() {
  char chunk[64 * 1024];
  while (true) {
    if (stopping_.load() || peer_gone_.load()) return std::nullopt;
    if (auto frame = decoder_.next()) return frame;
    if (eof_) {
      if (decoder_.inside_frame()) {
        const std::size_t n = decoder_.pending();
        decoder_ = FrameDecoder();  // report the truncated tail once
        return Frame{{}, "stream ended inside a message (" + std::to_string(n) + " bytes)"};
      }
      return std::nullopt;
    }
    if (!wait_ready(in_fd_, POLLIN, /*for_write=*/false)) return std::nullopt;
    const ssize_t n = ::read(in_fd_, chunk, sizeof chunk);
    if (n > 0) {
      decoder_.feed(std::string_view(chunk, static_cast<std::size_t>(n)));
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)) {
      eof_ = true;  // the end, or ECONNRESET and the like: nothing more will come
    }
  }
}

std::size_t FdTransport::room_now(bool polled) const {
  constexpr std::size_t kAny = SIZE_MAX;
  switch (out_kind_) {
    case OutKind::kSocket:
      return kAny;  // sent with MSG_DONTWAIT: never blocks
    case OutKind::kPipe: {
      // A blocking pipe takes a write whole or sleeps. It holds its capacity in pages;
      // `queued` bytes fill at most ceil(queued / page) + 1 of them (a partly read first
      // page), so the pages left surely take a write without sleeping. Writing only
      // PIPE_BUF at a time instead ping-pongs with the reader: a 4 MB answer took 1,000
      // wake-ups (50 ms) where 64 KB writes take 64.
      int queued = 0;
      if (pipe_capacity_ > 0 && ::ioctl(out_fd_, FIONREAD, &queued) == 0 && queued >= 0) {
        constexpr std::size_t kPage = 4096;
        const std::size_t pages = pipe_capacity_ / kPage;
        const std::size_t used =
            queued == 0 ? 0 : (static_cast<std::size_t>(queued) + kPage - 1) / kPage + 1;
        if (pages > used) return (pages - used) * kPage;
      }
      return polled ? PIPE_BUF : 0;
    }
    case OutKind::kOther:
      return polled ? kAny : 0;
  }
  return 0;
}

bool FdTransport::write_all(std::string_view header, std::string_view body, int& error) {
  error = 0;
  std::array<std::string_view, 2> parts{header, body};
  bool polled = false;
  while (!parts[0].empty() || !parts[1].empty()) {
    std::size_t room = room_now(polled);
    if (room == 0) {
      if (!wait_ready(out_fd_, POLLOUT, /*for_write=*/true)) return false;
      polled = true;
      continue;
    }
    // Both parts in one call, up to `room` bytes.
    std::array<iovec, 2> iov{};
    int count = 0;
    for (std::string_view part : parts) {
      if (part.empty() || room == 0) continue;
      const std::size_t n = std::min(part.size(), room);
      iov[count++] = {const_cast<char*>(part.data()), n};
      room -= n;
    }
    ssize_t n = -1;
    if (out_kind_ == OutKind::kSocket) {
      msghdr message{};
      message.msg_iov = iov.data();
      message.msg_iovlen = static_cast<std::size_t>(count);
      n = ::sendmsg(out_fd_, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
    } else {
      n = ::writev(out_fd_, iov.data(), count);
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {  // EPIPE, ECONNRESET, ...
        error = errno;
        return false;
      }
      if (!wait_ready(out_fd_, POLLOUT, /*for_write=*/true)) return false;
      polled = true;
      continue;
    }
    auto written = static_cast<std::size_t>(n);
    for (std::string_view& part : parts) {
      const std::size_t taken = std::min(part.size(), written);
      part.remove_prefix(taken);
      written -= taken;
    }
    polled = false;
  }
  return true;
}

void FdTransport::write(std::string_view body) {
  const std::string header = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  std::lock_guard lock(write_mutex_);
  if (peer_gone_.load()) return;
  int error = 0;
  if (!write_all(header, body, error)) {
    // The client is gone, or stopped reading past the grace period: every later write
    // returns at once, and the reader stops.
    {
      const std::lock_guard reason(reason_mutex_);
      if (error != 0) {
        gone_reason_ = write_failure(error);
      } else if (stopping_.load()) {
        gone_reason_ = "a write made no progress for " + std::to_string(grace_ms_.load()) +
                       " ms after the server stopped";
      } else {
        gone_reason_ = "the client hung up";
      }
    }
    peer_gone_.store(true);
    wake();
  }
}

std::string FdTransport::gone_reason() const {
  const std::lock_guard lock(reason_mutex_);
  return gone_reason_;
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
