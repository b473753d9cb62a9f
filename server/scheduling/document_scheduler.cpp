#include "server/scheduling/document_scheduler.h"

#include <fmt/format.h>

#include <asio/post.hpp>
#include <filesystem>
#include <latch>

#include "engine/text/source_file.h"
#include "protocol/uri.h"
#include "server/scheduling/task_boundary.h"
#include "server/tracing/chrome_trace.h"
#include "server/views/position_mapper.h"

namespace chunkls {

using protocol::ErrorCode;
using protocol::MessageType;
using protocol::RequestId;
using protocol::RpcError;

struct DocumentScheduler::Gate {
  std::mutex mutex;
  std::condition_variable opened;
  bool open = false;

  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    opened.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex);
    opened.wait(lock, [this] { return open; });
  }
};

DocumentScheduler::DocumentScheduler(const LanguageRegistry& languages, Responder& responder,
                                     SchedulerOptions options, Monitor& monitor,
                                     std::shared_ptr<spdlog::logger> log)
    : languages_(languages),
      responder_(responder),
      options_(options),
      log_(std::move(log)),
      time_limit_ms_(options.time_limit.count()),
      monitor_(monitor),
      caches_(options.caches),
      chunkers_(options.document_limits.chunks),
      pool_(std::max(1u, options.worker_threads)),
      posted_(asio::make_strand(pool_.get_executor())) {
  name_workers();
}

void DocumentScheduler::name_workers() {
  // One task per worker, each holding its thread until all have started: every thread
  // runs exactly one and takes the name traces and debuggers show.
  const unsigned workers = std::max(1u, options_.worker_threads);
  auto arrived = std::make_shared<std::latch>(workers);
  for (unsigned i = 0; i < workers; ++i) {
    asio::post(pool_, [arrived] {
      name_this_thread("chunkls-worker");
      arrived->arrive_and_wait();
    });
  }
}

DocumentScheduler::~DocumentScheduler() {
  halt();
  pool_.join();
}

void DocumentScheduler::halt() {
  stopping_->store(true);
  cancellations_.cancel_all();
  for (auto& [uri, gate] : gates_)
    gate->release();
  gates_.clear();
}

void DocumentScheduler::on_reader_thread() {
  const std::thread::id me = std::this_thread::get_id();
  if (!reader_) reader_ = me;
  if (*reader_ != me) {
    throw std::logic_error("DocumentScheduler: called from a thread other than the reader");
  }
}

void DocumentScheduler::set_position_encoding(protocol::PositionEncoding encoding) {
  on_reader_thread();
  encoding_.store(encoding);
}

void DocumentScheduler::set_time_limit(std::chrono::milliseconds limit) {
  on_reader_thread();
  time_limit_ms_.store(std::max<std::int64_t>(0, limit.count()));
}

std::chrono::milliseconds DocumentScheduler::time_limit() const {
  return std::chrono::milliseconds(time_limit_ms_.load());
}

Deadline DocumentScheduler::deadline_for(const CancellationToken& token) const {
  Deadline deadline = Deadline::after(time_limit()).or_when(stopping_);
  return token ? deadline.or_when(token) : deadline;
}

std::shared_ptr<DocumentSlot> DocumentScheduler::slot_for(const std::string& uri) {
  auto& slot = documents_[uri];
  if (!slot) {
    slot = std::make_shared<DocumentSlot>(uri, asio::make_strand(pool_.get_executor()));
    open_count_ = documents_.size();
  }
  return slot;
}

void DocumentScheduler::guarded(const char* what, const std::string& uri,
                                const std::function<void()>& task,
                                const std::function<void(const std::string&)>& failed) noexcept {
  const std::optional<std::string> problem = run_guarded(task);
  if (!problem) return;
  // Reporting is guarded too: when even that fails (out of memory), nothing escapes.
  run_guarded([&] {
    log_->error("{} for {} failed: {}", what, uri, *problem);
    failed(*problem);
  });
}

