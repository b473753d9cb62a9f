// IncomingMessage: one JSON-RPC message body as the client sent it, parsed and fully
// validated with simdjson (its DOM API, at gigabytes per second). simdjson's on-demand
// API would only look at the fields we read, so it cannot tell a broken body from a good
// one ("tru", "[1, 2", a shutdown request with a bad value somewhere) and JSON-RPC wants
// -32700 for every body that is not JSON. Nesting deeper than 1024 is rejected the same
// way, before anything recurses.
//
// Text that cannot be represented is repaired with U+FFFD and the body parsed again,
// and repairs() says what was repaired, so the user's document is kept rather than
// dropped: bytes that are not UTF-8 (the JSON spec requires it; some clients send raw
// bytes) and lone UTF-16 surrogate escapes ("\ud83d" without its pair: JavaScript's
// JSON.stringify of a half-typed emoji), which simdjson rejects.
//
// Owns its bytes and parser; movable, not copyable; used by one thread at a time
// (simdjson's documents are not thread-safe).
#pragma once

#include <simdjson.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/json_rpc.h"

namespace chunkls::protocol {

class IncomingMessage {
 public:
  // Throws RpcError(kParseError) when the body is not JSON and RpcError(kInvalidRequest)
  // when it is JSON but not an object.
  static IncomingMessage parse(std::string body);

  IncomingMessage(IncomingMessage&&) noexcept;
  IncomingMessage& operator=(IncomingMessage&&) noexcept;
  ~IncomingMessage();

  const std::optional<RequestId>& id() const { return id_; }
  const std::string& method() const { return method_; }
  bool has_method() const { return has_method_; }
  bool is_request() const { return has_method_ && id_.has_value(); }
  bool is_notification() const { return has_method_ && !id_.has_value(); }
  bool is_response() const { return !has_method_ && id_.has_value(); }
  // Why the envelope is not valid JSON-RPC 2.0 (bad "jsonrpc", non-string method, ...);
  // empty when it is.
  const std::string& envelope_problem() const { return envelope_problem_; }
  // What had to be replaced with U+FFFD for the body to parse ("invalid UTF-8 bytes",
  // "lone UTF-16 surrogate escapes", or both joined by " and "); empty when nothing.
  const std::string& repairs() const { return repairs_; }

  // The value at a JSON pointer ("/params/textDocument/uri"); nullopt when absent or
  // null. Throws RpcError(kInvalidParams) when the path runs through a value of the
  // wrong type. The element lives as long as the message.
  std::optional<simdjson::dom::element> at(std::string_view pointer) const;

  // Typed lookups; absent -> nullopt, wrong type -> RpcError(kInvalidParams) naming the
  // pointer.
  std::optional<std::string> string_at(std::string_view pointer) const;
  std::optional<std::int64_t> int_at(std::string_view pointer) const;
  std::optional<bool> bool_at(std::string_view pointer) const;
  // Like string_at, but absent is an error too.
  std::string required_string(std::string_view pointer) const;
  std::int64_t required_int(std::string_view pointer) const;

 private:
  struct State;
  explicit IncomingMessage(std::unique_ptr<State> state);
  void read_envelope();

  std::unique_ptr<State> state_;
  std::optional<RequestId> id_;
  std::string method_;
  bool has_method_ = false;
  std::string envelope_problem_;
  std::string repairs_;
};

// Replaces every byte that is not part of a valid UTF-8 sequence with U+FFFD.
std::string repair_utf8(std::string_view bytes);
// Rewrites each \uXXXX escape of a lone UTF-16 surrogate inside the JSON strings of
// `json` as \ufffd (same length, so nothing else moves); a high surrogate followed by a
// low one is a pair and stays. Returns the number of escapes rewritten.
std::size_t repair_lone_surrogates(std::string& json);

// "params/x: expected a string" messages for handlers that read values themselves.
[[noreturn]] void throw_invalid_params(std::string_view pointer, std::string_view expected);

}  // namespace chunkls::protocol
