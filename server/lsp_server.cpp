#include "server/lsp_server.h"

#include <fmt/format.h>

#include <asio/post.hpp>
#include <filesystem>

#include "engine/source_file.h"
#include "protocol/json_writer.h"
#include "protocol/lsp_read.h"
#include "protocol/lsp_write.h"
#include "protocol/uri.h"
#include "server/version.h"

namespace chunkls {

using protocol::ErrorCode;
using protocol::IncomingMessage;
using protocol::MessageType;
using protocol::RequestId;
using protocol::RpcError;

LspServer::LspServer(protocol::Transport& transport, const LanguageRegistry& languages,
                     ServerOptions options, std::shared_ptr<spdlog::logger> log)
    : transport_(transport),
      languages_(languages),
      options_(options),
      log_(std::move(log)),
      pool_(std::max(1u, options.worker_threads)) {}

LspServer::~LspServer() {
  pool_.join();
}

Deadline LspServer::deadline() const {
  return Deadline::after(options_.time_limit);
}

int LspServer::run() {
  while (state_ != State::kExited) {
    std::optional<protocol::Frame> frame = transport_.read();
    if (!frame) {
      log_->info("input closed");
      break;
    }
    if (!frame->ok()) {
      // No id to answer: log it and keep reading (the decoder has re-synchronised).
      log_->warn("malformed message frame: {}", frame->problem);
      continue;
    }
    handle_body(std::move(frame->body));
  }
  // Answers for everything already queued still go out before we return.
  pool_.join();
  return shutdown_requested_ ? 0 : 1;
}

void LspServer::handle_body(std::string body) {
  std::optional<IncomingMessage> parsed;
  try {
    parsed.emplace(IncomingMessage::parse(std::move(body)));
  } catch (const RpcError& e) {
    log_->warn("unreadable message: {}", e.what());
    reply_error(std::nullopt, e.code(), e.what());
    return;
  }
  IncomingMessage& message = *parsed;
  if (!message.envelope_problem().empty()) {
    log_->warn("invalid JSON-RPC message: {}", message.envelope_problem());
    if (!message.is_response())
      reply_error(message.id(), ErrorCode::kInvalidRequest, message.envelope_problem());
    return;
  }
  if (!message.repairs().empty()) {
    tell_user(MessageType::kWarning,
              fmt::format("chunkls: a '{}' message held {}; they were replaced with U+FFFD",
                          message.method(), message.repairs()));
  }
  if (message.is_response()) {
    log_->debug("response from the client to {} ignored", message.id()->to_string());
    return;
  }
  if (message.is_request()) {
    try {
      handle_request(message);
    } catch (const RpcError& e) {
      log_->warn("{} {}: {}", message.method(), message.id()->to_string(), e.what());
      reply_error(message.id(), e.code(), e.what());
    } catch (const std::exception& e) {
      log_->error("{} {}: {}", message.method(), message.id()->to_string(), e.what());
      reply_error(message.id(), ErrorCode::kInternalError, e.what());
    }
    return;
  }
  try {
    handle_notification(message);
  } catch (const std::exception& e) {
    // Notifications have no answer: the log is where a bad one goes.
    log_->warn("{} notification ignored: {}", message.method(), e.what());
  }
}

void LspServer::handle_request(IncomingMessage& message) {
  const RequestId& id = *message.id();
  const std::string& method = message.method();
  log_->debug("request {} {}", method, id.to_string());
  if (state_ == State::kUninitialized && method != "initialize") {
    throw RpcError(ErrorCode::kServerNotInitialized,
                   fmt::format("'{}' before 'initialize'", method));
  }
  if (state_ == State::kShutDown) {
    throw RpcError(ErrorCode::kInvalidRequest,
                   fmt::format("'{}' after 'shutdown': the server only accepts 'exit'", method));
  }
  if (method == "initialize") {
    if (state_ != State::kUninitialized) {
      throw RpcError(ErrorCode::kInvalidRequest, "'initialize' may be sent only once");
    }
    reply(id, initialize(message));
    state_ = State::kInitialized;
  } else if (method == "shutdown") {
    shutdown_requested_ = true;
    state_ = State::kShutDown;
    reply(id, "null");
  } else if (method == "textDocument/documentSymbol") {
    const ViewOptions views = views_;
    schedule(id, protocol::read_document_uri(message), true,
             [views, this](Document& document, const std::string& uri) {
               return document_symbols_json(document, uri, views, deadline());
             });
  } else if (method == "textDocument/foldingRange") {
    const ViewOptions views = views_;
    schedule(id, protocol::read_document_uri(message), true,
             [views, this](Document& document, const std::string&) {
               return folding_ranges_json(document, views, deadline());
             });
  } else if (method == "textDocument/selectionRange") {
    protocol::SelectionRangeParams params = protocol::read_selection_range(message);
    const ViewOptions views = views_;
    schedule(id, params.uri, false,
             [views, this, positions = std::move(params.positions)](Document& document,
                                                                    const std::string&) {
               return selection_ranges_json(document, positions, views, deadline());
             });
  } else {
    throw RpcError(ErrorCode::kMethodNotFound, fmt::format("unknown method '{}'", method));
  }
}

std::string LspServer::initialize(IncomingMessage& message) {
  const protocol::InitializeParams params = protocol::read_initialize(message);
  const protocol::PositionEncoding encoding =
      protocol::negotiate_position_encoding(params.capabilities);
  views_.encoding = encoding;
  views_.hierarchical_symbols = params.capabilities.hierarchical_document_symbols;
  views_.folding = FoldingOptions::from(params.capabilities);
  log_->info("initialize from '{}': position encoding {}, {} symbols", params.client_name,
             protocol::to_string(encoding), views_.hierarchical_symbols ? "hierarchical" : "flat");

  protocol::JsonWriter out;
  out.begin_object();
  out.key("capabilities").begin_object();
  out.key("positionEncoding").value(protocol::to_string(encoding));
  out.key("textDocumentSync").begin_object();
  out.key("openClose").value(true);
  out.key("change").value(2);  // incremental
  out.key("save").begin_object().key("includeText").value(false).end_object();
  out.end_object();
  out.key("documentSymbolProvider").value(true);
  out.key("foldingRangeProvider").value(true);
  out.key("selectionRangeProvider").value(true);
  out.end_object();
  out.key("serverInfo").begin_object();
  out.key("name").value("chunkls");
  out.key("version").value(kVersion);
  out.end_object();
  out.end_object();
  return out.take();
}

void LspServer::handle_notification(IncomingMessage& message) {
  const std::string& method = message.method();
  log_->debug("notification {}", method);
  if (method == "exit") {
    state_ = State::kExited;
    return;
  }
  if (state_ == State::kUninitialized) {
    log_->warn("'{}' before 'initialize' ignored", method);
    return;
  }
  if (state_ == State::kShutDown) {
    log_->warn("'{}' after 'shutdown' ignored", method);
    return;
  }
  if (method == "textDocument/didOpen") {
    did_open(protocol::read_did_open(message));
  } else if (method == "textDocument/didChange") {
    did_change(protocol::read_did_change(message));
  } else if (method == "textDocument/didClose") {
    did_close(protocol::read_document_uri(message));
  } else if (method == "$/cancelRequest") {
    const RequestId id = protocol::read_cancel_id(message);
    if (!cancellations_.cancel(id)) log_->debug("cancel for {}: already answered", id.to_string());
  } else if (method == "initialized" || method == "textDocument/didSave") {
    // Nothing to do: we have no registrations to make and edits come through didChange.
  } else {
    log_->debug("notification '{}' ignored", method);
  }
}

void LspServer::did_open(protocol::TextDocumentItem item) {
  auto& slot = documents_[item.uri];
  if (slot) {
    log_->warn("didOpen of an open document {}: replacing its text", item.uri);
  } else {
    slot = std::make_shared<OpenDocument>(item.uri, asio::make_strand(pool_.get_executor()));
  }
  slot->posted.fetch_add(1);
  asio::post(slot->strand, [this, slot, item = std::move(item)]() mutable {
    open_on_strand(*slot, std::move(item));
  });
}

void LspServer::open_on_strand(OpenDocument& slot, protocol::TextDocumentItem item) {
  slot.closed = false;
  slot.version = item.version;
  slot.document.reset();
  slot.unavailable_reason.clear();
  const std::string path = protocol::file_path_from_uri(item.uri).value_or(item.uri);
  const Language* language =
      languages_.detect({.language_id = item.language_id, .path = path, .content = item.text});
  if (!language) {
    slot.unavailable_reason = fmt::format("no grammar for languageId '{}'", item.language_id);
    tell_user(MessageType::kInfo, fmt::format("chunkls: {} ({}): no symbols or folds for it",
                                              slot.unavailable_reason, item.uri));
    return;
  }
  try {
    slot.document = std::make_unique<Document>(*language, std::move(item.text), path);
    slot.document->reparse(deadline());
    log_->debug("opened {} as {} ({} bytes)", slot.uri, language->name(),
                slot.document->text().size());
  } catch (const std::exception& e) {
    slot.unavailable_reason = e.what();
    tell_user(MessageType::kWarning,
              fmt::format("chunkls: cannot parse {}: {}", slot.uri, e.what()));
  }
}

void LspServer::did_change(protocol::DidChangeParams params) {
  const auto it = documents_.find(params.uri);
  if (it == documents_.end()) {
    log_->warn("didChange for {}, which is not open: ignored", params.uri);
    return;
  }
  const std::shared_ptr<OpenDocument> slot = it->second;
  slot->posted.fetch_add(1);
  asio::post(slot->strand, [this, slot, params = std::move(params)]() mutable {
    change_on_strand(*slot, std::move(params));
  });
}

void LspServer::change_on_strand(OpenDocument& slot, protocol::DidChangeParams params) {
  if (params.version <= slot.version) {
    log_->warn("didChange for {} with version {} not after {}: ignored", slot.uri, params.version,
               slot.version);
    return;
  }
  slot.version = params.version;
  if (!slot.document) return;  // nothing we serve; see unavailable_reason
  Document& document = *slot.document;
  const Deadline limit = deadline();
  try {
    for (protocol::ContentChange& change : params.changes) {
      if (!change.range) {
        document.replace(std::move(change.text));
        continue;
      }
      // Each change applies to the text the previous one produced: convert its range
      // against the document as it is now.
      const PositionMapper positions(document.text(), document.lines(), views_.encoding);
      std::uint32_t start = positions.byte(change.range->start);
      std::uint32_t end = positions.byte(change.range->end);
      if (end < start) {
        log_->warn("didChange for {}: range end before its start; applied as [end, start)",
                   slot.uri);
        std::swap(start, end);
      }
      document.edit({start, end, std::move(change.text)});
    }
    document.reparse(limit);
  } catch (const DeadlineExceeded& e) {
    // The edits are applied; the next request reparses.
    log_->warn("{}: {}", slot.uri, e.what());
  }
}

void LspServer::did_close(const std::string& uri) {
  const auto it = documents_.find(uri);
  if (it == documents_.end()) {
    log_->warn("didClose for {}, which is not open: ignored", uri);
    return;
  }
  const std::shared_ptr<OpenDocument> slot = it->second;
  documents_.erase(it);
  slot->posted.fetch_add(1);
  asio::post(slot->strand, [slot] {
    slot->closed = true;
    slot->document.reset();
  });
}

void LspServer::schedule(const RequestId& id, const std::string& uri, bool follow_latest,
                         DocumentQuery query) {
  CancellationToken token = cancellations_.add(id);
  const auto it = documents_.find(uri);
  if (it == documents_.end()) {
    asio::post(pool_, [this, id, token, uri, query = std::move(query)] {
      run_on_disk(id, token, uri, query);
    });
    return;
  }
  std::shared_ptr<OpenDocument> slot = it->second;
  const std::uint64_t seen = slot->posted.load();
  asio::post(slot->strand, [this, slot, id, token, seen, follow_latest,
                            query = std::move(query)]() mutable {
    run_on_open(std::move(slot), id, std::move(token), seen, 0, follow_latest, std::move(query));
  });
}

void LspServer::run_on_open(std::shared_ptr<OpenDocument> slot, RequestId id,
                            CancellationToken token, std::uint64_t seen, int deferrals,
                            bool follow_latest, DocumentQuery query) {
  if (cancelled(token)) {
    answer(id, token, {});
    return;
  }
  const std::uint64_t now = slot->posted.load();
  if (follow_latest && now != seen && deferrals < kMaxDeferrals) {
    // Newer edits are queued behind us: answer once, for the text after them.
    Strand strand = slot->strand;
    asio::post(strand, [this, slot = std::move(slot), id = std::move(id), token = std::move(token),
                        now, deferrals, follow_latest, query = std::move(query)]() mutable {
      run_on_open(std::move(slot), std::move(id), std::move(token), now, deferrals + 1,
                  follow_latest, std::move(query));
    });
    return;
  }
  answer(id, token, [&]() -> std::string {
    if (slot->closed) {
      throw RpcError(ErrorCode::kContentModified,
                     fmt::format("{} was closed before the request ran", slot->uri));
    }
    if (!slot->document) {
      // A language we have no grammar for: nothing to show, which is not an error.
      if (slot->unavailable_reason.starts_with("no grammar")) return "[]";
      throw RpcError(ErrorCode::kRequestFailed,
                     fmt::format("{} is not available: {}", slot->uri, slot->unavailable_reason));
    }
    return query(*slot->document, slot->uri);
  });
}

void LspServer::run_on_disk(const RequestId& id, const CancellationToken& token,
                            const std::string& uri, const DocumentQuery& query) {
  answer(id, token, [&]() -> std::string {
    const std::optional<std::string> path = protocol::file_path_from_uri(uri);
    if (!path) {
      throw RpcError(ErrorCode::kInvalidParams,
                     fmt::format("{} is not open and is not a local file:// URI", uri));
    }
    SourceRead source = read_source(*path, options_.max_file_bytes);
    if (!source) {
      throw RpcError(ErrorCode::kInvalidParams,
                     fmt::format("{} is not open and cannot be read: {}", uri, source.reason));
    }
    const Language* language = languages_.detect({.path = *path, .content = source.bytes});
    if (!language) return "[]";
    Document document(*language, std::move(source.bytes), *path);
    return query(document, uri);
  });
}

void LspServer::answer(const RequestId& id, const CancellationToken& token,
                       const std::function<std::string()>& compute) {
  try {
    if (cancelled(token) || !compute) {
      throw RpcError(ErrorCode::kRequestCancelled, "cancelled by the client");
    }
    std::string result = compute();
    // The client may have cancelled while we computed; the answer is still correct,
    // and sending it costs less than sending the error.
    reply(id, result);
  } catch (const RpcError& e) {
    log_->debug("request {}: {}", id.to_string(), e.what());
    reply_error(id, e.code(), e.what());
  } catch (const DeadlineExceeded& e) {
    log_->warn("request {}: {}", id.to_string(), e.what());
    reply_error(id, ErrorCode::kRequestFailed, e.what());
  } catch (const std::exception& e) {
    log_->error("request {}: {}", id.to_string(), e.what());
    reply_error(id, ErrorCode::kInternalError, e.what());
  }
  cancellations_.remove(id);
}

void LspServer::reply(const RequestId& id, std::string_view result_json) {
  transport_.write(protocol::response_body(id, result_json));
}

void LspServer::reply_error(const std::optional<RequestId>& id, ErrorCode code,
                            std::string_view message) {
  transport_.write(protocol::error_body(id, code, message));
}

void LspServer::tell_user(MessageType type, const std::string& message) {
  switch (type) {
    case MessageType::kError:
      log_->error("{}", message);
      break;
    case MessageType::kWarning:
      log_->warn("{}", message);
      break;
    default:
      log_->info("{}", message);
      break;
  }
  transport_.write(
      protocol::notification_body("window/logMessage", protocol::message_params(type, message)));
}

}  // namespace chunkls
