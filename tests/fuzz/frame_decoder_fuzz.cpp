// Fuzz target: the LSP frame decoder (protocol/frame_decoder.h) on arbitrary byte
// streams. Beyond "no crash": the stream is decoded twice, fed whole and fed in pieces
// of sizes taken from the input, and both must give the same message bodies (a reader
// gets the bytes in whatever pieces read() returns); bytes are never invented (the
// bodies fit in the stream) and nothing is lost (what is pending is at most the stream).
//
// Input: [max body: 1 byte][piece sizes: 8 bytes] then the stream.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/frame_decoder.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using chunkls::protocol::Frame;
using chunkls::protocol::FrameDecoder;

// Feeds the stream in pieces (sizes cycling through `pieces`, 0 meaning all of it) and
// collects every complete body.
std::vector<std::string> bodies(std::string_view stream, std::size_t max_body,
                                std::string_view pieces) {
  FrameDecoder decoder(max_body);
  std::vector<std::string> out;
  std::size_t fed = 0;
  for (std::size_t i = 0; fed < stream.size(); ++i) {
    const std::size_t size =
        pieces.empty() ? 0 : static_cast<std::uint8_t>(pieces[i % pieces.size()]);
    const std::string_view piece = stream.substr(fed, size == 0 ? stream.size() : size);
    decoder.feed(piece);
    fed += piece.size();
    while (std::optional<Frame> frame = decoder.next()) {
      if (frame->ok()) out.push_back(std::move(frame->body));
    }
    FUZZ_CHECK(decoder.pending() <= fed, "pending bytes that were never fed");
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  chunkls::fuzz::FuzzInput input(data, size);
  // Small limits reach the over-long path; 0 stands for the default.
  const std::size_t max_body = input.byte();
  const std::size_t limit = max_body == 0 ? FrameDecoder::kDefaultMaxBody : max_body;
  const std::string_view pieces = input.take(8);
  const std::string_view stream = input.rest();

  // (What stays pending may differ: garbage is reported in pieces of 64 bytes or more.)
  const std::vector<std::string> whole = bodies(stream, limit, {});
  const std::vector<std::string> pieced = bodies(stream, limit, pieces);
  std::size_t body_bytes = 0;
  for (const std::string& body : whole) {
    FUZZ_CHECK(body.size() <= limit, "a body over the limit");
    body_bytes += body.size();
  }
  FUZZ_CHECK(body_bytes <= stream.size(), "bodies longer than the stream");
  // A header block over 64 KiB is skipped only when it arrives in pieces (whole, its end
  // is already there): the one documented way the split matters.
  if (stream.size() <= 64 * 1024) {
    FUZZ_CHECK(whole == pieced, "fed whole: " + std::to_string(whole.size()) +
                                    " bodies, in pieces: " + std::to_string(pieced.size()));
  }
  return 0;
}