void DocumentScheduler::post_sync(const std::shared_ptr<DocumentSlot>& slot,
                                  std::function<void(DocumentSlot&, std::uint64_t)> task) {
  const std::uint64_t sequence = slot->posted.fetch_add(1) + 1;
  asio::post(slot->strand, [this, slot, sequence, task = std::move(task)] {
    if (stopping()) return;
    guarded(
        "a document change", slot->uri, [&] { task(*slot, sequence); },
        [&](const std::string& problem) {
          // Whatever the task did before it failed, the text may now differ from the
          // client's: never serve it.
          mark_out_of_sync(*slot, "an internal error while applying a change: " + problem);
        });
  });
}

void DocumentScheduler::open(protocol::TextDocumentItem item) {
  on_reader_thread();
  if (const auto it = documents_.find(item.uri); it != documents_.end()) {
    log_->warn("didOpen of an open document {}: replacing its text", item.uri);
  }
  const std::shared_ptr<DocumentSlot> target = slot_for(item.uri);  // before item moves
  post_sync(target,
            [this, item = std::move(item)](DocumentSlot& slot, std::uint64_t sequence) mutable {
              open_on_strand(slot, item, sequence);
            });
}

void DocumentScheduler::change(protocol::DidChangeParams params) {
  on_reader_thread();
  if (!documents_.contains(params.uri)) {
    // The client thinks it is open (perhaps its didOpen could not be read): a slot that
    // is out of sync answers -32803 instead of reading a stale copy from disk.
    refuse(params.uri, "changes arrived for a document that was not open");
  }
  const std::shared_ptr<DocumentSlot> target = slot_for(params.uri);  // before params move
  post_sync(target,
            [this, params = std::move(params)](DocumentSlot& slot, std::uint64_t sequence) mutable {
              change_on_strand(slot, params, sequence);
            });
}

void DocumentScheduler::close(const std::string& uri) {
  on_reader_thread();
  const auto it = documents_.find(uri);
  if (it == documents_.end()) {
    log_->warn("didClose for {}, which is not open: ignored", uri);
    return;
  }
  const std::shared_ptr<DocumentSlot> slot = it->second;
  documents_.erase(it);
  open_count_ = documents_.size();
  post_sync(slot, [this](DocumentSlot& closing, std::uint64_t) {
    SlotState& state = closing.state();
    state.closed = true;
    retire(state);
  });
}

void DocumentScheduler::refuse(const std::string& uri, const std::string& reason) {
  on_reader_thread();
  post_sync(slot_for(uri), [this, reason](DocumentSlot& slot, std::uint64_t) {
    if (!slot.state().out_of_sync.empty()) return;  // already said
    mark_out_of_sync(slot, reason);
  });
}

void DocumentScheduler::retire(SlotState& state) {
  if (state.document) {
    // Entries past their time to live go whenever a document leaves (a get() drops an
    // expired entry it meets; this frees the ones nobody asks for again).
    caches_.evict_expired();
    // Chunks of the text as it is (a pending edit would cost a parse to keep: dropped).
    if (std::optional<ParsedText> parsed = state.document->parsed()) {
      caches_.keep(content_key(*state.language, state.document->text()), std::move(parsed->chunked),
                   state.path, &parsed->tree);
    }
    state.document.reset();
  }
  account(state);
}

void DocumentScheduler::account(SlotState& state) {
  const std::uint64_t bytes = state.document ? state.document->text().size() : 0;
  open_bytes_ += bytes - state.counted_bytes;  // wraps back when it shrinks
  state.counted_bytes = bytes;
}

void DocumentScheduler::mark_out_of_sync(DocumentSlot& slot, const std::string& reason) {
  SlotState& state = slot.state();
  state.document.reset();
  account(state);
  if (!state.out_of_sync.empty()) {
    // Told once; the first reason is the one that matters.
    log_->warn("{} is still out of sync: {}", slot.uri, reason);
    return;
  }
  state.out_of_sync = reason;
  responder_.tell_user(MessageType::kWarning,
                       fmt::format("chunkls lost track of the text of {} ({}); its symbols and "
                                   "folds are unavailable until the editor sends the whole "
                                   "text: close and reopen the file",
                                   slot.uri, reason),
                       /*pop_up=*/true);
}

