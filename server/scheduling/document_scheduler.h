// DocumentScheduler: runs the work on documents (clangd's TUScheduler idea). One strand
// per open document orders its didOpen, didChange, didClose and requests; documents
// proceed in parallel on a pool of worker threads. It owns the documents, the time
// limit, the cancellation of requests and one boundary around every task: whatever a
// task throws is answered or told to the user, never lets the process die, and a change
// that cannot be applied leaves its document out of sync (requests answer -32803 until
// a change carries the whole text) rather than silently wrong.
//
// Text is never lost to slow parsing: changes apply to the text at once, parsing
// follows when no newer change is queued, and a parse that gives up (time limit,
// cancellation) is retried by the next request. Requests run under a Deadline that the
// time limit, their cancellation token and the scheduler's stop() all end.
//
// Threads: the public methods are for one thread, the server's reader (checked: any
// other thread gets std::logic_error). Results go to the Responder from worker threads.
// A document's state is reachable only on its strand (DocumentSlot::state()).
#pragma once

#include <spdlog/logger.h>

#include <asio/thread_pool.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine/cache/source_caches.h"
#include "engine/document/document.h"
#include "engine/metrics/monitor.h"
#include "engine/syntax/language_registry.h"
#include "protocol/lsp_types.h"
#include "server/scheduling/cancellation.h"
#include "server/scheduling/document_slot.h"
#include "server/scheduling/responder.h"

namespace chunkls {

struct SchedulerOptions {
  unsigned worker_threads = 2;  // at least 1
  // Parsing or chunking one document gives up after this long (tree-sitter's error
  // recovery is superlinear on huge invalid input); 0 means never.
  std::chrono::milliseconds time_limit{10000};
  // Files read from disk for requests on documents the client did not open.
  std::uint64_t max_file_bytes = std::uint64_t{1024} * 1024;
  DocumentLimits document_limits;
  SourceCacheLimits caches;
};

// The open documents, for chunkls/stats.
struct OpenDocuments {
  std::uint64_t count = 0;
  std::uint64_t text_bytes = 0;
};

class DocumentScheduler {
 public:
  // Computes a request's result JSON from a document, on its strand (or a worker, for a
  // file read from disk); throws protocol::RpcError for an error answer.
  using Query =
      std::function<std::string(Document&, const std::string& uri, const Deadline& deadline)>;
  // `monitor` times the documents' parses and chunkings; it outlives the scheduler.
  DocumentScheduler(const LanguageRegistry& languages, Responder& responder,
                    SchedulerOptions options, Monitor& monitor,
                    std::shared_ptr<spdlog::logger> log);
  DocumentScheduler(const DocumentScheduler&) = delete;
  DocumentScheduler& operator=(const DocumentScheduler&) = delete;
  // Stops and joins the workers.
  ~DocumentScheduler();

  // The encoding of the positions in didChange ranges; set at initialize, before any
  // document is opened.
  void set_position_encoding(protocol::PositionEncoding encoding);
  // Applies to work that starts from now on; 0 means no limit.
  void set_time_limit(std::chrono::milliseconds limit);
  std::chrono::milliseconds time_limit() const;

  // The workspace folders (or the root) the client named: a request on a document it
  // did not open reads the file from disk only when it resolves inside one of them
  // (links followed, checked on the opened file); none named: any local file. Applies
  // to requests made from now on.
  void set_workspace_roots(const std::vector<std::string>& roots);

  void open(protocol::TextDocumentItem item);
  void change(protocol::DidChangeParams params);
  void close(const std::string& uri);
  // A didOpen or didChange for `uri` that could not be read: the client's text is no
  // longer known, so the document is out of sync until a change carries the whole text.
  void refuse(const std::string& uri, const std::string& reason);

  // A request on `uri` answers for the text of the version the client had when it sent
  // it: on an open document it runs on the document's strand, after the changes sent
  // before it and before those sent after.
  void request(const protocol::RequestId& id, const std::string& uri, Query query);
  // $/cancelRequest: false when no such request is in flight.
  bool cancel(const protocol::RequestId& id);
  // Runs `task` on a worker, inside the task boundary, after the tasks posted before it;
  // dropped after stop(). The reader sends its own answers this way, so a client that
  // stops reading never blocks it.
  void post(std::function<void()> task);

