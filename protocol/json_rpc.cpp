#include "protocol/json_rpc.h"

#include <fmt/format.h>

#include "protocol/json_writer.h"

namespace chunkls::protocol {

std::string RequestId::to_json() const {
  if (const auto* number = std::get_if<std::int64_t>(&value_)) return fmt::format("{}", *number);
  std::string out;
  append_json_string(out, std::get<std::string>(value_));
  return out;
}

std::string RequestId::to_string() const {
  if (const auto* number = std::get_if<std::int64_t>(&value_)) return fmt::format("{}", *number);
  return std::get<std::string>(value_);
}

std::string response_body(const RequestId& id, std::string_view result_json) {
  return fmt::format(R"({{"jsonrpc":"2.0","id":{},"result":{}}})", id.to_json(), result_json);
}

std::string error_body(const std::optional<RequestId>& id, ErrorCode code,
                       std::string_view message) {
  std::string quoted;
  append_json_string(quoted, message);
  return fmt::format(R"({{"jsonrpc":"2.0","id":{},"error":{{"code":{},"message":{}}}}})",
                     id ? id->to_json() : "null", static_cast<int>(code), quoted);
}

std::string notification_body(std::string_view method, std::string_view params_json) {
  std::string quoted;
  append_json_string(quoted, method);
  return fmt::format(R"({{"jsonrpc":"2.0","method":{},"params":{}}})", quoted, params_json);
}

std::string request_body(const RequestId& id, std::string_view method,
                         std::string_view params_json) {
  std::string quoted;
  append_json_string(quoted, method);
  return fmt::format(R"({{"jsonrpc":"2.0","id":{},"method":{},"params":{}}})", id.to_json(), quoted,
                     params_json);
}

}  // namespace chunkls::protocol
