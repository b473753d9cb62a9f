// LspServer: the language server's transport side: reads JSON-RPC messages from a
// Transport, keeps the LSP lifecycle (initialize, shutdown, exit), negotiates the
// position encoding and capabilities, and schedules document work on a pool of worker
// threads with one strand (serial queue) per document. What each request answers is
// document_views.h.
//
// Threads: run() is the reader; it parses and dispatches, and never waits for document
// work. Workers apply edits and answer requests in each document's arrival order;
// documents proceed in parallel. Answers are written from workers (the Transport
// serializes writes).
//
// Scheduling policy (ARCHITECTURE.md): didOpen/didChange/didClose and requests on one
// document run in the order they arrived, so a request sees every edit sent before it.
// documentSymbol and foldingRange follow the latest text: when edits to their document
// arrived after them, they move behind those edits (at most kMaxDeferrals times) and
// answer once for the newest version; if the document was closed meanwhile they answer
// -32801 (ContentModified). selectionRange answers for the text its positions refer
// to. $/cancelRequest makes a request that has not finished answer -32800.
//
// Owned by main; borrows the Transport and the LanguageRegistry, which outlive it.
#pragma once

#include <spdlog/logger.h>

#include <asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "engine/language_registry.h"
#include "protocol/incoming_message.h"
#include "protocol/lsp_types.h"
#include "protocol/transport.h"
#include "server/cancellation.h"
#include "server/document_views.h"
#include "server/open_document.h"

namespace chunkls {

struct ServerOptions {
  unsigned worker_threads = 2;
  // Parsing or chunking one document gives up after this long (tree-sitter's error
  // recovery is superlinear on huge invalid input); 0 means never.
  std::chrono::milliseconds time_limit{10000};
  // Files read from disk for requests on documents the client did not open.
  std::uint64_t max_file_bytes = 1024 * 1024;
};

class LspServer {
 public:
  static constexpr int kMaxDeferrals = 16;

  LspServer(protocol::Transport& transport, const LanguageRegistry& languages,
            ServerOptions options, std::shared_ptr<spdlog::logger> log);
  LspServer(const LspServer&) = delete;
  LspServer& operator=(const LspServer&) = delete;
  ~LspServer();

  // Serves until `exit` or the end of the input stream, waits for queued work, and
  // returns the process exit code: 0 after shutdown, 1 otherwise.
  int run();

 private:
  enum class State : std::uint8_t { kUninitialized, kInitialized, kShutDown, kExited };
  // Computes a request's result JSON from an open document; runs on its strand.
  using DocumentQuery = std::function<std::string(Document&, const std::string& uri)>;

  void handle_body(std::string body);
  void handle_request(protocol::IncomingMessage& message);
  void handle_notification(protocol::IncomingMessage& message);
  std::string initialize(protocol::IncomingMessage& message);

  void did_open(protocol::TextDocumentItem item);
  void did_change(protocol::DidChangeParams params);
  void did_close(const std::string& uri);
  void schedule(const protocol::RequestId& id, const std::string& uri, bool follow_latest,
                DocumentQuery query);
  void run_on_open(std::shared_ptr<OpenDocument> slot, protocol::RequestId id,
                   CancellationToken token, std::uint64_t seen, int deferrals, bool follow_latest,
                   DocumentQuery query);
  void run_on_disk(const protocol::RequestId& id, const CancellationToken& token,
                   const std::string& uri, const DocumentQuery& query);
  void answer(const protocol::RequestId& id, const CancellationToken& token,
              const std::function<std::string()>& compute);

  void open_on_strand(OpenDocument& slot, protocol::TextDocumentItem item);
  void change_on_strand(OpenDocument& slot, protocol::DidChangeParams params);

  void reply(const protocol::RequestId& id, std::string_view result_json);
  void reply_error(const std::optional<protocol::RequestId>& id, protocol::ErrorCode code,
                   std::string_view message);
  // A problem the user should see: window/logMessage and the log file.
  void tell_user(protocol::MessageType type, const std::string& message);
  Deadline deadline() const;

  protocol::Transport& transport_;
  const LanguageRegistry& languages_;
  ServerOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  asio::thread_pool pool_;
  CancellationRegistry cancellations_;

  // Reader-only; written by initialize before any work is posted, then only read.
  State state_ = State::kUninitialized;
  bool shutdown_requested_ = false;
  ViewOptions views_;
  std::unordered_map<std::string, std::shared_ptr<OpenDocument>> documents_;
};

}  // namespace chunkls