  // The caches documents start from (reopened files, requests on unopened files) and
  // closed documents leave their chunks and trees in. Safe from any thread.
  SourceCaches& caches() { return caches_; }
  // The Chunkers documents lease for each parse and chunking. Safe from any thread.
  ChunkerPool& chunkers() { return chunkers_; }
  OpenDocuments open_documents() const {
    return {.count = open_count_.load(), .text_bytes = open_bytes_.load()};
  }

  // Test hooks (`chunkls --test-hooks`): make a document's queue busy for exactly as
  // long as a test wants. pause() queues a task that holds the strand (and one worker)
  // until resume() or stop(); what is posted meanwhile waits behind it.
  void pause(const std::string& uri);
  void resume(const std::string& uri);

  // The client said exit: queued tasks are dropped unanswered, running work stops at
  // its next deadline check, paused queues are released. Then join().
  void stop();
  // Waits until every task has run (or, after stop(), has been dropped).
  void join();

 private:
  struct Gate;  // a pause: a latch released by resume() or stop()

  void on_reader_thread();
  void name_workers();
  // stop()'s work, also done by the destructor on whatever thread destroys us.
  void halt();
  bool stopping() const { return stopping_->load(); }
  Deadline deadline_for(const CancellationToken& token) const;
  std::shared_ptr<DocumentSlot> slot_for(const std::string& uri);
  // Posts a sync task, numbering it: the task reparses only when it is the newest.
  void post_sync(const std::shared_ptr<DocumentSlot>& slot,
                 std::function<void(DocumentSlot&, std::uint64_t sequence)> task);
  // The boundary every task runs in: nothing escapes to the pool; `failed` hears what
  // was thrown (and is itself guarded).
  void guarded(const char* what, const std::string& uri, const std::function<void()>& task,
               const std::function<void(const std::string&)>& failed) noexcept;

  // Strand side.
  void open_on_strand(DocumentSlot& slot, protocol::TextDocumentItem& item, std::uint64_t sequence);
  void change_on_strand(DocumentSlot& slot, protocol::DidChangeParams& params,
                        std::uint64_t sequence);
  // Makes a Document of a whole text (didOpen, or a full-text change that resyncs),
  // from the caches when they hold its chunks.
  void adopt_text(DocumentSlot& slot, std::string text);
  // Leaves a document's chunks and tree in the caches and drops it.
  void retire(SlotState& state);
  // Keeps open_bytes_ equal to the sum of the open documents' texts.
  void account(SlotState& state);
  void mark_out_of_sync(DocumentSlot& slot, const std::string& reason);
  void parse_if_newest(DocumentSlot& slot, std::uint64_t sequence);
  void run_on_open(DocumentSlot& slot, const protocol::RequestId& id,
                   const CancellationToken& token, const Query& query);
  // `roots`: resolved directories the file must lie in (none: anywhere).
  void run_on_disk(const protocol::RequestId& id, const CancellationToken& token,
                   const std::string& uri, const std::vector<std::string>& roots,
                   const Query& query);
  // Runs `compute` and sends its result or the error it throws; forgets the token.
  void answer(const protocol::RequestId& id, const CancellationToken& token,
              const std::function<std::string()>& compute);
  void tell_omission(DocumentSlot& slot);

  const LanguageRegistry& languages_;
  Responder& responder_;
  SchedulerOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  std::atomic<std::int64_t> time_limit_ms_;
  std::atomic<protocol::PositionEncoding> encoding_{protocol::PositionEncoding::kUtf16};
  Monitor& monitor_;
  SourceCaches caches_;
  ChunkerPool chunkers_;
  std::atomic<std::uint64_t> open_count_{0};
  std::atomic<std::uint64_t> open_bytes_{0};
  const std::shared_ptr<std::atomic<bool>> stopping_ = std::make_shared<std::atomic<bool>>(false);
  CancellationRegistry cancellations_;
  asio::thread_pool pool_;
  Strand posted_;  // post()'s queue, in order

  // Reader-only (see on_reader_thread()).
  std::optional<std::thread::id> reader_;
  std::unordered_map<std::string, std::shared_ptr<DocumentSlot>> documents_;
  std::unordered_map<std::string, std::shared_ptr<Gate>> gates_;
  // The workspace roots, resolved; each request on an unopened file takes the list as
  // it is when the request arrives.
  std::shared_ptr<const std::vector<std::string>> roots_ =
      std::make_shared<const std::vector<std::string>>();
};

}  // namespace chunkls
