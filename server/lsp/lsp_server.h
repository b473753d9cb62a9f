// LspServer: the language server's transport side (clangd's ClangdLSPServer): reads
// JSON-RPC messages from a Transport, keeps the LSP lifecycle (initialize, shutdown,
// exit), negotiates the position encoding and capabilities, reads each method's typed
// params through a table of handlers, and hands document work to the
// DocumentScheduler and workspace work (indexing, workspace/symbol) to the
// WorkspaceService. It is the scheduler's Responder (answers, messages for the user);
// everything goes to the client through its ClientWriter, which is also the workspace's
// ClientChannel (progress, requests to the client and their answers).
// What each request answers is views/.
//
// Threads: run() is the reader; it parses and dispatches, and never waits for document
// work. Workers answer through reply()/tell_user(); ClientWriter says who writes when.
//
// Ending: after `exit`, queued work is dropped and running work stops at its next
// deadline check; writes to a client that no longer reads give up after a grace period,
// so the process always ends. At end of input without `exit`, queued work still
// finishes and its answers go out.
//
// Owned by main; borrows the Transport and the LanguageRegistry, which outlive it.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "engine/metrics/monitor.h"
#include "engine/syntax/language_registry.h"
#include "protocol/incoming_message.h"
#include "protocol/lsp_types.h"
#include "protocol/transport.h"
#include "server/lsp/client_writer.h"
#include "server/scheduling/document_scheduler.h"
#include "server/scheduling/responder.h"
#include "server/views/document_views.h"
#include "server/workspace/workspace_service.h"

namespace chunkls {

struct ServerOptions {
  SchedulerOptions scheduling;
  // `--test-hooks`: the chunkls/test/* methods that make a document busy exactly as
  // long as a test wants (see DocumentScheduler::pause).
  bool test_hooks = false;
  // How long a final write may make no progress: after `exit`, and at end of input.
  std::chrono::milliseconds exit_grace{2000};
  std::chrono::milliseconds end_of_input_grace{10000};
  // `--trace FILE`: spans of requests, parses and chunk updates go there (null: none).
  // Outlives the server.
  TraceSink* trace = nullptr;
  // The workspace indexer and workspace/symbol (settings index.* change it later).
  WorkspaceOptions workspace;
};

class LspServer final : public Responder {
 public:
  LspServer(protocol::Transport& transport, const LanguageRegistry& languages,
            const ServerOptions& options, std::shared_ptr<spdlog::logger> log);
  LspServer(const LspServer&) = delete;
  LspServer& operator=(const LspServer&) = delete;
  ~LspServer() override;

  // The Chunkers the documents lease (main warms them up in the background). Safe from
  // any thread.
  ChunkerPool& chunkers();

  // Serves until `exit` or the end of the input stream, and returns the process exit
  // code: 0 after shutdown, 1 otherwise.
  int run();

  // Responder.
  void reply(const protocol::RequestId& id, std::string_view result_json) override;
  void reply_error(const protocol::RequestId& id, protocol::ErrorCode code,
                   std::string_view message) override;
  void tell_user(protocol::MessageType type, std::string_view message, bool pop_up) override;

 private:
  enum class State : std::uint8_t { kUninitialized, kInitialized, kShutDown, kExited };
  using RequestHandler =
      std::function<void(const protocol::RequestId&, protocol::IncomingMessage&)>;
  struct NotificationHandler {
    std::function<void(protocol::IncomingMessage&)> handle;
    // It carries a document's text (didOpen, didChange): when it cannot be read, the
    // document is out of sync.
    bool carries_text = false;
  };
  enum class Carries : std::uint8_t { kNoText, kText };

  // The method table: each entry reads its typed params, then calls a member with them
  // (by value when it keeps them, else by const reference).
  template <typename Params, typename Arg>
  void on_request(std::string method, Params (*read)(const protocol::IncomingMessage&),
                  void (LspServer::*handle)(const protocol::RequestId&, Arg));
  template <typename Params, typename Arg>
  void on_notification(std::string method, Params (*read)(const protocol::IncomingMessage&),
                       void (LspServer::*handle)(Arg), Carries carries = Carries::kNoText);
  void register_methods();

  void handle_body(std::string body);
  void dispatch_request(protocol::IncomingMessage& message);
  void dispatch_notification(protocol::IncomingMessage& message);

  // Requests.
  void initialize(const protocol::RequestId& id, protocol::InitializeParams params);
  struct NoParams {};
  static NoParams no_params(const protocol::IncomingMessage&) { return {}; }
  void shutdown(const protocol::RequestId& id, NoParams);
  void document_symbol(const protocol::RequestId& id, const std::string& uri);
  void folding_range(const protocol::RequestId& id, const std::string& uri);
  void selection_range(const protocol::RequestId& id, protocol::SelectionRangeParams params);
  void stats(const protocol::RequestId& id, NoParams);
  void workspace_symbol(const protocol::RequestId& id, std::string query);
  void reindex(const protocol::RequestId& id, NoParams);
  void wait_for_cancel(const protocol::RequestId& id, const std::string& uri);  // test hook
  // Notifications.
  void did_open(protocol::TextDocumentItem item);
  void did_change(protocol::DidChangeParams params);
  void did_close(const std::string& uri);
  void cancel_request(const protocol::RequestId& id);
  void did_change_configuration(const protocol::Settings& settings);
  void initialized(NoParams);
  void did_save(const std::string& uri);
  void did_change_watched_files(const std::vector<protocol::FileEvent>& events);
  void did_change_workspace_folders(const protocol::WorkspaceFoldersChange& change);
  void confine_to_workspace();
  void cancel_progress(const std::string& token);
  void nothing_to_do(NoParams) {}
  void pause_document(const std::string& uri);   // test hook
  void resume_document(const std::string& uri);  // test hook
  void apply(const protocol::Settings& settings);
  // Times a request from its arrival to its answer (Monitor::record_request, a trace span).
  void started(const protocol::RequestId& id, const std::string& method);
  void answered(const protocol::RequestId& id);

  protocol::Transport& transport_;
  ServerOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  Monitor monitor_;
  // What the scheduler's workers use is declared before it, so it outlives them: the
  // writer (answers), the requests in flight (timed when answered).
  // The writer posts the reader's writes to scheduler_, which it calls only once running.
  ClientWriter writer_;
  struct InFlight {
    std::string method;
    Clock::time_point since;
  };
  std::mutex in_flight_mutex_;                         // requests are answered from worker threads
  std::map<protocol::RequestId, InFlight> in_flight_;  // 1 and "1" are two ids
  DocumentScheduler scheduler_;
  std::unordered_map<std::string, RequestHandler> requests_;
  std::unordered_map<std::string, NotificationHandler> notifications_;

  // Reader-only; written by initialize before any document work is posted.
  State state_ = State::kUninitialized;
  bool shutdown_requested_ = false;
  ViewOptions views_;
  // Reader-only: what initialize said about the workspace, for `initialized`, and the
  // folders added and removed since.
  std::vector<std::string> folders_;
  std::optional<std::string> root_;
  // Declared last: destroyed first, so its threads stop before what they use goes.
  WorkspaceService workspace_;
};

}  // namespace chunkls