void DocumentScheduler::adopt_text(DocumentSlot& slot, std::string text) {
  SlotState& state = slot.state();
  retire(state);
  state.out_of_sync.clear();
  state.omission_told = false;
  if (state.path.empty()) state.path = protocol::file_path_from_uri(slot.uri).value_or(slot.uri);
  state.language =
      languages_.detect({.language_id = state.language_id, .path = state.path, .content = text});
  if (!state.language) {
    responder_.tell_user(MessageType::kInfo,
                         fmt::format("chunkls: no grammar for languageId '{}' ({}): no symbols "
                                     "or folds for it",
                                     state.language_id, slot.uri),
                         /*pop_up=*/false);
    return;
  }
  try {
    const ContentKey key = content_key(*state.language, text);
    if (std::shared_ptr<const ChunkedText> chunked = caches_.chunks_for(key, state.path)) {
      // Reopened (or the same bytes seen before): no parse until an edit needs one, and
      // with the tree, the first edit updates incrementally.
      const std::shared_ptr<const Tree> tree = caches_.trees().get(key);
      state.document = std::make_unique<Document>(
          *state.language, std::move(text), state.path, options_.document_limits,
          ParsedText{.chunked = std::move(chunked), .tree = tree ? *tree : Tree()});
    } else {
      state.document = std::make_unique<Document>(*state.language, std::move(text), state.path,
                                                  options_.document_limits);
    }
    state.document->set_services(
        {.chunkers = &chunkers_, .monitor = &monitor_, .constructs = &caches_.constructs()});
    log_->debug("opened {} as {} ({} bytes)", slot.uri, state.language->name(),
                state.document->text().size());
  } catch (const DocumentTooLarge& e) {
    mark_out_of_sync(slot, e.what());
  }
  account(state);
}

void DocumentScheduler::open_on_strand(DocumentSlot& slot, protocol::TextDocumentItem& item,
                                       std::uint64_t sequence) {
  SlotState& state = slot.state();
  retire(state);  // a didOpen of an open document: its text is kept under its own path
  state.closed = false;
  state.version = item.version;
  state.path.clear();
  state.language_id = item.language_id;
  adopt_text(slot, std::move(item.text));
  parse_if_newest(slot, sequence);
}

void DocumentScheduler::change_on_strand(DocumentSlot& slot, protocol::DidChangeParams& params,
                                         std::uint64_t sequence) {
  SlotState& state = slot.state();
  // Changes arrive in order on one stream, and each is an edit the user made: dropping
  // one would lose text. So a version that does not increase (Neovim 0.7 sends two
  // changes with one changedtick after deleting every line) still applies, in arrival
  // order; the version is only a label.
  if (params.version && state.version && *params.version <= *state.version) {
    log_->debug("didChange for {}: version {} after version {}, applied in arrival order", slot.uri,
                *params.version, *state.version);
  }
  // A null version (LSP allows it) applies in arrival order and keeps the last number.
  if (params.version) state.version = params.version;
  const protocol::PositionEncoding encoding = encoding_.load();
  std::size_t skipped = 0;
  for (protocol::ContentChange& change : params.changes) {
    if (!change.range) {
      // The whole text: whatever happened before, the server holds the client's text
      // again.
      if (state.document) {
        try {
          state.document->replace(std::move(change.text));
        } catch (const DocumentTooLarge& e) {
          mark_out_of_sync(slot, e.what());
        }
      } else if (!state.out_of_sync.empty()) {
        adopt_text(slot, std::move(change.text));
      }  // else no grammar: there is nothing to hold
      continue;
    }
    if (!state.document) {
      ++skipped;  // no grammar, or out of sync: nothing to apply it to
      continue;
    }
    Document& document = *state.document;
    // Each change applies to the text the previous one produced: convert its range
    // against the document as it is now.
    const PositionMapper positions(document.text(), document.lines(), encoding);
    std::uint32_t start = positions.byte(change.range->start);
    std::uint32_t end = positions.byte(change.range->end);
    if (end < start) {
      log_->warn("didChange for {}: range end before its start; applied as [end, start)", slot.uri);
      std::swap(start, end);
    }
    try {
      document.edit({start, end, std::move(change.text)});
    } catch (const DocumentTooLarge& e) {
      mark_out_of_sync(slot, e.what());
    }
  }
  if (skipped > 0 && !state.out_of_sync.empty()) {
    log_->debug("{}: {} changes not applied while out of sync", slot.uri, skipped);
  }
  account(state);
  parse_if_newest(slot, sequence);
}

