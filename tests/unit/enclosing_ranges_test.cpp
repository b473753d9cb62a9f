#include "engine/document/enclosing_ranges.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "test_support.h"

namespace chunkls {
namespace {

// The text of each span, innermost first: easier to check by eye than offsets.
std::vector<std::string> span_texts(std::string_view lang, std::string_view text,
                                    std::uint32_t byte) {
  const ChunkedText parsed = testing::chunk(lang, text);
  std::vector<std::string> out;
  for (const ByteSpan& span : enclosing_spans(parsed.tree, byte))
    out.emplace_back(text.substr(span.start, span.end - span.start));
  return out;
}

std::uint32_t offset_of(std::string_view text, std::string_view needle) {
  const std::size_t at = text.find(needle);
  if (at == std::string_view::npos) throw std::runtime_error("no " + std::string(needle));
  return static_cast<std::uint32_t>(at);
}

TEST(EnclosingSpans, PythonIdentifierUpToTheModule) {
  const std::string text = "import os\n\ndef f(x):\n    return x + 1\n";
  const std::uint32_t byte = offset_of(text, "x + 1");
  EXPECT_EQ(span_texts("python", text, byte),
            (std::vector<std::string>{"x", "x + 1", "return x + 1", "def f(x):\n    return x + 1",
                                      text}));
}

TEST(EnclosingSpans, AnonymousTokensCountAndABoundaryPicksTheNodeStartingThere) {
  const std::string text = "int add(int a, int b) { return a + b; }\n";
  // Byte of '(' is where "add" ends and "(" starts: the node starting there wins.
  const std::uint32_t paren = offset_of(text, "(int a");
  const std::vector<std::string> got = span_texts("c", text, paren);
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ(got[0], "(");
  EXPECT_EQ(got[1], "(int a, int b)");
  EXPECT_EQ(got[2], "add(int a, int b)");
  EXPECT_EQ(got.back(), text);
}

TEST(EnclosingSpans, EachSpanStrictlyContainsThePreviousOne) {
  const std::string text =
      "class A {\n  method(x) {\n    return [1, 2, {k: x}];\n  }\n}\nconst b = new A();\n";
  const ChunkedText parsed = testing::chunk("javascript", text);
  const ByteSpan root{ts_node_start_byte(parsed.tree.root()), ts_node_end_byte(parsed.tree.root())};
  for (std::uint32_t byte = 0; byte <= text.size(); ++byte) {
    const std::vector<ByteSpan> spans = enclosing_spans(parsed.tree, byte);
    ASSERT_FALSE(spans.empty());
    EXPECT_EQ(spans.back(), root) << "byte " << byte;
    for (std::size_t i = 1; i < spans.size(); ++i) {
      EXPECT_TRUE(spans[i].start <= spans[i - 1].start && spans[i - 1].end <= spans[i].end &&
                  spans[i] != spans[i - 1])
          << "byte " << byte << " span " << i;
    }
  }
}

TEST(EnclosingSpans, NestedJavaScriptExpression) {
  const std::string text = "const b = f(1, [2, {k: x}]);\n";
  const std::uint32_t byte = offset_of(text, "x}");
  EXPECT_EQ(span_texts("javascript", text, byte),
            (std::vector<std::string>{"x", "k: x", "{k: x}", "[2, {k: x}]", "(1, [2, {k: x}])",
                                      "f(1, [2, {k: x}])", "b = f(1, [2, {k: x}])",
                                      "const b = f(1, [2, {k: x}]);", text}));
}

TEST(EnclosingSpans, PastTheEndOrNoTree) {
  const std::string text = "x = 1\n";
  EXPECT_EQ(span_texts("python", text, 1000), (std::vector<std::string>{"x = 1\n"}));
  EXPECT_TRUE(enclosing_spans(Tree(), 0).empty());
}

}  // namespace
}  // namespace chunkls
