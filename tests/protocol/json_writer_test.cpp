#include "protocol/json_writer.h"

#include <gtest/gtest.h>

#include "protocol/json_rpc.h"
#include "protocol/lsp_write.h"

namespace chunkls::protocol {
namespace {

TEST(JsonWriter, PlacesCommasAndNestsContainers) {
  JsonWriter out;
  out.begin_object();
  out.key("a").value(1);
  out.key("b").begin_array().value("x").value(true).null().begin_object().end_object().end_array();
  out.key("c").raw("[1,2]");
  out.end_object();
  EXPECT_EQ(out.str(), R"({"a":1,"b":["x",true,null,{}],"c":[1,2]})");
}

TEST(JsonWriter, EscapesControlCharactersQuotesAndBackslashes) {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\n\r\t\b\f", 10) + std::string(1, '\0') + "\x1f");
  EXPECT_EQ(out, R"("a\"b\\c\n\r\t\b\f\u0000\u001f")");
}

TEST(JsonWriter, KeepsValidUtf8AndReplacesInvalidBytes) {
  std::string out;
  append_json_string(out, "é漢😀");
  EXPECT_EQ(out, "\"é漢😀\"");
  out.clear();
  // A stray continuation byte, a truncated sequence, an overlong '/', a surrogate.
  append_json_string(out,
                     "a\x80"
                     "b\xE6\xBC"
                     "c\xC0\xAF"
                     "d\xED\xA0\x80");
  EXPECT_EQ(out,
            "\"a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD"
            "c\xEF\xBF\xBD\xEF\xBF\xBD"
            "d\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(JsonRpc, WritesResponsesErrorsAndNotifications) {
  EXPECT_EQ(response_body(RequestId(7), "null"), R"({"jsonrpc":"2.0","id":7,"result":null})");
  EXPECT_EQ(error_body(RequestId(std::string("a\"b")), ErrorCode::kMethodNotFound, "no"),
            R"({"jsonrpc":"2.0","id":"a\"b","error":{"code":-32601,"message":"no"}})");
  EXPECT_EQ(error_body(std::nullopt, ErrorCode::kParseError, "bad"),
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}})");
  EXPECT_EQ(notification_body("window/logMessage", message_params(MessageType::kWarning, "x")),
            R"({"jsonrpc":"2.0","method":"window/logMessage","params":{"type":2,"message":"x"}})");
}

TEST(LspWrite, NestsSelectionRangesInnermostFirst) {
  SelectionRange selection;
  selection.ranges = {{{1, 2}, {1, 3}}, {{0, 0}, {5, 0}}};
  JsonWriter out;
  write(out, selection);
  EXPECT_EQ(
      out.str(),
      R"({"range":{"start":{"line":1,"character":2},"end":{"line":1,"character":3}},)"
      R"("parent":{"range":{"start":{"line":0,"character":0},"end":{"line":5,"character":0}}}})");
}

TEST(LspWrite, OmitsOptionalFoldingFields) {
  FoldingRange fold;
  fold.start_line = 1;
  fold.end_line = 4;
  JsonWriter out;
  write(out, fold);
  EXPECT_EQ(out.str(), R"({"startLine":1,"endLine":4})");
  fold.kind = "comment";
  fold.start_character = 2;
  fold.end_character = 0;
  fold.collapsed_text = "…";
  JsonWriter full;
  write(full, fold);
  EXPECT_EQ(
      full.str(),
      R"({"startLine":1,"startCharacter":2,"endLine":4,"endCharacter":0,"kind":"comment","collapsedText":"…"})");
}

}  // namespace
}  // namespace chunkls::protocol
