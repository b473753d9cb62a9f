// FdTransport over real pipes and sockets, blocking and non-blocking: EAGAIN is a
// reason to wait, never end of input or a closed client; a client that closed its end
// stops reading too; stop() bounds writes to a client that no longer reads.
#include "protocol/fd_transport.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <future>
#include <string>
#include <thread>

namespace chunkls::protocol {
namespace {

using namespace std::chrono_literals;

std::string frame(std::string_view body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

void set_non_blocking(int fd) {
  ASSERT_EQ(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
}

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (read_end >= 0) ::close(read_end);
    read_end = -1;
  }
  void close_write() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
};

// Everything readable from `fd` until it has `bytes` bytes or stays empty for `idle`.
std::string drain(int fd, std::size_t bytes, std::chrono::milliseconds idle = 30s) {
  std::string out;
  char buffer[65536];
  while (out.size() < bytes) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(idle.count())) <= 0) break;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

class FdTransportTest : public ::testing::Test {
 protected:
  void SetUp() override { std::signal(SIGPIPE, SIG_IGN); }
};

TEST_F(FdTransportTest, NonBlockingInputWaitsInsteadOfEndingTheStream) {
  for (bool non_blocking : {true, false}) {
    SCOPED_TRACE(non_blocking ? "non-blocking" : "blocking");
    Pipe in, out;
    if (non_blocking) set_non_blocking(in.read_end);
    FdTransport transport(in.read_end, out.write_end);
    // Nothing is there yet: a non-blocking read says EAGAIN, which must mean "wait".
    auto first = std::async(std::launch::async, [&] { return transport.read(); });
    EXPECT_EQ(first.wait_for(50ms), std::future_status::timeout);
    const std::string bytes = frame("{\"a\":1}");
    ASSERT_EQ(::write(in.write_end, bytes.data(), 10), 10);
    EXPECT_EQ(first.wait_for(20ms), std::future_status::timeout);  // half a frame
    ASSERT_EQ(::write(in.write_end, bytes.data() + 10, bytes.size() - 10),
              static_cast<ssize_t>(bytes.size() - 10));
    const auto frame1 = first.get();
    ASSERT_TRUE(frame1.has_value());
    EXPECT_EQ(frame1->body, "{\"a\":1}");
    in.close_write();
    EXPECT_FALSE(transport.read().has_value()) << "end of file is the end of the stream";
  }
}

// The client stops reading for a while: answers wait for room instead of being dropped,
// and arrive whole and in order.
TEST_F(FdTransportTest, FullOutputPipeWaitsAndLosesNothing) {
  for (bool non_blocking : {true, false}) {
    SCOPED_TRACE(non_blocking ? "non-blocking" : "blocking");
    Pipe in, out;
    if (non_blocking) set_non_blocking(out.write_end);
    FdTransport transport(in.read_end, out.write_end);
    std::string expected;
    std::vector<std::string> bodies;
    for (int i = 0; i < 200; ++i) {
      bodies.push_back("{\"id\":" + std::to_string(i) + ",\"pad\":\"" +
                       std::string(static_cast<std::size_t>(1000 + i * 37), 'x') + "\"}");
      expected += frame(bodies.back());
    }
    ASSERT_GT(expected.size(), 4u * 65536) << "more than the pipe holds";
    std::thread writer([&] {
      for (const std::string& body : bodies)
        transport.write(body);
    });
    std::this_thread::sleep_for(50ms);  // the pipe fills; the writer waits
    EXPECT_EQ(drain(out.read_end, expected.size()), expected);
    writer.join();
    EXPECT_FALSE(transport.peer_gone());
  }
}

TEST_F(FdTransportTest, ClosedClientStopsWritesAndReads) {
  Pipe in, out;
  FdTransport transport(in.read_end, out.write_end);
  out.close_read();
  EXPECT_EQ(transport.gone_reason(), "");
  transport.write("{}");  // EPIPE: dropped, not fatal
  EXPECT_TRUE(transport.peer_gone());
  EXPECT_EQ(transport.gone_reason(), "a write failed with EPIPE (Broken pipe)");
  transport.write("{}");
  // The input is still open, but nobody is there to answer: reading ends.
  EXPECT_FALSE(transport.read().has_value());
}

// The client closed the input right after a header: that message is reported as cut
// short (the server logs it), then reading ends.
TEST_F(FdTransportTest, EndOfInputAfterAHeaderIsATruncatedMessage) {
  Pipe in, out;
  FdTransport transport(in.read_end, out.write_end);
  const std::string header = "Content-Length: 9\r\n\r\n";
  ASSERT_EQ(::write(in.write_end, header.data(), header.size()),
            static_cast<ssize_t>(header.size()));
  in.close_write();
  const auto frame = transport.read();
  ASSERT_TRUE(frame.has_value());
  EXPECT_NE(frame->problem.find("stream ended inside a message"), std::string::npos)
      << frame->problem;
  EXPECT_FALSE(transport.read().has_value());
  EXPECT_EQ(transport.gone_reason(), "") << "the input ended; the client is not gone";
}

TEST_F(FdTransportTest, StopBoundsAWriteToAClientThatNoLongerReads) {
  for (bool non_blocking : {true, false}) {
    SCOPED_TRACE(non_blocking ? "non-blocking" : "blocking");
    Pipe in, out;
    if (non_blocking) set_non_blocking(out.write_end);
    FdTransport transport(in.read_end, out.write_end);
    const std::string big(1 << 20, 'x');
    auto writer = std::async(std::launch::async, [&] { transport.write(big); });
    auto reader = std::async(std::launch::async, [&] { return transport.read(); });
    EXPECT_EQ(writer.wait_for(50ms), std::future_status::timeout) << "blocked on a full pipe";
    transport.stop(100ms);
    EXPECT_EQ(writer.wait_for(60s), std::future_status::ready) << "stop() bounds the write";
    EXPECT_EQ(reader.wait_for(60s), std::future_status::ready) << "stop() ends reading";
    EXPECT_FALSE(reader.get().has_value());
    EXPECT_TRUE(transport.peer_gone()) << "a write that gave up means the client is gone";
  }
}

TEST_F(FdTransportTest, WritesAfterStopStillGoOutWhileTheClientReads) {
  Pipe in, out;
  FdTransport transport(in.read_end, out.write_end);
  transport.stop(60s);
  transport.write("{\"last\":true}");
  EXPECT_EQ(drain(out.read_end, 100, 100ms), frame("{\"last\":true}"));
  EXPECT_FALSE(transport.read().has_value());
}

TEST_F(FdTransportTest, SocketsBehaveAlike) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
  const int client = fds[1];
  FdTransport transport(fds[0], fds[0], /*owns_fds=*/true);
  std::string expected;
  std::vector<std::string> bodies;
  for (int i = 0; i < 100; ++i) {
    bodies.push_back(std::string(20000, static_cast<char>('a' + i % 26)));
    expected += frame(bodies.back());
  }
  std::thread writer([&] {
    for (const std::string& body : bodies)
      transport.write(body);
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(drain(client, expected.size()), expected);
  writer.join();
  const std::string request = frame("{\"id\":1}");
  ASSERT_EQ(::write(client, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  const auto got = transport.read();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->body, "{\"id\":1}");
  ::close(client);
  transport.write("{}");
  EXPECT_FALSE(transport.read().has_value());
}

}  // namespace
}  // namespace chunkls::protocol
