#include "bench/lsp_latency/lsp_client.h"

#include <stdexcept>

namespace chunkls::bench {
namespace {

using nlohmann::json;

// How long one write may block on a server that does not read.
constexpr auto kWriteTimeout = std::chrono::seconds(60);

}  // namespace

LspClient::LspClient(const std::string& command_line, const std::string& stderr_path)
    : connection_(command_line, stderr_path) {}

int LspClient::request(const std::string& method, json params) {
  const int id = next_id_++;
  json message{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);  // "shutdown" has none
  connection_.send(message, Clock::now() + kWriteTimeout);
  return id;
}

void LspClient::notify(const std::string& method, json params) {
  json message{{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) message["params"] = std::move(params);  // "exit" has none
  connection_.send(message, Clock::now() + kWriteTimeout);
}

std::map<int, Response> LspClient::await(std::span<const int> ids, Clock::time_point deadline) {
  std::map<int, Response> out;
  for (;;) {
    for (const int id : ids) {
      if (auto it = pending_.find(id); it != pending_.end()) {
        out.emplace(id, std::move(it->second));
        pending_.erase(it);
      }
    }
    if (out.size() == ids.size()) return out;
    auto message = connection_.receive(deadline);
    if (!message) throw std::runtime_error("timed out waiting for the server's answer");
    handle(std::move(*message));
  }
}

void LspClient::drain(Clock::time_point until) {
  while (auto message = connection_.receive(until))
    handle(std::move(*message));
}

void LspClient::handle(ReceivedMessage received) {
  json& message = received.message;
  const bool has_id = message.contains("id") && !message["id"].is_null();
  if (message.contains("method")) {
    const std::string method = message["method"].get<std::string>();
    if (!has_id) {
      if (++notifications_[method] == 1 && message.contains("params") &&
          message["params"].dump().size() < 2048) {
        first_notifications_[method] = message["params"];
      }
      return;
    }
    ++server_requests_[method];
    json reply{{"jsonrpc", "2.0"}, {"id", message["id"]}};
    if (method == "workspace/configuration" || method == "window/workDoneProgress/create" ||
        method == "client/registerCapability" || method == "client/unregisterCapability" ||
        method == "window/showMessageRequest" || method == "workspace/workspaceFolders" ||
        method == "workspace/semanticTokens/refresh" || method == "workspace/inlayHint/refresh" ||
        method == "workspace/codeLens/refresh" || method == "workspace/diagnostic/refresh") {
      reply["result"] = answer_for(method, message.value("params", json::object()));
    } else {
      reply["error"] = {{"code", -32601}, {"message", "not supported by the benchmark client"}};
    }
    connection_.send(reply, Clock::now() + kWriteTimeout);
    return;
  }
  if (!has_id || !message["id"].is_number_integer()) {
    ++stray_responses_;
    return;
  }
  Response response;
  response.received = received.received;
  response.bytes = received.bytes;
  if (message.contains("error"))
    response.error = std::move(message["error"]);
  else
    response.result = std::move(message["result"]);
  pending_.insert_or_assign(message["id"].get<int>(), std::move(response));
}

json LspClient::answer_for(const std::string& method, const json& params) const {
  // workspace/configuration: one null per item asked ("use your defaults").
  if (method == "workspace/configuration") {
    json items = json::array();
    if (params.contains("items")) {
      for (std::size_t i = 0; i < params["items"].size(); ++i)
        items.push_back(nullptr);
    }
    return items;
  }
  if (method == "workspace/workspaceFolders") return workspace_folders_;
  return nullptr;
}

}  // namespace chunkls::bench
