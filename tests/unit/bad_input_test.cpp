// Bad and extreme input must never crash the engine and must give sensible output:
// empty text, invalid UTF-8, NUL bytes, a 5 MB single line, 200k lines, in every language.
// Huge invalid input can send tree-sitter's error recovery into superlinear time; the
// engine then gives up at its deadline with a clear error (DeadlineExceeded), which is
// the other acceptable outcome.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "test_support.h"

namespace chunkls {
namespace {

using namespace std::string_literals;

// Invariants every chunk list must keep, whatever the input.
void expect_well_formed(const ChunkedText& out, std::string_view text) {
  for (std::size_t i = 0; i < out.chunks.size(); ++i) {
    const Chunk& c = out.chunks[i];
    ASSERT_FALSE(c.name.empty());
    ASSERT_LE(c.range.start_byte, c.range.end_byte);
    ASSERT_LE(c.range.end_byte, text.size());
    ASSERT_LE(c.range.start_byte, c.selection.start_byte);
    ASSERT_LE(c.selection.end_byte, c.range.end_byte);
    if (c.parent >= 0) {
      ASSERT_LT(static_cast<std::size_t>(c.parent), i) << "parents come first (pre-order)";
      const Chunk& p = out.chunks[c.parent];
      ASSERT_LE(p.range.start_byte, c.range.start_byte);
      ASSERT_GE(p.range.end_byte, c.range.end_byte);
      ASSERT_EQ(c.depth, p.depth + 1);
    }
  }
  for (std::size_t i = 0; i < out.folds.size(); ++i) {
    ASSERT_GT(out.folds[i].end_row, out.folds[i].start_row);
    if (i > 0) {
      ASSERT_LT(out.folds[i - 1].start_row, out.folds[i].start_row);
    }
  }
}

// Well-formed chunks, or a clear give-up at the deadline; never a crash or a hang.
void expect_chunks_or_clear_give_up(const std::string& lang, const std::string& text) {
  Chunker chunker;
  try {
    const auto out = chunker.chunk(testing::language(lang), text, "big",
                                   Deadline::after(std::chrono::seconds(3)));
    expect_well_formed(out, text);
  } catch (const DeadlineExceeded& e) {
    EXPECT_NE(std::string(e.what()).find("gave up at the time limit while"), std::string::npos);
  }
}

class EveryLanguage : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryLanguage, EmptyText) {
  const auto out = testing::chunk(GetParam(), "");
  EXPECT_TRUE(out.chunks.empty());
  EXPECT_TRUE(out.folds.empty());
  EXPECT_TRUE(out.tree);
}

TEST_P(EveryLanguage, InvalidUtf8AndNulBytes) {
  const std::string text = "\xff\xfe garbage \xc3\x28 \0\0\0 {[(\x80\x81\n\xed\xa0\x80 end\n"s;
  const auto out = testing::chunk(GetParam(), text);
  expect_well_formed(out, text);
}

TEST_P(EveryLanguage, FiveMegabyteSingleLine) {
  std::string text;
  text.reserve(5u << 20);
  while (text.size() < (5u << 20))
    text += "x = [1, 2, {\"k\": 3}] ; ";
  expect_chunks_or_clear_give_up(GetParam(), text);
}

TEST_P(EveryLanguage, TwoHundredThousandLines) {
  std::string text;
  for (int i = 0; i < 200000; ++i)
    text += "a" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  expect_chunks_or_clear_give_up(GetParam(), text);
}

INSTANTIATE_TEST_SUITE_P(BadInput, EveryLanguage,
                         ::testing::Values("python", "javascript", "typescript", "tsx", "c", "cpp",
                                           "rust", "go", "java", "ruby", "bash", "json"));

TEST(BadInput, PastDeadlineGivesUpWithAClearError) {
  std::string text;
  for (int i = 0; i < 200000; ++i)
    text += "a" + std::to_string(i) + " = " + std::to_string(i) + "\n";
  Chunker chunker;
  const Deadline past = Deadline::at(Deadline::Clock::now() - std::chrono::seconds(1));
  try {
    (void)chunker.chunk(testing::language("c"), text, "big.c", past);
    FAIL() << "expected DeadlineExceeded";
  } catch (const DeadlineExceeded& e) {
    EXPECT_EQ(std::string(e.what()), "gave up at the time limit while parsing 3177780 bytes");
  }
  // The same Chunker still works afterwards.
  const auto out = chunker.chunk(testing::language("c"), "int f(void) { return 1; }\n");
  ASSERT_EQ(out.chunks.size(), 1u);
  EXPECT_EQ(out.chunks[0].name, "f");
}

TEST(BadInput, LongValidOneLinePythonIsOneChunk) {
  std::string text = "x = [";
  for (int i = 0; i < 100000; ++i)
    text += "1, ";
  text += "]";
  const auto out = testing::chunk("python", text);
  expect_well_formed(out, text);
  ASSERT_EQ(out.chunks.size(), 1u);
  EXPECT_EQ(out.chunks[0].name, "x");
  EXPECT_EQ(out.chunks[0].range.end_byte, text.size());
  EXPECT_TRUE(out.folds.empty()) << "one line cannot fold";
}

TEST(BadInput, PythonRecoversAroundInvalidUtf8) {
  const std::string text = "def ok():\n    return '\xff\xfe'\n\ndef caf\xc3\xa9():\n    pass\n";
  const auto out = testing::chunk("python", text);
  expect_well_formed(out, text);
  ASSERT_EQ(out.chunks.size(), 2u);
  EXPECT_EQ(out.chunks[0].name, "ok");
  EXPECT_EQ(out.chunks[1].name, "caf\xc3\xa9");
  EXPECT_EQ(out.chunks[1].selection.start.row, 3u);
}

TEST(BadInput, PythonTwoHundredThousandFunctionsAreAllFound) {
  std::string text;
  for (int i = 0; i < 200000; ++i)
    text += "def f" + std::to_string(i) + "(): pass\n";
  const auto out = testing::chunk("python", text);
  ASSERT_EQ(out.chunks.size(), 200000u);
  EXPECT_EQ(out.chunks[123456].name, "f123456");
  EXPECT_EQ(out.chunks[123456].range.start.row, 123456u);
}

}  // namespace
}  // namespace chunkls
