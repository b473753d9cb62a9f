#include "protocol/incoming_message.h"

#include <gtest/gtest.h>

#include "protocol/lsp_read.h"

namespace chunkls::protocol {
namespace {

ErrorCode parse_error_code(std::string body) {
  try {
    IncomingMessage::parse(std::move(body));
  } catch (const RpcError& e) {
    return e.code();
  }
  return ErrorCode::kInternalError;  // no error: the tests below expect one
}

TEST(IncomingMessage, ClassifiesRequestsNotificationsAndResponses) {
  auto request = IncomingMessage::parse(R"({"jsonrpc":"2.0","id":3,"method":"shutdown"})");
  EXPECT_TRUE(request.is_request());
  EXPECT_EQ(request.id(), RequestId(3));
  EXPECT_EQ(request.method(), "shutdown");
  EXPECT_TRUE(request.envelope_problem().empty());

  auto notification = IncomingMessage::parse(R"({"method":"exit","jsonrpc":"2.0"})");
  EXPECT_TRUE(notification.is_notification());

  auto response = IncomingMessage::parse(R"({"jsonrpc":"2.0","id":"x","result":null})");
  EXPECT_TRUE(response.is_response());
  EXPECT_EQ(response.id(), RequestId(std::string("x")));
}

TEST(IncomingMessage, RejectsNonJsonAndNonObjects) {
  EXPECT_EQ(parse_error_code("{not json"), ErrorCode::kParseError);
  EXPECT_EQ(parse_error_code("not json"), ErrorCode::kParseError);
  EXPECT_EQ(parse_error_code("tru"), ErrorCode::kParseError);
  EXPECT_EQ(parse_error_code("[1, 2"), ErrorCode::kParseError);
  // Broken deep inside: nothing of it may be acted on.
  EXPECT_EQ(parse_error_code(R"({"jsonrpc":"2.0","id":1,"method":"shutdown","params":{"a":tru}})"),
            ErrorCode::kParseError);
  EXPECT_EQ(parse_error_code(""), ErrorCode::kParseError);
  EXPECT_EQ(parse_error_code("[1,2,3]"), ErrorCode::kInvalidRequest);
  EXPECT_EQ(parse_error_code("42"), ErrorCode::kInvalidRequest);
}

TEST(IncomingMessage, ReportsBadEnvelopesWithTheirId) {
  auto no_version = IncomingMessage::parse(R"({"id":1,"method":"initialize"})");
  EXPECT_EQ(no_version.id(), RequestId(1));
  EXPECT_NE(no_version.envelope_problem().find("jsonrpc"), std::string::npos);

  auto bad_method = IncomingMessage::parse(R"({"jsonrpc":"2.0","id":2,"method":5})");
  EXPECT_NE(bad_method.envelope_problem().find("method"), std::string::npos);

  auto neither = IncomingMessage::parse(R"({"jsonrpc":"2.0"})");
  EXPECT_FALSE(neither.envelope_problem().empty());

  auto object_id = IncomingMessage::parse(R"({"jsonrpc":"2.0","id":{},"method":"x"})");
  EXPECT_FALSE(object_id.envelope_problem().empty());
}

TEST(IncomingMessage, RepairsInvalidUtf8InsteadOfDroppingTheMessage) {
  std::string body = R"({"jsonrpc":"2.0","method":"m","params":{"text":"a)";
  body += "\xff\xfe";
  body += R"(b"}})";
  auto message = IncomingMessage::parse(body);
  EXPECT_EQ(message.repairs(), "invalid UTF-8 bytes");
  EXPECT_EQ(message.string_at("/params/text"),
            "a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b");
}

// JavaScript clients send strings with half an emoji: JSON.stringify("\ud83d") is the
// escape of a lone high surrogate. Every shape of lone surrogate becomes U+FFFD; pairs and
// escaped backslashes that merely look like escapes stay as they are.
TEST(IncomingMessage, RepairsLoneSurrogateEscapesInsteadOfDroppingTheMessage) {
  const std::string fffd = "\xEF\xBF\xBD";
  const std::string emoji = "\xF0\x9F\x98\x80";  // U+1F600, escaped as \ud83d\ude00
  struct Case {
    std::string escaped;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {R"(\ud83d)", fffd},                      // lone high at the end
      {R"(a\ud83db)", "a" + fffd + "b"},        // lone high before text
      {R"(\ude00x)", fffd + "x"},               // lone low
      {R"(\ud83d\u0041)", fffd + "A"},          // high before a non-surrogate
      {R"(\ud83d\ud83d\ude00)", fffd + emoji},  // high before a pair
      {R"(\ude00\ud83d)", fffd + fffd},         // reversed pair
      {R"(\ud83d\ude00)", emoji},               // a pair stays
      {R"(\\ud83d)", "\\ud83d"},                // an escaped backslash, not an escape
      {R"(\"\ud83d\")", "\"" + fffd + "\""},    // quotes around it
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.escaped);
    const std::string body =
        R"({"jsonrpc":"2.0","method":"m","params":{"key\ud800":1,"text":")" + c.escaped + R"("}})";
    auto message = IncomingMessage::parse(body);
    EXPECT_EQ(message.method(), "m");
    EXPECT_EQ(message.string_at("/params/text"), c.expected);
    EXPECT_EQ(message.repairs(), "lone UTF-16 surrogate escapes");
  }
}

