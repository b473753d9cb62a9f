#include "engine/text/text_kind.h"

#include <gtest/gtest.h>

#include <string>

namespace chunkls {
namespace {

using namespace std::string_literals;

TEST(TextKind, BinaryMeansNulInProbe) {
  EXPECT_FALSE(looks_binary("plain text\n"));
  EXPECT_TRUE(looks_binary("ab\0cd"s));
  std::string late(10000, 'a');
  late[9000] = '\0';
  EXPECT_FALSE(looks_binary(late)) << "a NUL past the probe window is not looked at";
  EXPECT_TRUE(looks_binary(late, 9500));
}

TEST(TextKind, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x98\x80"));  // é 中 😀
  EXPECT_FALSE(is_valid_utf8("\xC3"));                                      // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));                                  // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));                              // UTF-16 surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));                          // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xFF"));
}

TEST(TextKind, Utf8PrefixNeverCutsASequence) {
  const std::string s = "a\xF0\x9F\x98\x80";  // a😀
  EXPECT_EQ(utf8_prefix(s, 1), "a");
  EXPECT_EQ(utf8_prefix(s, 3), "a");
  EXPECT_EQ(utf8_prefix(s, 5), s);
  EXPECT_EQ(utf8_prefix(s, 100), s);
}

}  // namespace
}  // namespace chunkls
