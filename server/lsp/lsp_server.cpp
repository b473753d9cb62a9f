#include "server/lsp/lsp_server.h"

#include <fmt/format.h>

#include <string_view>
#include <thread>

#include "engine/metrics/process_memory.h"
#include "protocol/json_writer.h"
#include "protocol/lsp_read.h"
#include "protocol/lsp_write.h"
#include "protocol/uri.h"
#include "server/scheduling/task_boundary.h"
#include "server/stats/stats_report.h"
#include "server/tracing/chrome_trace.h"
#include "server/version.h"
#include "server/views/workspace_symbol_view.h"

namespace chunkls {

using protocol::ErrorCode;
using protocol::IncomingMessage;
using protocol::MessageType;
using protocol::RequestId;
using protocol::RpcError;

LspServer::LspServer(protocol::Transport& transport, const LanguageRegistry& languages,
                     const ServerOptions& options, std::shared_ptr<spdlog::logger> log)
    : transport_(transport),
      options_(options),
      log_(std::move(log)),
      writer_(
          transport, [this](std::function<void()> task) { scheduler_.post(std::move(task)); },
          log_),
      scheduler_(languages, *this, options.scheduling, monitor_, log_),
      workspace_(languages, scheduler_.chunkers(), monitor_, writer_, log_, options.workspace) {
  monitor_.set_trace(options.trace);
  views_.monitor = &monitor_;
  register_methods();
}

LspServer::~LspServer() = default;

template <typename Params, typename Arg>
void LspServer::on_request(std::string method, Params (*read)(const IncomingMessage&),
                           void (LspServer::*handle)(const RequestId&, Arg)) {
  requests_.emplace(std::move(method),
                    [this, read, handle](const RequestId& id, IncomingMessage& message) {
                      (this->*handle)(id, read(message));
                    });
}

template <typename Params, typename Arg>
void LspServer::on_notification(std::string method, Params (*read)(const IncomingMessage&),
                                void (LspServer::*handle)(Arg), Carries carries) {
  notifications_.emplace(std::move(method),
                         NotificationHandler{[this, read, handle](IncomingMessage& message) {
                                               (this->*handle)(read(message));
                                             },
                                             carries == Carries::kText});
}

void LspServer::register_methods() {
  on_request("initialize", &protocol::read_initialize, &LspServer::initialize);
  on_request("shutdown", &LspServer::no_params, &LspServer::shutdown);
  on_request("textDocument/documentSymbol", &protocol::read_document_uri,
             &LspServer::document_symbol);
  on_request("textDocument/foldingRange", &protocol::read_document_uri, &LspServer::folding_range);
  on_request("textDocument/selectionRange", &protocol::read_selection_range,
             &LspServer::selection_range);
  on_notification("initialized", &LspServer::no_params, &LspServer::initialized);
  on_request("workspace/symbol", &protocol::read_workspace_symbol_query,
             &LspServer::workspace_symbol);
  on_request("chunkls/reindex", &LspServer::no_params, &LspServer::reindex);
  on_notification("workspace/didChangeWatchedFiles", &protocol::read_watched_files,
                  &LspServer::did_change_watched_files);
  on_notification("workspace/didChangeWorkspaceFolders", &protocol::read_workspace_folders_change,
                  &LspServer::did_change_workspace_folders);
  on_notification("window/workDoneProgress/cancel", &protocol::read_progress_token,
                  &LspServer::cancel_progress);
  on_notification("textDocument/didOpen", &protocol::read_did_open, &LspServer::did_open,
                  Carries::kText);
  on_notification("textDocument/didChange", &protocol::read_did_change, &LspServer::did_change,
                  Carries::kText);
  on_notification("textDocument/didClose", &protocol::read_document_uri, &LspServer::did_close);
  // Edits come through didChange; a save tells the indexer the file on disk changed.
  on_notification("textDocument/didSave", &protocol::read_document_uri, &LspServer::did_save);
  on_notification("$/cancelRequest", &protocol::read_cancel_id, &LspServer::cancel_request);
  on_notification(
      "workspace/didChangeConfiguration",
      +[](const IncomingMessage& m) {
        return protocol::read_settings(m, "/params/settings/chunkls");
      },
      &LspServer::did_change_configuration);
  on_request("chunkls/stats", &LspServer::no_params, &LspServer::stats);
  if (options_.test_hooks) {
    on_request("chunkls/test/waitForCancel", &protocol::read_document_uri,
               &LspServer::wait_for_cancel);
    on_notification("chunkls/test/pause", &protocol::read_document_uri, &LspServer::pause_document);
    on_notification("chunkls/test/resume", &protocol::read_document_uri,
                    &LspServer::resume_document);
  }
}

int LspServer::run() {
  writer_.set_reader(std::this_thread::get_id());
  name_this_thread("chunkls-reader");
  while (state_ != State::kExited) {
    std::optional<protocol::Frame> frame = transport_.read();
    if (!frame) {
      if (const std::string gone = transport_.gone_reason(); !gone.empty()) {
        // SIGPIPE is ignored (main.cpp): a client that closed its end costs a failed write.
        log_->warn("the client closed the connection ({}): what is still queued is dropped", gone);
      } else {
        log_->info("input closed");
      }
      break;
    }
    if (!frame->ok()) {
      // No id to answer: log it and keep reading (the decoder has re-synchronised).
      log_->warn("malformed message frame: {}", frame->problem);
      continue;
    }
    // Nothing one message does may end the server (std::bad_alloc on a huge body, ...).
    if (const auto problem = run_guarded([&] { handle_body(std::move(frame->body)); })) {
      log_->error("a message could not be handled: {}", *problem);
    }
  }
  // Indexing stops first (within milliseconds; the stores commit what is queued).
  workspace_.stop();
  if (state_ == State::kExited) {
    // The client is done with us: drop what is queued, stop what runs, and do not let a
    // client that stopped reading keep the process alive.
    scheduler_.stop();
    transport_.stop(options_.exit_grace);
  } else {
    // End of input: answers to what was asked still go out to a client that reads.
    transport_.stop(options_.end_of_input_grace);
  }
  scheduler_.join();
  return shutdown_requested_ ? 0 : 1;
}

void LspServer::handle_body(std::string body) {
  if (log_->should_log(spdlog::level::trace)) {
    // What the client really sent (an editor's capabilities, a change's exact ranges),
    // capped: a didOpen may carry megabytes.
    constexpr std::size_t kLoggedBytes = std::size_t{64} * 1024;
    log_->trace("received {}{}", std::string_view(body).substr(0, kLoggedBytes),
                body.size() > kLoggedBytes ? fmt::format(" ... ({} bytes)", body.size()) : "");
  }
  std::optional<IncomingMessage> parsed;
  try {
    parsed.emplace(IncomingMessage::parse(std::move(body)));
  } catch (const RpcError& e) {
    log_->warn("unreadable message: {}", e.what());
    writer_.send(protocol::error_body(std::nullopt, e.code(), e.what()));
    return;
  }
  IncomingMessage& message = *parsed;
  if (!message.envelope_problem().empty()) {
    log_->warn("invalid JSON-RPC message: {}", message.envelope_problem());
    if (!message.is_response()) {
      writer_.send(protocol::error_body(message.id(), ErrorCode::kInvalidRequest,
                                        message.envelope_problem()));
    }
    return;
  }
  if (!message.repairs().empty()) {
    tell_user(MessageType::kWarning,
              fmt::format("chunkls: a '{}' message held {}; they were replaced with U+FFFD",
                          message.method(), message.repairs()),
              /*pop_up=*/false);
  }
  if (message.is_response()) {
    writer_.handle_response(message);
  } else if (message.is_request()) {
    dispatch_request(message);
  } else {
    dispatch_notification(message);
  }
}

void LspServer::dispatch_request(IncomingMessage& message) {
  const RequestId& id = *message.id();
  const std::string& method = message.method();
  log_->debug("request {} {}", method, id.to_string());
  try {
    if (state_ == State::kUninitialized && method != "initialize") {
      throw RpcError(ErrorCode::kServerNotInitialized,
                     fmt::format("'{}' before 'initialize'", method));
    }
    if (state_ == State::kShutDown) {
      throw RpcError(ErrorCode::kInvalidRequest,
                     fmt::format("'{}' after 'shutdown': the server only accepts 'exit'", method));
    }
    const auto handler = requests_.find(method);
    if (handler == requests_.end()) {
      throw RpcError(ErrorCode::kMethodNotFound, fmt::format("unknown method '{}'", method));
    }
    started(id, method);
    handler->second(id, message);
  } catch (const RpcError& e) {
    log_->warn("{} {}: {}", method, id.to_string(), e.what());
    reply_error(id, e.code(), e.what());
  } catch (const std::exception& e) {
    log_->error("{} {}: {}", method, id.to_string(), e.what());
    reply_error(id, ErrorCode::kInternalError, e.what());
  } catch (...) {
    log_->error("{} {}: an exception that is not a std::exception", method, id.to_string());
    reply_error(id, ErrorCode::kInternalError, "internal error");
  }
}

void LspServer::dispatch_notification(IncomingMessage& message) {
  const std::string& method = message.method();
  log_->debug("notification {}", method);
  if (method == "exit") {
    state_ = State::kExited;
    return;
  }
  if (state_ != State::kInitialized) {
    log_->warn("'{}' {} ignored", method,
               state_ == State::kUninitialized ? "before 'initialize'" : "after 'shutdown'");
    return;
  }
  const auto handler = notifications_.find(method);
  if (handler == notifications_.end()) {
    log_->debug("notification '{}' ignored", method);
    return;
  }
  try {
    handler->second.handle(message);
  } catch (const std::exception& e) {
    // Notifications have no answer: the log is where a bad one goes. A text change we
    // could not read leaves the document out of sync, which the user must hear about.
    log_->warn("{} notification ignored: {}", method, e.what());
    if (handler->second.carries_text) {
      std::optional<std::string> uri;
      try {
        uri = message.string_at("/params/textDocument/uri");
      } catch (const std::exception&) {
        // Without a uri there is no document to mark.
      }
      if (uri) scheduler_.refuse(*uri, fmt::format("a {} it could not read: {}", method, e.what()));
    }
  } catch (...) {
    log_->error("{} notification ignored: an exception that is not a std::exception", method);
  }
}

void LspServer::initialize(const RequestId& id, protocol::InitializeParams params) {
  if (state_ != State::kUninitialized) {
    throw RpcError(ErrorCode::kInvalidRequest, "'initialize' may be sent only once");
  }
  const protocol::PositionEncoding encoding =
      protocol::negotiate_position_encoding(params.capabilities);
  views_.encoding = encoding;
  views_.hierarchical_symbols = params.capabilities.hierarchical_document_symbols;
  views_.folding = FoldingOptions::from(params.capabilities);
  scheduler_.set_position_encoding(encoding);
  apply(params.settings);
  for (const protocol::WorkspaceFolder& folder : params.workspace_folders) {
    if (auto path = protocol::file_path_from_uri(folder.uri)) {
      folders_.push_back(*path);
    } else {
      log_->warn("workspace folder {} is not a local file:// URI: not indexed", folder.uri);
    }
  }
  if (params.root_uri) root_ = protocol::file_path_from_uri(*params.root_uri);
  confine_to_workspace();
  workspace_.set_client(params.capabilities.work_done_progress,
                        params.capabilities.watched_files_registration);
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
  out.key("workspaceSymbolProvider").value(true);
  out.key("workspace").begin_object();
  out.key("workspaceFolders").begin_object();
  out.key("supported").value(true);
  out.key("changeNotifications").value(true);
  out.end_object();
  out.end_object();
  out.end_object();
  out.key("serverInfo").begin_object();
  out.key("name").value("chunkls");
  out.key("version").value(kVersion);
  out.end_object();
  out.end_object();
  reply(id, out.take());
  state_ = State::kInitialized;
}

void LspServer::apply(const protocol::Settings& settings) {
  if (!settings.problems.empty()) {
    tell_user(MessageType::kWarning,
              fmt::format("chunkls: settings refused: {}", settings.problems), /*pop_up=*/true);
  }
  if (settings.parse_time_limit_ms) {
    scheduler_.set_time_limit(std::chrono::milliseconds(*settings.parse_time_limit_ms));
    log_->info("parse time limit: {} ms", *settings.parse_time_limit_ms);
  }
  WorkspaceOptions workspace = workspace_.options();
  if (settings.parse_time_limit_ms) {
    workspace.indexer.time_limit = std::chrono::milliseconds(*settings.parse_time_limit_ms);
  }
  if (settings.index_enabled) workspace.enabled = *settings.index_enabled;
  if (settings.index_exclude) workspace.indexer.walk.exclude_globs = *settings.index_exclude;
  if (settings.index_max_file_size) {
    workspace.indexer.walk.max_file_bytes =
        static_cast<std::uint64_t>(*settings.index_max_file_size);
  }
  if (settings.index_cache_directory) {
    workspace.in_memory = settings.index_cache_directory->empty();
    workspace.indexer.cache_directory = *settings.index_cache_directory;
  }
  if (settings.index_workers)
    workspace.indexer.workers = static_cast<unsigned>(*settings.index_workers);
  if (settings.workspace_symbol_limit) {
    workspace.symbol_limit = static_cast<std::size_t>(*settings.workspace_symbol_limit);
  }
  workspace_.configure(std::move(workspace));
  SourceCacheLimits limits = scheduler_.caches().limits();
  auto merge = [](const protocol::CacheLevelSettings& from, CacheLimits& into) {
    if (from.max_entries) into.max_entries = static_cast<std::uint64_t>(*from.max_entries);
    if (from.max_bytes) into.max_bytes = static_cast<std::uint64_t>(*from.max_bytes);
    if (from.ttl_seconds) into.ttl = std::chrono::seconds(*from.ttl_seconds);
  };
  merge(settings.trees_cache, limits.trees);
  merge(settings.chunks_cache, limits.chunks);
  merge(settings.files_cache, limits.files);
  merge(settings.constructs_cache, limits.constructs);
  if (limits != scheduler_.caches().limits()) {
    scheduler_.caches().set_limits(limits);
    log_->info("cache budgets: trees {} entries / {} bytes, chunks {} / {}, files {} / {}",
               limits.trees.max_entries, limits.trees.max_bytes, limits.chunks.max_entries,
               limits.chunks.max_bytes, limits.files.max_entries, limits.files.max_bytes);
  }
}

void LspServer::shutdown(const RequestId& id, NoParams) {
  shutdown_requested_ = true;
  state_ = State::kShutDown;
  workspace_.stop();
  reply(id, "null");
}

void LspServer::document_symbol(const RequestId& id, const std::string& uri) {
  scheduler_.request(
      id, uri,
      [views = views_](Document& document, const std::string& at, const Deadline& deadline) {
        return document_symbols_json(document, at, views, deadline);
      });
}

void LspServer::folding_range(const RequestId& id, const std::string& uri) {
  scheduler_.request(
      id, uri, [views = views_](Document& document, const std::string&, const Deadline& deadline) {
        return folding_ranges_json(document, views, deadline);
      });
}

void LspServer::selection_range(const RequestId& id, protocol::SelectionRangeParams params) {
  scheduler_.request(id, params.uri,
                     [views = views_, positions = std::move(params.positions)](
                         Document& document, const std::string&, const Deadline& deadline) {
                       return selection_ranges_json(document, positions, views, deadline);
                     });
}

void LspServer::wait_for_cancel(const RequestId& id, const std::string& uri) {
  // Work that ends only when its deadline does: by cancellation, the time limit or exit.
  scheduler_.request(id, uri,
                     [](Document&, const std::string&, const Deadline& deadline) -> std::string {
                       while (!deadline.expired())
                         std::this_thread::sleep_for(std::chrono::milliseconds(1));
                       deadline.give_up("waiting for a cancellation (test hook)");
                     });
}

void LspServer::did_open(protocol::TextDocumentItem item) {
  if (auto path = protocol::file_path_from_uri(item.uri)) workspace_.document_opened(*path);
  scheduler_.open(std::move(item));
}

void LspServer::did_change(protocol::DidChangeParams params) {
  if (auto path = protocol::file_path_from_uri(params.uri)) workspace_.document_edited(*path);
  scheduler_.change(std::move(params));
}

void LspServer::did_close(const std::string& uri) {
  if (auto path = protocol::file_path_from_uri(uri)) workspace_.document_closed(*path);
  scheduler_.close(uri);
}

void LspServer::did_save(const std::string& uri) {
  if (auto path = protocol::file_path_from_uri(uri)) workspace_.document_saved(*path);
}

void LspServer::initialized(NoParams) {
  workspace_.start(folders_, root_);
}

void LspServer::did_change_watched_files(const std::vector<protocol::FileEvent>& events) {
  for (const protocol::FileEvent& event : events) {
    const std::optional<std::string> path = protocol::file_path_from_uri(event.uri);
    if (!path) continue;
    if (event.type == protocol::FileChangeType::kDeleted) {
      workspace_.file_deleted(*path);
    } else {
      workspace_.file_created_or_changed(*path);
    }
  }
}

void LspServer::did_change_workspace_folders(const protocol::WorkspaceFoldersChange& change) {
  for (const protocol::WorkspaceFolder& folder : change.removed) {
    if (auto path = protocol::file_path_from_uri(folder.uri)) {
      std::erase(folders_, *path);
      workspace_.remove_folder(*path);
    }
  }
  for (const protocol::WorkspaceFolder& folder : change.added) {
    if (auto path = protocol::file_path_from_uri(folder.uri)) {
      folders_.push_back(*path);
      workspace_.add_folder(*path);
    }
  }
  confine_to_workspace();
}

// Files read from disk for requests on unopened documents: only inside the workspace
// folders (else the root) the client named. A client that named none gets any local
// file, as before it said where its workspace is.
void LspServer::confine_to_workspace() {
  std::vector<std::string> roots = folders_;
  if (roots.empty() && root_) roots.push_back(*root_);
  scheduler_.set_workspace_roots(roots);
}

void LspServer::cancel_progress(const std::string& token) {
  workspace_.cancel_progress(token);
}

void LspServer::workspace_symbol(const RequestId& id, std::string query) {
  // Off the reader: a search over a large index takes milliseconds.
  scheduler_.post([this, id, query = std::move(query), encoding = views_.encoding] {
    try {
      const std::vector<SymbolMatch> matches = workspace_.search(query);
      std::string result;
      {
        const ScopedTimer timed(&monitor_, Stage::kSerialize, "workspace/symbol");
        result = workspace_symbols_json(matches, encoding);
      }
      reply(id, result);
    } catch (const std::exception& e) {
      reply_error(id, ErrorCode::kInternalError, e.what());
    }
  });
}

void LspServer::reindex(const RequestId& id, NoParams) {
  workspace_.reindex();
  reply(id, "null");
}

void LspServer::cancel_request(const RequestId& id) {
  if (!scheduler_.cancel(id)) log_->debug("cancel for {}: already answered", id.to_string());
}

void LspServer::did_change_configuration(const protocol::Settings& settings) {
  apply(settings);
}

void LspServer::pause_document(const std::string& uri) {
  scheduler_.pause(uri);
}

void LspServer::resume_document(const std::string& uri) {
  scheduler_.resume(uri);
}

// Counted before the answer goes out: a client that asks chunkls/stats as soon as it has
// the answer sees it counted.
void LspServer::reply(const RequestId& id, std::string_view result_json) {
  answered(id);
  writer_.send(protocol::response_body(id, result_json));
}

void LspServer::reply_error(const RequestId& id, ErrorCode code, std::string_view message) {
  answered(id);
  writer_.send(protocol::error_body(id, code, message));
}

void LspServer::started(const RequestId& id, const std::string& method) {
  const std::lock_guard lock(in_flight_mutex_);
  in_flight_.insert_or_assign(id, InFlight{method, monitor_.clock().now()});
}

void LspServer::answered(const RequestId& id) {
  InFlight request;
  {
    const std::lock_guard lock(in_flight_mutex_);
    const auto it = in_flight_.find(id);
    if (it == in_flight_.end()) return;  // refused before dispatch: not timed
    request = std::move(it->second);
    in_flight_.erase(it);
  }
  const auto took = monitor_.clock().now() - request.since;
  monitor_.record_request(request.method, took);
  if (TraceSink* trace = monitor_.trace()) {
    trace->complete(request.method, "request", request.since, took, id.to_string());
  }
}

ChunkerPool& LspServer::chunkers() {
  return scheduler_.chunkers();
}

void LspServer::stats(const RequestId& id, NoParams) {
  const OpenDocuments open = scheduler_.open_documents();
  StatsReport report{.monitor = monitor_.snapshot(),
                     .caches = scheduler_.caches().stats(),
                     .parsers = scheduler_.chunkers().stats(),
                     .memory = process_memory(),
                     .open_documents = open.count,
                     .open_document_bytes = open.text_bytes,
                     .index = workspace_.stats()};
  reply(id, stats_json(report));
}

void LspServer::tell_user(MessageType type, std::string_view message, bool pop_up) {
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
  writer_.send(protocol::notification_body(pop_up ? "window/showMessage" : "window/logMessage",
                                           protocol::message_params(type, message)));
}

}  // namespace chunkls