TEST(IncomingMessage, RepairsInvalidUtf8AndLoneSurrogatesInOneBody) {
  std::string body = R"({"jsonrpc":"2.0","method":"m","params":{"text":"\udfff)";
  body += "\xff";
  body += R"("}})";
  auto message = IncomingMessage::parse(body);
  EXPECT_EQ(message.string_at("/params/text"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(message.repairs(), "invalid UTF-8 bytes and lone UTF-16 surrogate escapes");
}

TEST(IncomingMessage, ValidBodiesNeedNoRepair) {
  auto message =
      IncomingMessage::parse(R"({"jsonrpc":"2.0","method":"m","params":{"t":"\ud83d\ude00 \\u"}})");
  EXPECT_EQ(message.repairs(), "");
  EXPECT_THROW(IncomingMessage::parse(R"({"jsonrpc":"2.0","method":"m","params":{"t":"\q"}})"),
               RpcError);
}

TEST(IncomingMessage, SurvivesDeeplyNestedParams) {
  std::string deep = std::string(10000, '[') + std::string(10000, ']');
  std::string body = R"({"jsonrpc":"2.0","id":1,"method":"x","params":)" + deep + "}";
  // Either the envelope is read (params are never walked) or the message is rejected;
  // what matters is an answer, not a crash.
  try {
    auto message = IncomingMessage::parse(body);
    EXPECT_EQ(message.method(), "x");
  } catch (const RpcError& e) {
    EXPECT_TRUE(e.code() == ErrorCode::kParseError || e.code() == ErrorCode::kInvalidRequest);
  }
}

TEST(IncomingMessage, TypedLookupsNameTheBadField) {
  auto message = IncomingMessage::parse(
      R"({"jsonrpc":"2.0","id":1,"method":"m","params":{"textDocument":{"uri":5},"n":null}})");
  try {
    message.string_at("/params/textDocument/uri");
    FAIL() << "a number is not a string";
  } catch (const RpcError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidParams);
    EXPECT_NE(std::string(e.what()).find("/params/textDocument/uri"), std::string::npos);
  }
  EXPECT_FALSE(message.string_at("/params/missing").has_value());
  EXPECT_FALSE(message.int_at("/params/n").has_value());  // null is absent
}

TEST(LspRead, ReadsDidChangeWithSeveralChangesInOrder) {
  auto message = IncomingMessage::parse(R"({"jsonrpc":"2.0","method":"textDocument/didChange",
    "params":{"contentChanges":[
       {"text":"x","range":{"end":{"character":2,"line":0},"start":{"line":0,"character":1}}},
       {"rangeLength":3,"range":null,"text":"full"}],
     "textDocument":{"version":4,"uri":"file:///a.py"}}})");
  const DidChangeParams params = read_did_change(message);
  EXPECT_EQ(params.uri, "file:///a.py");
  EXPECT_EQ(params.version, 4);
  ASSERT_EQ(params.changes.size(), 2u);
  ASSERT_TRUE(params.changes[0].range.has_value());
  EXPECT_EQ(params.changes[0].range->start, (Position{0, 1}));
  EXPECT_EQ(params.changes[0].range->end, (Position{0, 2}));
  EXPECT_EQ(params.changes[0].text, "x");
  EXPECT_FALSE(params.changes[1].range.has_value());
  EXPECT_EQ(params.changes[1].text, "full");
}

TEST(LspRead, RejectsNegativePositions) {
  auto message = IncomingMessage::parse(R"({"jsonrpc":"2.0","id":1,"method":"m","params":{
    "textDocument":{"uri":"file:///a"},"positions":[{"line":-1,"character":0}]}})");
  EXPECT_THROW(read_selection_range(message), RpcError);
}

TEST(LspRead, ReadsTheCapabilitiesThatShapeAnswers) {
  auto message = IncomingMessage::parse(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{
    "capabilities":{"general":{"positionEncodings":["utf-32","utf-16"]},
      "textDocument":{"documentSymbol":{"hierarchicalDocumentSymbolSupport":true},
        "foldingRange":{"rangeLimit":100,"lineFoldingOnly":true,
          "foldingRangeKind":{"valueSet":["comment"]},"foldingRange":{"collapsedText":true}}}},
    "clientInfo":{"name":"test"}}})");
  const InitializeParams params = read_initialize(message);
  const ClientCapabilities& caps = params.capabilities;
  EXPECT_TRUE(caps.hierarchical_document_symbols);
  EXPECT_EQ(caps.folding_range_limit, 100u);
  EXPECT_TRUE(caps.line_folding_only);
  ASSERT_TRUE(caps.folding_range_kinds.has_value());
  EXPECT_EQ(*caps.folding_range_kinds, std::vector<std::string>{"comment"});
  EXPECT_TRUE(caps.folding_collapsed_text);
  EXPECT_EQ(params.client_name, "test");
  EXPECT_EQ(negotiate_position_encoding(caps), PositionEncoding::kUtf16);  // utf-16 when offered
}

TEST(LspRead, NegotiatesUtf8WhenOfferedElseUtf16) {
  ClientCapabilities caps;
  EXPECT_EQ(negotiate_position_encoding(caps), PositionEncoding::kUtf16);
  caps.position_encodings = {PositionEncoding::kUtf16, PositionEncoding::kUtf8};
  EXPECT_EQ(negotiate_position_encoding(caps), PositionEncoding::kUtf8);
  caps.position_encodings = {PositionEncoding::kUtf16};
  EXPECT_EQ(negotiate_position_encoding(caps), PositionEncoding::kUtf16);
  caps.position_encodings = {PositionEncoding::kUtf32};
  EXPECT_EQ(negotiate_position_encoding(caps), PositionEncoding::kUtf32);
}

TEST(LspRead, ReadsCancelIdsOfBothTypes) {
  auto number =
      IncomingMessage::parse(R"({"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":9}})");
  EXPECT_EQ(read_cancel_id(number), RequestId(9));
  auto text = IncomingMessage::parse(
      R"({"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"r9"}})");
  EXPECT_EQ(read_cancel_id(text), RequestId(std::string("r9")));
}

}  // namespace
}  // namespace chunkls::protocol