void DocumentScheduler::parse_if_newest(DocumentSlot& slot, std::uint64_t sequence) {
  SlotState& state = slot.state();
  // A newer change is queued: it parses once for both (a burst of keystrokes costs one
  // parse), and a request parses whatever is still pending.
  if (!state.document || slot.posted.load() != sequence) return;
  try {
    state.document->reparse(deadline_for(nullptr));
  } catch (const WorkStopped& e) {
    // The text is applied; the next request parses it again.
    log_->warn("{}: {}", slot.uri, e.what());
  }
}

void DocumentScheduler::request(const RequestId& id, const std::string& uri, Query query) {
  on_reader_thread();
  CancellationToken token = cancellations_.add(id);
  const auto it = documents_.find(uri);
  if (it == documents_.end()) {
    asio::post(pool_, [this, id, token, uri, roots = roots_, query = std::move(query)] {
      if (stopping()) return;
      run_on_disk(id, token, uri, *roots, query);
    });
    return;
  }
  std::shared_ptr<DocumentSlot> slot = it->second;
  asio::post(slot->strand, [this, slot, id, token, query = std::move(query)] {
    if (stopping()) return;
    run_on_open(*slot, id, token, query);
  });
}

bool DocumentScheduler::cancel(const RequestId& id) {
  on_reader_thread();
  return cancellations_.cancel(id);
}

void DocumentScheduler::run_on_open(DocumentSlot& slot, const RequestId& id,
                                    const CancellationToken& token, const Query& query) {
  answer(id, token, [&]() -> std::string {
    SlotState& state = slot.state();
    if (state.closed) {
      // The request was queued before the didClose, so it ran first: not reachable.
      throw std::logic_error(
          fmt::format("{} closed before a request queued ahead of it", slot.uri));
    }
    if (!state.out_of_sync.empty()) {
      throw RpcError(ErrorCode::kRequestFailed,
                     fmt::format("chunkls lost track of the text of {} ({}); it answers again "
                                 "once the editor sends the whole text (reopen the file)",
                                 slot.uri, state.out_of_sync));
    }
    // A language we have no grammar for: nothing to show, which is not an error.
    if (!state.document) return "[]";
    std::string result = query(*state.document, slot.uri, deadline_for(token));
    tell_omission(slot);
    return result;
  });
}

void DocumentScheduler::tell_omission(DocumentSlot& slot) {
  SlotState& state = slot.state();
  if (state.omission_told || !state.document || !state.document->has_chunked()) return;
  const std::string omission = state.document->chunked().omission();
  if (omission.empty()) return;
  state.omission_told = true;
  responder_.tell_user(MessageType::kWarning, fmt::format("chunkls: {}: {}", slot.uri, omission),
                       /*pop_up=*/false);
}

void DocumentScheduler::set_workspace_roots(const std::vector<std::string>& roots) {
  on_reader_thread();
  auto resolved = std::make_shared<std::vector<std::string>>();
  for (const std::string& root : roots) {
    std::error_code error;
    const std::filesystem::path real = std::filesystem::canonical(root, error);
    // A folder that does not resolve (not created yet) is kept as given: the list is
    // not empty, so files elsewhere are still refused.
    resolved->push_back(error ? std::filesystem::path(root).lexically_normal().string()
                              : real.string());
  }
  roots_ = std::move(resolved);
}

