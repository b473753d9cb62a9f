// FrameDecoder: LSP's base protocol framing ("Content-Length: N\r\n\r\n" + N bytes)
// turned from a byte stream into message bodies.
//
// It never gives up on a stream: a malformed header block, a missing Content-Length,
// garbage between frames or an over-long body is reported as a Frame with a problem
// and the decoder re-synchronises on the next "Content-" header. Pure logic over bytes
// (no I/O), so tests feed it byte by byte. One decoder per stream, one thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace chunkls::protocol {

struct Frame {
  std::string body;     // a complete message body, when `problem` is empty
  std::string problem;  // what was wrong with the bytes that were skipped
  bool ok() const { return problem.empty(); }
};

class FrameDecoder {
 public:
  static constexpr std::size_t kDefaultMaxBody = 256u << 20;  // 256 MiB
  explicit FrameDecoder(std::size_t max_body = kDefaultMaxBody) : max_body_(max_body) {}

  void feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next body or problem; nullopt when more bytes are needed.
  std::optional<Frame> next();
  // Bytes received but not yet part of a frame (at end of stream: a truncated frame).
  std::size_t pending() const { return buffer_.size() - consumed_; }
  // Whether the bytes so far stop inside a frame: some not yet part of one, or a whole
  // header whose body has not begun (at end of stream: a truncated message).
  bool inside_frame() const { return pending() > 0 || body_length_.has_value(); }

 private:
  std::optional<Frame> next_header();
  void compact();

  std::string buffer_;
  std::size_t consumed_ = 0;
  std::size_t max_body_;
  std::optional<std::size_t> body_length_;  // set while waiting for a body
  std::size_t skip_ = 0;                    // bytes of an over-long body still to discard
};

}  // namespace chunkls::protocol
