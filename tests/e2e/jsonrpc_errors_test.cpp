// JSON-RPC error answers: unknown methods, bad params, bodies that are not JSON or not a
// request, and requests with a wrong "jsonrpc" field. After each the server keeps serving.
#include <gtest/gtest.h>

#include "lsp_test_support.h"

namespace chunkls::e2e {
namespace {

TEST(JsonRpcErrors, UnknownRequestIsMethodNotFound) {
  LspClient client = start_initialized();
  const Json response = client.request("chunkls/noSuchMethod", Json::object());
  EXPECT_EQ(error_code(response), -32601) << response.dump();
  EXPECT_TRUE(response["error"]["message"].is_string());
  EXPECT_TRUE(answers_health_check(client));
}

TEST(JsonRpcErrors, DollarPrefixedRequestIsMethodNotFound) {
  LspClient client = start_initialized();
  const Json response = client.request("$/noSuchMethod", Json::object());
  EXPECT_EQ(error_code(response), -32601) << response.dump();
}

TEST(JsonRpcErrors, UnknownNotificationsGetNoAnswer) {
  LspClient client = start_initialized();
  client.notify("chunkls/noSuchNotification", Json::object());
  client.notify("$/noSuchNotification", Json::object());
  client.notify("$/setTrace", {{"value", "off"}});
  EXPECT_TRUE(answers_health_check(client));
  EXPECT_TRUE(client.stashed_responses().empty()) << client.stashed_responses()[0].dump();
}

TEST(JsonRpcErrors, StringIdsAreEchoed) {
  LspClient client = start_initialized();
  client.send({{"jsonrpc", "2.0"}, {"id", "req-7"}, {"method", "chunkls/noSuchMethod"}});
  const Json response = client.wait_response("req-7");
  EXPECT_EQ(error_code(response), -32601) << response.dump();
}

struct BadParamsCase {
  std::string name;
  std::string method;
  Json params;  // null: no "params" member at all
};

void PrintTo(const BadParamsCase& c, std::ostream* out) {
  *out << c.name;
}

class BadParams : public ::testing::TestWithParam<BadParamsCase> {};

TEST_P(BadParams, AreInvalidParams) {
  LspClient client = start_initialized();
  const Json response = client.request(GetParam().method, GetParam().params);
  EXPECT_EQ(error_code(response), -32602) << response.dump();
  EXPECT_TRUE(answers_health_check(client));
}

INSTANTIATE_TEST_SUITE_P(
    JsonRpcErrors, BadParams,
    ::testing::Values(
        BadParamsCase{"SymbolsWithoutTextDocument", "textDocument/documentSymbol", Json::object()},
        BadParamsCase{"SymbolsWithoutParams", "textDocument/documentSymbol", nullptr},
        BadParamsCase{"SymbolsWithNumberUri",
                      "textDocument/documentSymbol",
                      {{"textDocument", {{"uri", 42}}}}},
        BadParamsCase{"SymbolsWithStringTextDocument",
                      "textDocument/documentSymbol",
                      {{"textDocument", "file:///x.py"}}},
        BadParamsCase{"SymbolsWithArrayParams", "textDocument/documentSymbol",
                      Json::array({"file:///x.py"})},
        BadParamsCase{"FoldingWithoutTextDocument", "textDocument/foldingRange", Json::object()},
        BadParamsCase{"SelectionWithoutPositions",
                      "textDocument/selectionRange",
                      {{"textDocument", {{"uri", "file:///x.py"}}}}},
        BadParamsCase{"SelectionWithBadPosition",
                      "textDocument/selectionRange",
                      {{"textDocument", {{"uri", "file:///x.py"}}},
                       {"positions", {{{"line", "one"}, {"character", 0}}}}}}),
    [](const auto& test) { return test.param.name; });

class NotJson : public ::testing::TestWithParam<Named> {};

TEST_P(NotJson, IsParseErrorWithNullId) {
  LspClient client = start_initialized();
  client.send_raw(frame_body(GetParam().value));
  const Json response = client.wait_response(nullptr);
  EXPECT_EQ(error_code(response), -32700) << response.dump();
  EXPECT_TRUE(answers_health_check(client));
}

INSTANTIATE_TEST_SUITE_P(
    JsonRpcErrors, NotJson,
    ::testing::Values(Named{"TruncatedObject", R"({"jsonrpc": "2.0", "id": 1, "method": )"},
                      Named{"Words", "not json"}, Named{"BrokenLiteral", "tru"},
                      Named{"NumberThenLetters", "12abc"}, Named{"UnclosedArray", "[1, 2"},
                      Named{"UnclosedString", R"("unterminated)"}, Named{"TrailingGarbage", "{}x"},
                      Named{"BrokenValueInParams",
                            R"({"jsonrpc": "2.0", "method": "x", "params": {"a": tru}})"}),
    test_name);

// A body that is not JSON is never taken for the request it resembles.
TEST(JsonRpcErrors, BrokenJsonThatLooksLikeShutdownIsNotExecuted) {
  LspClient client = start_initialized();
  client.send_raw(
      frame_body(R"({"jsonrpc":"2.0","id":5,"method":"shutdown","params":{"x": [1,}})"));
  const Json response = client.next_response();
  EXPECT_TRUE(response["id"].is_null()) << response.dump();
  EXPECT_EQ(error_code(response), -32700) << response.dump();
  EXPECT_TRUE(answers_health_check(client));
}

class NotARequest : public ::testing::TestWithParam<Named> {};

TEST_P(NotARequest, IsInvalidRequestWithNullId) {
  LspClient client = start_initialized();
  client.send_raw(frame_body(GetParam().value));
  const Json response = client.wait_response(nullptr);
  EXPECT_EQ(error_code(response), -32600) << response.dump();
  EXPECT_TRUE(answers_health_check(client));
}

INSTANTIATE_TEST_SUITE_P(
    JsonRpcErrors, NotARequest,
    ::testing::Values(Named{"Array", "[1, 2, 3]"}, Named{"EmptyArray", "[]"}, Named{"Number", "42"},
                      Named{"String", "\"text\""}, Named{"Null", "null"},
                      Named{"ObjectWithoutMethodOrId", R"({"jsonrpc": "2.0"})"},
                      Named{"ParamsOnly", R"({"jsonrpc": "2.0", "params": {}})"}),
    test_name);

TEST(JsonRpcErrors, RequestWithoutJsonrpcFieldIsInvalidRequestWithItsId) {
  LspClient client = start_initialized();
  client.send({{"id", 901},
               {"method", "textDocument/documentSymbol"},
               {"params", {{"textDocument", text_document("file:///x.py")}}}});
  const Json response = client.wait_response(901);
  EXPECT_EQ(error_code(response), -32600) << response.dump();
  EXPECT_TRUE(answers_health_check(client));
}

TEST(JsonRpcErrors, RequestWithWrongJsonrpcVersionIsInvalidRequestWithItsId) {
  LspClient client = start_initialized();
  client.send({{"jsonrpc", "1.0"}, {"id", 902}, {"method", "shutdown"}});
  Json response = client.wait_response(902);
  EXPECT_EQ(error_code(response), -32600) << response.dump();
  client.send({{"jsonrpc", 2}, {"id", 903}, {"method", "shutdown"}});
  response = client.wait_response(903);
  EXPECT_EQ(error_code(response), -32600) << response.dump();
  // Neither was taken as a shutdown.
  EXPECT_TRUE(answers_health_check(client));
}

}  // namespace
}  // namespace chunkls::e2e
