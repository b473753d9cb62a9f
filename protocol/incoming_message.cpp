#include "protocol/incoming_message.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <vector>

#include "protocol/utf8.h"

namespace chunkls::protocol {

using simdjson::error_code;
namespace dom = simdjson::dom;

struct IncomingMessage::State {
  dom::parser parser;
  dom::element root;
};

std::string repair_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + 16);
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::size_t n = utf8_sequence_length(bytes, i);
    if (n == 0) {
      out += kReplacementCharacter;
      ++i;
    } else {
      out.append(bytes.substr(i, n));
      i += n;
    }
  }
  return out;
}

void throw_invalid_params(std::string_view pointer, std::string_view expected) {
  throw RpcError(ErrorCode::kInvalidParams,
                 fmt::format("{}: expected {}", pointer.empty() ? "/" : pointer, expected));
}

IncomingMessage::IncomingMessage(std::unique_ptr<State> state) : state_(std::move(state)) {}
IncomingMessage::IncomingMessage(IncomingMessage&&) noexcept = default;
IncomingMessage& IncomingMessage::operator=(IncomingMessage&&) noexcept = default;
IncomingMessage::~IncomingMessage() = default;

namespace {

// The code unit of a "\uXXXX" escape starting at json[at] (the backslash), or -1.
int escaped_unit(std::string_view json, std::size_t at) {
  if (at + 6 > json.size() || json[at] != '\\' || json[at + 1] != 'u') return -1;
  int unit = 0;
  for (std::size_t i = at + 2; i < at + 6; ++i) {
    const int digit = hex_value(json[i]);
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

bool is_high_surrogate(int unit) {
  return unit >= 0xD800 && unit <= 0xDBFF;
}
bool is_low_surrogate(int unit) {
  return unit >= 0xDC00 && unit <= 0xDFFF;
}

}  // namespace

std::size_t repair_lone_surrogates(std::string& json) {
  std::size_t repaired = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (!in_string) {
      in_string = c == '"';
      continue;
    }
    if (c == '"') {
      in_string = false;
    } else if (c == '\\') {
      const int unit = escaped_unit(json, i);
      if (unit < 0) {
        ++i;  // a two-character escape (\", \\, \n, ...): skip what it escapes
        continue;
      }
      if (is_high_surrogate(unit) && is_low_surrogate(escaped_unit(json, i + 6))) {
        i += 11;  // a pair: both escapes stay
        continue;
      }
      if (is_high_surrogate(unit) || is_low_surrogate(unit)) {
        json.replace(i + 2, 4, "fffd");
        ++repaired;
      }
      i += 5;
    }
  }
  return repaired;
}

IncomingMessage IncomingMessage::parse(std::string body) {
  std::vector<std::string_view> repairs;
  auto state = std::make_unique<State>();
  error_code error = state->parser.parse(body).get(state->root);
  if (error == simdjson::UTF8_ERROR) {
    body = repair_utf8(body);
    repairs.push_back("invalid UTF-8 bytes");
    error = state->parser.parse(body).get(state->root);
  }
  // simdjson rejects a string holding a lone surrogate escape; repaired only then, so a
  // valid body is never scanned twice.
  if (error == simdjson::STRING_ERROR && repair_lone_surrogates(body) > 0) {
    repairs.push_back("lone UTF-16 surrogate escapes");
    error = state->parser.parse(body).get(state->root);
  }
  if (error) {
    throw RpcError(ErrorCode::kParseError,
                   fmt::format("not JSON: {}", simdjson::error_message(error)));
  }
  if (!state->root.is_object()) {
    throw RpcError(ErrorCode::kInvalidRequest, "a JSON-RPC message must be a JSON object");
  }
  IncomingMessage message(std::move(state));
  message.repairs_ = fmt::format("{}", fmt::join(repairs, " and "));
  message.read_envelope();
  return message;
}

void IncomingMessage::read_envelope() {
  const dom::object envelope = state_->root.get_object().value_unsafe();
  // The id first, so even a message with a bad envelope can be answered by id.
  dom::element id;
  if (envelope["id"].get(id) == simdjson::SUCCESS) {
    if (id.is_int64()) {
      id_ = RequestId(id.get_int64().value_unsafe());
    } else if (id.is_string()) {
      id_ = RequestId(std::string(id.get_string().value_unsafe()));
    } else if (!id.is_null()) {
      envelope_problem_ = "\"id\" must be an integer or a string";
    }
  }
  dom::element method;
  if (envelope["method"].get(method) == simdjson::SUCCESS) {
    if (method.is_string()) {
      method_ = std::string(method.get_string().value_unsafe());
      has_method_ = true;
    } else if (envelope_problem_.empty()) {
      envelope_problem_ = "\"method\" must be a string";
    }
  }
  dom::element version;
  if (envelope["jsonrpc"].get(version) != simdjson::SUCCESS || !version.is_string() ||
      version.get_string().value_unsafe() != "2.0") {
    if (envelope_problem_.empty()) envelope_problem_ = "\"jsonrpc\" must be \"2.0\"";
  }
  if (envelope_problem_.empty() && !has_method_ && !id_) {
    envelope_problem_ = "neither a request, a notification nor a response";
  }
  if (envelope_problem_.empty() && !has_method_) {
    // A response: it must carry a result or an error.
    dom::element ignored;
    if (envelope["result"].get(ignored) != simdjson::SUCCESS &&
        envelope["error"].get(ignored) != simdjson::SUCCESS) {
      envelope_problem_ = "a response needs \"result\" or \"error\"";
    }
  }
}

std::optional<dom::element> IncomingMessage::at(std::string_view pointer) const {
  dom::element value;
  const error_code error = state_->root.at_pointer(pointer).get(value);
  if (error == simdjson::NO_SUCH_FIELD || error == simdjson::INDEX_OUT_OF_BOUNDS) {
    return std::nullopt;
  }
  if (error == simdjson::INCORRECT_TYPE) throw_invalid_params(pointer, "an object on the way");
  if (error) {
    throw RpcError(ErrorCode::kInvalidParams,
                   fmt::format("{}: {}", pointer, simdjson::error_message(error)));
  }
  if (value.is_null()) return std::nullopt;
  return value;
}

std::optional<std::string> IncomingMessage::string_at(std::string_view pointer) const {
  auto value = at(pointer);
  if (!value) return std::nullopt;
  std::string_view text;
  if (value->get_string().get(text)) throw_invalid_params(pointer, "a string");
  return std::string(text);
}

std::optional<std::int64_t> IncomingMessage::int_at(std::string_view pointer) const {
  auto value = at(pointer);
  if (!value) return std::nullopt;
  std::int64_t number = 0;
  if (value->get_int64().get(number)) throw_invalid_params(pointer, "an integer");
  return number;
}

std::optional<bool> IncomingMessage::bool_at(std::string_view pointer) const {
  auto value = at(pointer);
  if (!value) return std::nullopt;
  bool flag = false;
  if (value->get_bool().get(flag)) throw_invalid_params(pointer, "a boolean");
  return flag;
}

std::string IncomingMessage::required_string(std::string_view pointer) const {
  auto text = string_at(pointer);
  if (!text) throw_invalid_params(pointer, "a string");
  return std::move(*text);
}

std::int64_t IncomingMessage::required_int(std::string_view pointer) const {
  auto number = int_at(pointer);
  if (!number) throw_invalid_params(pointer, "an integer");
  return *number;
}

}  // namespace chunkls::protocol
