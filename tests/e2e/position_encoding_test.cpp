// Positions end to end: character offsets in the negotiated encoding (utf-8 bytes, utf-16
// code units, utf-32 code points) both in answers and in request positions, and line
// breaks: "\r\n" and a lone "\r" each end a line.
#include <gtest/gtest.h>

#include "lsp_test_support.h"

namespace chunkls::e2e {
namespace {

// CJK (3 bytes, 1 utf-16 unit each) and an emoji (4 bytes, 2 utf-16 units) before a
// function on the same line.
constexpr const char* kLine = "const s = \"世界😀\"; function foo() {}\n";

struct Units {
  std::string encoding;
  int constant_end;    // end of `const s = "...";`
  int function_start;  // `function`
  int name_start;      // `foo`
  int function_end;    // after `{}`
};

void PrintTo(const Units& u, std::ostream* out) {
  *out << u.encoding;
}

class NegotiatedUnits : public ::testing::TestWithParam<Units> {
 protected:
  LspClient start() {
    ClientOptions options;
    options.position_encodings = {GetParam().encoding};
    LspClient client = start_initialized(options);
    open_document(client, "file:///u.js", "javascript", kLine);
    return client;
  }
};

TEST_P(NegotiatedUnits, SymbolPositionsAreInThoseUnits) {
  LspClient client = start();
  const Units& u = GetParam();
  const Json symbols = document_symbols(client, "file:///u.js");
  ASSERT_EQ(outline(symbols), (std::vector<std::string>{"s@0", "foo@0"})) << symbols.dump();
  EXPECT_EQ(symbols[0]["range"], range(0, 0, 0, u.constant_end));
  EXPECT_EQ(symbols[1]["range"], range(0, u.function_start, 0, u.function_end));
  EXPECT_EQ(symbols[1]["selectionRange"], range(0, u.name_start, 0, u.name_start + 3));
}

TEST_P(NegotiatedUnits, RequestPositionsAreInThoseUnits) {
  LspClient client = start();
  const Units& u = GetParam();
  const Json result =
      selection_ranges(client, "file:///u.js", Json::array({position(0, u.name_start + 1)}));
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0]["range"], range(0, u.name_start, 0, u.name_start + 3)) << result.dump();
}

TEST_P(NegotiatedUnits, FoldCharactersAreInThoseUnits) {
  ClientOptions options;
  options.position_encodings = {GetParam().encoding};
  LspClient client = start_initialized(options);
  open_document(client, "file:///f.js", "javascript",
                "const s = \"世界😀\"; function foo() {\n  return 1;\n}\n");
  const Json folds = folding_ranges(client, "file:///f.js");
  ASSERT_EQ(folds.size(), 1u) << folds.dump();
  EXPECT_EQ(folds[0]["startLine"], 0);
  EXPECT_EQ(folds[0]["startCharacter"], GetParam().function_start) << folds.dump();
  EXPECT_EQ(folds[0]["endLine"], 2);
}

INSTANTIATE_TEST_SUITE_P(PositionEncoding, NegotiatedUnits,
                         ::testing::Values(Units{"utf-8", 23, 24, 33, 41},
                                           Units{"utf-16", 17, 18, 27, 35},
                                           Units{"utf-32", 16, 17, 26, 34}),
                         [](const auto& test) {
                           return test.param.encoding == "utf-8"    ? "Utf8"
                                  : test.param.encoding == "utf-16" ? "Utf16"
                                                                    : "Utf32";
                         });

TEST(PositionEncoding, CrLfEndsALineOnce) {
  LspClient client = start_initialized();
  open_document(client, "file:///crlf.py", "python",
                "def a():\r\n    pass\r\n\r\ndef b():\r\n    pass\r\n");
  const Json symbols = document_symbols(client, "file:///crlf.py");
  ASSERT_EQ(outline(symbols), (std::vector<std::string>{"a@0", "b@3"})) << symbols.dump();
  EXPECT_EQ(symbols[0]["range"], range(0, 0, 1, 8));
  EXPECT_EQ(symbols[1]["selectionRange"], range(3, 4, 3, 5));
  const Json folds = folding_ranges(client, "file:///crlf.py");
  ASSERT_EQ(folds.size(), 2u) << folds.dump();
  EXPECT_EQ(folds[1]["startLine"], 3);
  EXPECT_EQ(folds[1]["endLine"], 4);
}

TEST(PositionEncoding, LoneCarriageReturnEndsALine) {
  LspClient client = start_initialized();
  open_document(client, "file:///cr.js", "javascript",
                "function a() {\r  return 1;\r}\rfunction b() {\r}\r");
  const Json symbols = document_symbols(client, "file:///cr.js");
  ASSERT_EQ(outline(symbols), (std::vector<std::string>{"a@0", "b@3"})) << symbols.dump();
  EXPECT_EQ(symbols[0]["range"], range(0, 0, 2, 1));
  EXPECT_EQ(symbols[0]["selectionRange"], range(0, 9, 0, 10));
  EXPECT_EQ(symbols[1]["range"], range(3, 0, 4, 1));
  EXPECT_EQ(symbols[1]["selectionRange"], range(3, 9, 3, 10));

  const Json result = selection_ranges(client, "file:///cr.js", Json::array({position(1, 9)}));
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0]["range"], range(1, 9, 1, 10)) << "the literal 1: " << result.dump();
}

TEST(PositionEncoding, LoneCarriageReturnLinesFold) {
  LspClient client = start_initialized();
  open_document(client, "file:///cr.js", "javascript",
                "function a() {\r  return 1;\r}\rfunction b() {\r}\r");
  const Json folds = folding_ranges(client, "file:///cr.js");
  ASSERT_EQ(folds.size(), 2u) << folds.dump();
  EXPECT_EQ(folds[0]["startLine"], 0);
  EXPECT_EQ(folds[0]["endLine"], 2);
  EXPECT_EQ(folds[1]["startLine"], 3);
  EXPECT_EQ(folds[1]["endLine"], 4);
}

TEST(PositionEncoding, MixedLineBreaks) {
  LspClient client = start_initialized();
  open_document(client, "file:///mixed.js", "javascript",
                "// one\r\n// two\r// three\nfunction z() {}\n");
  const Json symbols = document_symbols(client, "file:///mixed.js");
  ASSERT_EQ(symbols.size(), 1u) << symbols.dump();
  EXPECT_EQ(symbols[0]["selectionRange"], range(3, 9, 3, 10));
}

}  // namespace
}  // namespace chunkls::e2e
