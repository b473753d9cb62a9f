#include "protocol/incoming_message.h"

#include <fmt/format.h>

#include "protocol/utf8.h"

namespace chunkls::protocol {

using simdjson::error_code;
namespace ondemand = simdjson::ondemand;

struct IncomingMessage::State {
  simdjson::padded_string json;
  ondemand::parser parser;
  ondemand::document document;
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

std::size_t IncomingMessage::size() const {
  return state_->json.size();
}

IncomingMessage IncomingMessage::parse(std::string body) {
  bool repaired = false;
  auto state = std::make_unique<State>();
  state->json = simdjson::padded_string(body);
  error_code error = state->parser.iterate(state->json).get(state->document);
  if (error == simdjson::UTF8_ERROR) {
    state->json = simdjson::padded_string(repair_utf8(body));
    error = state->parser.iterate(state->json).get(state->document);
    repaired = true;
  }
  if (error) {
    throw RpcError(ErrorCode::kParseError,
                   fmt::format("not JSON: {}", simdjson::error_message(error)));
  }
  ondemand::json_type type;
  if (auto e = state->document.type().get(type)) {
    throw RpcError(ErrorCode::kParseError, fmt::format("not JSON: {}", simdjson::error_message(e)));
  }
  if (type != ondemand::json_type::object) {
    throw RpcError(ErrorCode::kInvalidRequest, "a JSON-RPC message must be a JSON object");
  }
  IncomingMessage message(std::move(state));
  message.utf8_repaired_ = repaired;
  message.read_envelope();
  return message;
}

void IncomingMessage::read_envelope() {
  // The id first, so even a message with a bad envelope can be answered by id.
  ondemand::value id;
  const error_code id_error = state_->document.at_pointer("/id").get(id);
  if (id_error == simdjson::SUCCESS) {
    ondemand::json_type type;
    if (id.type().get(type) == simdjson::SUCCESS) {
      if (type == ondemand::json_type::number) {
        std::int64_t number = 0;
        if (id.get_int64().get(number) == simdjson::SUCCESS) {
          id_ = RequestId(number);
        } else {
          envelope_problem_ = "\"id\" must be an integer or a string";
        }
      } else if (type == ondemand::json_type::string) {
        std::string_view text;
        if (id.get_string().get(text) == simdjson::SUCCESS) id_ = RequestId(std::string(text));
      } else if (type != ondemand::json_type::null) {
        envelope_problem_ = "\"id\" must be an integer or a string";
      }
    }
  } else if (id_error != simdjson::NO_SUCH_FIELD) {
    throw RpcError(ErrorCode::kParseError,
                   fmt::format("not JSON: {}", simdjson::error_message(id_error)));
  }

  ondemand::value method;
  const error_code method_error = state_->document.at_pointer("/method").get(method);
  if (method_error == simdjson::SUCCESS) {
    std::string_view text;
    if (method.get_string().get(text) == simdjson::SUCCESS) {
      method_ = std::string(text);
      has_method_ = true;
    } else if (envelope_problem_.empty()) {
      envelope_problem_ = "\"method\" must be a string";
    }
  } else if (method_error != simdjson::NO_SUCH_FIELD) {
    throw RpcError(ErrorCode::kParseError,
                   fmt::format("not JSON: {}", simdjson::error_message(method_error)));
  }

  std::string_view version;
  ondemand::value jsonrpc;
  if (state_->document.at_pointer("/jsonrpc").get(jsonrpc) != simdjson::SUCCESS ||
      jsonrpc.get_string().get(version) != simdjson::SUCCESS || version != "2.0") {
    if (envelope_problem_.empty()) envelope_problem_ = "\"jsonrpc\" must be \"2.0\"";
  }
  if (envelope_problem_.empty() && !has_method_ && !id_) {
    envelope_problem_ = "neither a request, a notification nor a response";
  }
  if (envelope_problem_.empty() && !has_method_) {
    // A response: it must carry a result or an error.
    ondemand::value ignored;
    if (state_->document.at_pointer("/result").get(ignored) != simdjson::SUCCESS &&
        state_->document.at_pointer("/error").get(ignored) != simdjson::SUCCESS) {
      envelope_problem_ = "a response needs \"result\" or \"error\"";
    }
  }
}

std::optional<ondemand::value> IncomingMessage::at(std::string_view pointer) {
  ondemand::value value;
  const error_code error = state_->document.at_pointer(pointer).get(value);
  if (error == simdjson::NO_SUCH_FIELD || error == simdjson::INDEX_OUT_OF_BOUNDS) {
    return std::nullopt;
  }
  if (error == simdjson::INCORRECT_TYPE) throw_invalid_params(pointer, "an object on the way");
  if (error) {
    throw RpcError(ErrorCode::kInvalidParams,
                   fmt::format("{}: {}", pointer, simdjson::error_message(error)));
  }
  bool null = false;
  if (value.is_null().get(null) == simdjson::SUCCESS && null) return std::nullopt;
  return value;
}

std::optional<std::string> IncomingMessage::string_at(std::string_view pointer) {
  auto value = at(pointer);
  if (!value) return std::nullopt;
  std::string_view text;
  if (value->get_string().get(text)) throw_invalid_params(pointer, "a string");
  return std::string(text);
}

std::optional<std::int64_t> IncomingMessage::int_at(std::string_view pointer) {
  auto value = at(pointer);
  if (!value) return std::nullopt;
  std::int64_t number = 0;
  if (value->get_int64().get(number)) throw_invalid_params(pointer, "an integer");
  return number;
}

std::optional<bool> IncomingMessage::bool_at(std::string_view pointer) {
  auto value = at(pointer);
  if (!value) return std::nullopt;
  bool flag = false;
  if (value->get_bool().get(flag)) throw_invalid_params(pointer, "a boolean");
  return flag;
}

std::string IncomingMessage::required_string(std::string_view pointer) {
  auto text = string_at(pointer);
  if (!text) throw_invalid_params(pointer, "a string");
  return std::move(*text);
}

std::int64_t IncomingMessage::required_int(std::string_view pointer) {
  auto number = int_at(pointer);
  if (!number) throw_invalid_params(pointer, "an integer");
  return *number;
}

}  // namespace chunkls::protocol
