// JSON-RPC 2.0 as LSP uses it: error codes, request ids, and the text of outgoing
// responses, errors and notifications.
//
// Value types and pure functions; safe from any thread. Knows nothing of LSP methods
// beyond the reserved error codes.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

namespace chunkls::protocol {

// The codes of the JSON-RPC and LSP specifications.
enum class ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kServerNotInitialized = -32002,
  kRequestFailed = -32803,
  kRequestCancelled = -32800,
  kContentModified = -32801,
};

// An error that becomes a JSON-RPC error response (or a log line for a notification).
class RpcError : public std::runtime_error {
 public:
  RpcError(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

// A request id exactly as the client sent it: a JSON integer or a string.
class RequestId {
 public:
  explicit RequestId(std::int64_t number) : value_(number) {}
  explicit RequestId(std::string text) : value_(std::move(text)) {}
  std::string to_json() const;    // the id's JSON text, for responses
  std::string to_string() const;  // for logs
  friend bool operator==(const RequestId&, const RequestId&) = default;
  // NOLINTNEXTLINE(modernize-use-nullptr): the 0 of the synthesized <=> (llvm#53961)
  friend auto operator<=>(const RequestId&, const RequestId&) = default;

 private:
  std::variant<std::int64_t, std::string> value_;
};

// Complete message bodies. `result_json` / `params_json` are already-serialized JSON.
std::string response_body(const RequestId& id, std::string_view result_json);
// A missing id is written as null (the spec's answer to an unparseable request).
std::string error_body(const std::optional<RequestId>& id, ErrorCode code,
                       std::string_view message);
std::string notification_body(std::string_view method, std::string_view params_json);
std::string request_body(const RequestId& id, std::string_view method,
                         std::string_view params_json);

}  // namespace chunkls::protocol
