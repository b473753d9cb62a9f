#include "protocol/frame_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace chunkls::protocol {
namespace {

std::string frame(std::string_view body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

std::vector<Frame> drain(FrameDecoder& decoder) {
  std::vector<Frame> out;
  while (auto f = decoder.next())
    out.push_back(std::move(*f));
  return out;
}

TEST(FrameDecoder, DecodesConsecutiveFrames) {
  FrameDecoder decoder;
  decoder.feed(frame("{\"a\":1}") + frame("{}"));
  const auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].body, "{\"a\":1}");
  EXPECT_EQ(frames[1].body, "{}");
  EXPECT_EQ(decoder.pending(), 0u);
}

TEST(FrameDecoder, DecodesAStreamFedOneByteAtATime) {
  const std::string stream = frame("{\"x\":\"é\"}") +
                             "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" +
                             frame("[1,2]");
  FrameDecoder decoder;
  std::vector<Frame> frames;
  for (char c : stream) {
    decoder.feed(std::string_view(&c, 1));
    while (auto f = decoder.next())
      frames.push_back(std::move(*f));
  }
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(frames[0].ok());
  EXPECT_EQ(frames[0].body, "{\"x\":\"é\"}");
  EXPECT_EQ(frames[1].body, "[1,2]");
}

TEST(FrameDecoder, AcceptsBareNewlineHeadersAndCaseInsensitiveNames) {
  FrameDecoder decoder;
  decoder.feed("content-length: 2\n\n{}");
  const auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].body, "{}");
}

TEST(FrameDecoder, ReportsAMissingContentLengthAndRecovers) {
  FrameDecoder decoder;
  decoder.feed("Content-Type: text/plain\r\n\r\n" + frame("{}"));
  const auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_FALSE(frames[0].ok());
  EXPECT_NE(frames[0].problem.find("without Content-Length"), std::string::npos);
  EXPECT_EQ(frames[1].body, "{}");
}

TEST(FrameDecoder, ReportsAHeaderLineWithoutColonButKeepsTheFrame) {
  FrameDecoder decoder;
  decoder.feed("Content-Length: 2\r\nbogus\r\n\r\n{}");
  const auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_NE(frames[0].problem.find("without ':'"), std::string::npos);
  EXPECT_EQ(frames[1].body, "{}");
}

TEST(FrameDecoder, ResynchronisesAfterATooSmallContentLength) {
  FrameDecoder decoder;
  // The declared length cuts the body short: its tail is garbage before the next frame.
  decoder.feed("Content-Length: 5\r\n\r\n{\"a\":12345}" + frame("{\"ok\":true}"));
  const auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].body, "{\"a\":");
  EXPECT_FALSE(frames[1].ok());
  EXPECT_EQ(frames[2].body, "{\"ok\":true}");
}

TEST(FrameDecoder, SkipsBodiesOverTheLimitAndKeepsGoing) {
  FrameDecoder decoder(/*max_body=*/8);
  decoder.feed(frame("0123456789abcdef"));
  decoder.feed(frame("{}"));
  const auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_NE(frames[0].problem.find("over the 8 byte limit"), std::string::npos);
  EXPECT_EQ(frames[1].body, "{}");
}

TEST(FrameDecoder, RejectsANonNumericContentLength) {
  FrameDecoder decoder;
  decoder.feed("Content-Length: 12abc\r\n\r\n" + frame("{}"));
  const auto frames = drain(decoder);
  ASSERT_GE(frames.size(), 2u);
  EXPECT_NE(frames[0].problem.find("bad Content-Length"), std::string::npos);
  EXPECT_EQ(frames.back().body, "{}");
}

TEST(FrameDecoder, WaitsForTheRestOfABody) {
  FrameDecoder decoder;
  decoder.feed("Content-Length: 4\r\n\r\n{}");
  EXPECT_FALSE(decoder.next().has_value());
  decoder.feed("  ");
  const auto f = decoder.next();
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->body, "{}  ");
}

// At end of stream, a header whose body has not begun is a truncated message too, though
// no byte is pending.
TEST(FrameDecoder, AHeaderWithoutItsBodyIsInsideAFrame) {
  FrameDecoder decoder;
  EXPECT_FALSE(decoder.inside_frame());
  decoder.feed("Content-Len");
  EXPECT_FALSE(decoder.next().has_value());
  EXPECT_TRUE(decoder.inside_frame());
  decoder.feed("gth: 2\r\n\r\n");
  EXPECT_FALSE(decoder.next().has_value());
  EXPECT_EQ(decoder.pending(), 0u);
  EXPECT_TRUE(decoder.inside_frame());
  decoder.feed("{}");
  ASSERT_TRUE(decoder.next().has_value());
  EXPECT_FALSE(decoder.inside_frame());
}

TEST(FrameDecoder, SkipsPaddingBetweenFrames) {
  FrameDecoder decoder;
  decoder.feed(frame("1") + "\r\n\r\n   \n" + frame("2"));
  const auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].body, "1");
  EXPECT_EQ(frames[1].body, "2");
}

TEST(FrameDecoder, SkipsLongGarbageWithoutAHeader) {
  FrameDecoder decoder;
  decoder.feed(std::string(10000, 'x'));
  const auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_FALSE(frames[0].ok());
  EXPECT_LT(decoder.pending(), 64u);
  decoder.feed(frame("{}"));
  const auto after = drain(decoder);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.back().body, "{}");
}

// Garbage glued to a header, in each shape it takes: before the first header, with a
// colon of its own, before a Content-Type that precedes the length, inside the block,
// and fed byte by byte. The message after it is never lost.
TEST(FrameDecoder, GarbageGluedToAHeaderLosesNoMessage) {
  const std::vector<std::string> garbage_then_header = {
      "garbage" + frame("{\"id\":1}"),
      "foo: bar" + frame("{\"id\":1}"),
      "x-y-z" + frame("{\"id\":1}"),
      "\x01\x02binary\xff" + frame("{\"id\":1}"),
      "junk:Content-Type: application/vscode-jsonrpc\r\n" + frame("{\"id\":1}"),
      "Content-Type: x\r\njunkContent-Length: 8\r\n\r\n{\"id\":1}",
      "Content-Length: 8\r\n\r\n{\"id\":1}",
  };
  for (const std::string& stream : garbage_then_header) {
    for (bool byte_by_byte : {false, true}) {
      SCOPED_TRACE(stream + (byte_by_byte ? " (byte by byte)" : ""));
      FrameDecoder decoder;
      std::vector<Frame> frames;
      const std::string all = stream + frame("{\"id\":2}");
      if (byte_by_byte) {
        for (char c : all) {
          decoder.feed(std::string_view(&c, 1));
          while (auto f = decoder.next())
            frames.push_back(std::move(*f));
        }
      } else {
        decoder.feed(all);
        frames = drain(decoder);
      }
      std::vector<std::string> bodies;
      for (const Frame& f : frames) {
        if (f.ok()) bodies.push_back(f.body);
      }
      EXPECT_EQ(bodies, (std::vector<std::string>{"{\"id\":1}", "{\"id\":2}"}));
      EXPECT_EQ(decoder.pending(), 0u);
    }
  }
}

TEST(FrameDecoder, ReportsTheGarbageGluedToAHeader) {
  FrameDecoder decoder;
  decoder.feed("garbage" + frame("{}"));
  const auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_NE(frames[0].problem.find("skipped 7 bytes"), std::string::npos) << frames[0].problem;
  EXPECT_EQ(frames[1].body, "{}");
}

}  // namespace
}  // namespace chunkls::protocol
