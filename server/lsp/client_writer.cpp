#include "server/lsp/client_writer.h"

#include <fmt/format.h>

#include <optional>
#include <utility>

#include "protocol/lsp_write.h"

namespace chunkls {

using protocol::IncomingMessage;
using protocol::RequestId;
using protocol::RpcError;

ClientWriter::ClientWriter(protocol::Transport& transport, Post post,
                           std::shared_ptr<spdlog::logger> log)
    : transport_(transport), post_(std::move(post)), log_(std::move(log)) {}

void ClientWriter::set_reader(std::thread::id reader) {
  reader_.store(reader);
}

void ClientWriter::send(std::string body) {
  if (std::this_thread::get_id() == reader_.load()) {
    send_later(std::move(body));  // the reader must never wait for the client to read
  } else {
    transport_.write(body);
  }
}

void ClientWriter::send_later(std::string body) {
  post_([this, body = std::move(body)] { transport_.write(body); });
}

// The workspace side's messages come from the indexer's threads (progress) and the
// reader: neither may wait for a client that does not read. An indexer thread blocked on
// a full pipe would block whoever joins it: shutdown and a settings change on the reader
// (which then never reads `exit`), the end of run() before the writes' grace starts.
void ClientWriter::notify(std::string_view method, std::string_view params_json) {
  send_later(protocol::notification_body(method, params_json));
}

void ClientWriter::request(std::string_view method, std::string_view params_json,
                           std::function<void(const ClientResponse&)> on_response) {
  std::optional<RequestId> id;
  {
    const std::lock_guard lock(mutex_);
    id.emplace(fmt::format("chunkls-{}", next_outgoing_++));
    outgoing_.emplace(*id, std::move(on_response));
  }
  send_later(protocol::request_body(*id, method, params_json));
}

void ClientWriter::handle_response(const IncomingMessage& message) {
  const std::string id = message.id()->to_string();
  std::function<void(const ClientResponse&)> callback;
  {
    const std::lock_guard lock(mutex_);
    const auto it = outgoing_.find(*message.id());
    if (it == outgoing_.end()) {
      log_->debug("response from the client to {} ignored (not ours)", id);
      return;
    }
    callback = std::move(it->second);
    outgoing_.erase(it);
  }
  ClientResponse response;
  std::optional<std::string> error;
  try {
    error = message.string_at("/error/message");
    response.ok = !message.at("/error");
  } catch (const RpcError& e) {
    response.ok = false;
    error = e.what();
  }
  if (!response.ok) {
    response.error = error.value_or("an error without a message");
    log_->info("the client answered {} with an error: {}", id, response.error);
  }
  callback(response);
}

}  // namespace chunkls
