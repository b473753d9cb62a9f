#include "protocol/position_encoding.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace chunkls::protocol {
namespace {

using enum PositionEncoding;

constexpr std::string_view kAll[] = {"utf-8", "utf-16", "utf-32"};

TEST(PositionEncoding, NamesRoundTrip) {
  for (std::string_view name : kAll) {
    const auto e = position_encoding_from_string(name);
    ASSERT_TRUE(e.has_value()) << name;
    EXPECT_EQ(to_string(*e), name);
  }
  EXPECT_EQ(position_encoding_from_string("utf-16"), kUtf16);
  EXPECT_EQ(position_encoding_from_string("UTF-16"), std::nullopt) << "LSP spells them lower case";
  EXPECT_EQ(position_encoding_from_string("utf16"), std::nullopt);
  EXPECT_EQ(position_encoding_from_string(""), std::nullopt);
}

TEST(PositionEncoding, AsciiAndTabsAreOneUnitEverywhere) {
  const std::string_view line = "\tif (x) {";
  for (PositionEncoding e : {kUtf8, kUtf16, kUtf32}) {
    for (std::uint32_t i = 0; i <= line.size(); ++i) {
      EXPECT_EQ(byte_of_column(line, i, e), i);
      EXPECT_EQ(column_of_byte(line, i, e), i);
    }
  }
}

// "a中😀b": a (1 byte), 中 (3 bytes, 1 UTF-16 unit), 😀 (4 bytes, a surrogate pair), b.
constexpr std::string_view kMixed =
    "a\xE4\xB8\xAD\xF0\x9F\x98\x80"
    "b";

TEST(PositionEncoding, Utf16CountsSurrogatePairs) {
  // Columns:              0  1  2  3  4  5 (end)
  const std::vector<std::uint32_t> bytes = {0, 1, 4, 4, 8, 9};
  for (std::uint32_t column = 0; column < bytes.size(); ++column)
    EXPECT_EQ(byte_of_column(kMixed, column, kUtf16), bytes[column]) << "column " << column;
  EXPECT_EQ(byte_of_column(kMixed, 3, kUtf16), 4u) << "between the surrogate halves: the emoji";
  EXPECT_EQ(byte_of_column(kMixed, 99, kUtf16), kMixed.size());

  // Bytes:                0  1  2  3  4  5  6  7  8  9  past
  const std::vector<std::uint32_t> columns = {0, 1, 1, 1, 2, 2, 2, 2, 4, 5, 5};
  for (std::uint32_t byte = 0; byte < columns.size(); ++byte)
    EXPECT_EQ(column_of_byte(kMixed, byte, kUtf16), columns[byte]) << "byte " << byte;
}

TEST(PositionEncoding, Utf32CountsCodePoints) {
  const std::vector<std::uint32_t> bytes = {0, 1, 4, 8, 9};
  for (std::uint32_t column = 0; column < bytes.size(); ++column)
    EXPECT_EQ(byte_of_column(kMixed, column, kUtf32), bytes[column]) << "column " << column;
  EXPECT_EQ(byte_of_column(kMixed, 5, kUtf32), kMixed.size());
  const std::vector<std::uint32_t> columns = {0, 1, 1, 1, 2, 2, 2, 2, 3, 4, 4};
  for (std::uint32_t byte = 0; byte < columns.size(); ++byte)
    EXPECT_EQ(column_of_byte(kMixed, byte, kUtf32), columns[byte]) << "byte " << byte;
}

TEST(PositionEncoding, Utf8NeverSplitsACharacter) {
  // A column inside a sequence moves back to its start.
  const std::vector<std::uint32_t> bytes = {0, 1, 1, 1, 4, 4, 4, 4, 8, 9, 9};
  for (std::uint32_t column = 0; column < bytes.size(); ++column) {
    EXPECT_EQ(byte_of_column(kMixed, column, kUtf8), bytes[column]) << "column " << column;
    EXPECT_EQ(column_of_byte(kMixed, column, kUtf8), bytes[column]) << "byte " << column;
  }
  EXPECT_EQ(byte_of_column(kMixed, 1000, kUtf8), kMixed.size());
}

TEST(PositionEncoding, InvalidUtf8IsOneReplacementCharacterPerByte) {
  // a, a stray continuation byte, a truncated 中, an overlong '/', an encoded surrogate, z.
  const std::string_view line = "a\x80\xE4\xB8\xC0\xAF\xED\xA0\x80z";
  // Every byte is its own character: columns equal bytes in every encoding.
  for (PositionEncoding e : {kUtf8, kUtf16, kUtf32}) {
    for (std::uint32_t i = 0; i <= line.size(); ++i) {
      EXPECT_EQ(byte_of_column(line, i, e), i) << to_string(e) << " column " << i;
      EXPECT_EQ(column_of_byte(line, i, e), i) << to_string(e) << " byte " << i;
    }
  }
  // A valid character right after a lone lead byte is still one character.
  const std::string_view lead_then_cjk = "\xF0\xE4\xB8\xAD!";
  EXPECT_EQ(column_of_byte(lead_then_cjk, 4, kUtf16), 2u);
  EXPECT_EQ(byte_of_column(lead_then_cjk, 1, kUtf16), 1u);
  EXPECT_EQ(byte_of_column(lead_then_cjk, 2, kUtf16), 4u);
  EXPECT_EQ(byte_of_column(lead_then_cjk, 3, kUtf8), 1u) << "inside 中";
}

TEST(PositionEncoding, EmptyLine) {
  for (PositionEncoding e : {kUtf8, kUtf16, kUtf32}) {
    EXPECT_EQ(byte_of_column("", 0, e), 0u);
    EXPECT_EQ(byte_of_column("", 5, e), 0u);
    EXPECT_EQ(column_of_byte("", 5, e), 0u);
  }
}

// column_of_byte(byte_of_column(c)) == c for every column on a character boundary, and
// byte_of_column(column_of_byte(b)) is the start of b's character, in every encoding.
TEST(PositionEncoding, RoundTripsOnMixedText) {
  const std::string line =
      "\tx = \"h\xC3\xA9llo \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x8C\x8D\xF0\x9F\x98\x80\" # \xFF!";
  for (PositionEncoding e : {kUtf8, kUtf16, kUtf32}) {
    const std::uint32_t length = column_of_byte(line, line.size(), e);
    std::vector<std::uint32_t> starts;  // character starts, found by walking columns
    for (std::uint32_t column = 0; column <= length; ++column) {
      const std::uint32_t byte = byte_of_column(line, column, e);
      EXPECT_LE(column_of_byte(line, byte, e), column);
      if (starts.empty() || starts.back() != byte) starts.push_back(byte);
    }
    EXPECT_EQ(starts.back(), line.size());
    for (std::uint32_t byte = 0; byte <= line.size(); ++byte) {
      const std::uint32_t column = column_of_byte(line, byte, e);
      const std::uint32_t start = byte_of_column(line, column, e);
      EXPECT_LE(start, byte) << to_string(e) << " byte " << byte;
      EXPECT_EQ(column_of_byte(line, start, e), column) << to_string(e) << " byte " << byte;
    }
    for (std::uint32_t start : starts)
      EXPECT_EQ(byte_of_column(line, column_of_byte(line, start, e), e), start) << to_string(e);
  }
  EXPECT_EQ(column_of_byte(line, line.size(), kUtf16), 25u);
  EXPECT_EQ(column_of_byte(line, line.size(), kUtf32), 23u);
}

}  // namespace
}  // namespace chunkls::protocol