void DocumentScheduler::run_on_disk(const RequestId& id, const CancellationToken& token,
                                    const std::string& uri, const std::vector<std::string>& roots,
                                    const Query& query) {
  answer(id, token, [&]() -> std::string {
    const protocol::UriPath local = protocol::parse_file_uri(uri);
    if (!local.path) {
      throw RpcError(ErrorCode::kInvalidParams,
                     fmt::format("{} is not open and cannot be read: {}", uri, local.problem));
    }
    const std::optional<std::string>& path = local.path;
    SourceRead source = read_source(*path, options_.max_file_bytes, roots);
    if (!source) {
      throw RpcError(ErrorCode::kInvalidParams,
                     fmt::format("{} is not open and cannot be read: {}", uri, source.reason));
    }
    const Language* language = languages_.detect({.path = *path, .content = source.bytes});
    if (!language) return "[]";
    // A file that did not change since it was last read (or whose bytes are known) is
    // answered from the caches without parsing.
    const ContentKey key = caches_.key_of_file(*path, *language, source);
    std::shared_ptr<const ChunkedText> cached = caches_.chunks_for(key, *path);
    const bool hit = cached != nullptr;
    std::optional<Document> document;
    if (hit) {
      document.emplace(*language, std::move(source.bytes), *path, options_.document_limits,
                       ParsedText{.chunked = std::move(cached), .tree = {}});
    } else {
      document.emplace(*language, std::move(source.bytes), *path, options_.document_limits);
    }
    document->set_services(
        {.chunkers = &chunkers_, .monitor = &monitor_, .constructs = &caches_.constructs()});
    std::string result = query(*document, uri, deadline_for(token));
    if (!hit) {
      // Its chunks only: a tree for a file nobody edits is not worth its memory.
      if (std::optional<ParsedText> parsed = document->parsed()) {
        caches_.keep(key, std::move(parsed->chunked), *path);
      }
    }
    return result;
  });
}

void DocumentScheduler::answer(const RequestId& id, const CancellationToken& token,
                               const std::function<std::string()>& compute) {
  guarded(
      "a request", id.to_string(),
      [&] {
        try {
          if (cancelled(token)) throw Cancelled("waiting in the queue");
          log_->debug("request {} started", id.to_string());
          const std::string result = compute();
          // The client may have cancelled while we computed; the answer is still
          // correct, and sending it costs less than sending the error.
          responder_.reply(id, result);
        } catch (const RpcError& e) {
          log_->debug("request {}: {}", id.to_string(), e.what());
          responder_.reply_error(id, e.code(), e.what());
        } catch (const Cancelled& e) {
          if (stopping()) return;  // exiting: nobody waits for this answer
          log_->debug("request {}: {}", id.to_string(), e.what());
          responder_.reply_error(id, ErrorCode::kRequestCancelled,
                                 std::string("cancelled by the client (") + e.what() + ")");
        } catch (const DeadlineExceeded& e) {
          log_->warn("request {}: {}", id.to_string(), e.what());
          responder_.reply_error(id, ErrorCode::kRequestFailed, e.what());
        }
      },
      [&](const std::string& problem) {
        responder_.tell_user(MessageType::kError,
                             fmt::format("chunkls: internal error answering request {}: {}",
                                         id.to_string(), problem),
                             /*pop_up=*/true);
        responder_.reply_error(id, ErrorCode::kInternalError, problem);
      });
  cancellations_.remove(id, token);
}

void DocumentScheduler::post(std::function<void()> task) {
  asio::post(posted_, [this, task = std::move(task)] {
    if (stopping()) return;
    guarded("a task", "the server", task, [](const std::string&) {});
  });
}

void DocumentScheduler::pause(const std::string& uri) {
  on_reader_thread();
  if (!documents_.contains(uri)) {
    log_->warn("pause of {}, which is not open: ignored", uri);
    return;
  }
  auto gate = std::make_shared<Gate>();
  if (auto& previous = gates_[uri]) previous->release();
  gates_[uri] = gate;
  if (stopping()) gate->release();
  const std::shared_ptr<DocumentSlot> slot = slot_for(uri);
  asio::post(slot->strand, [gate] { gate->wait(); });
}

void DocumentScheduler::resume(const std::string& uri) {
  on_reader_thread();
  const auto it = gates_.find(uri);
  if (it == gates_.end()) return;
  it->second->release();
  gates_.erase(it);
}

void DocumentScheduler::stop() {
  on_reader_thread();
  halt();
}

void DocumentScheduler::join() {
  pool_.join();
}

}  // namespace chunkls
