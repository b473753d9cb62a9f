#include "server/workspace/workspace_service.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "engine/index/index_location.h"
#include "protocol/json_writer.h"

namespace chunkls {
namespace {

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// $HOME and "/" hold everything: never walked whole, whoever names them.
bool may_trust(const std::string& path) {
  std::error_code error;
  const std::filesystem::path normal = std::filesystem::absolute(path, error).lexically_normal();
  if (normal == "/" || normal.empty()) return false;
  if (const char* home = std::getenv("HOME"); home && *home) {
    const std::filesystem::path home_path = std::filesystem::path(home).lexically_normal();
    if (normal == home_path || normal.string() + "/" == home_path.string()) return false;
  }
  return true;
}

bool same_indexing(const WorkspaceOptions& a, const WorkspaceOptions& b) {
  return a.enabled == b.enabled && a.in_memory == b.in_memory &&
         a.indexer.walk.exclude_globs == b.indexer.walk.exclude_globs &&
         a.indexer.walk.max_file_bytes == b.indexer.walk.max_file_bytes &&
         a.indexer.workers == b.indexer.workers &&
         a.indexer.cache_directory == b.indexer.cache_directory &&
         a.indexer.watch == b.indexer.watch;
}

}  // namespace

WorkspaceService::WorkspaceService(const LanguageRegistry& languages, ChunkerPool& chunkers,
                                   Monitor& monitor, ClientChannel& client,
                                   std::shared_ptr<spdlog::logger> log, WorkspaceOptions options)
    : languages_(languages),
      chunkers_(chunkers),
      monitor_(monitor),
      client_(client),
      log_(std::move(log)),
      options_(std::move(options)) {}

WorkspaceService::~WorkspaceService() {
  stop();
}

void WorkspaceService::set_client(bool progress_supported, bool register_watchers) {
  const std::lock_guard lock(mutex_);
  reporter_ = std::make_unique<IndexProgressReporter>(client_, progress_supported);
  register_watchers_ = register_watchers;
  // A client that cannot watch files for us: the kernel tells us instead.
  options_.indexer.watch = !register_watchers;
}

void WorkspaceService::start(std::vector<std::string> folders, std::optional<std::string> root) {
  {
    const std::lock_guard lock(mutex_);
    if (started_ || stopped_) return;
    started_ = true;
    for (std::string& folder : folders) {
      const bool trusted = may_trust(folder);
      roots_.push_back({std::move(folder), trusted});
    }
    if (roots_.empty() && root) roots_.push_back({*root, false});
    if (roots_.empty()) {
      log_->info("no workspace folder: nothing to index");
    }
    start_indexer_locked();
  }
  register_watchers();
}

void WorkspaceService::register_watchers() {
  bool wanted = false;
  {
    const std::lock_guard lock(mutex_);
    wanted = register_watchers_ && options_.enabled;
  }
  if (!wanted) return;
  protocol::JsonWriter params;
  params.begin_object().key("registrations").begin_array().begin_object();
  params.key("id").value("chunkls-watched-files");
  params.key("method").value("workspace/didChangeWatchedFiles");
  params.key("registerOptions").begin_object().key("watchers").begin_array();
  params.begin_object().key("globPattern").value("**/*").end_object();
  params.end_array().end_object();
  params.end_object().end_array().end_object();
  client_.request("client/registerCapability", params.take(),
                  [log = log_](const ClientResponse& r) {
                    if (!r.ok) log->warn("the client refused to watch files for us: {}", r.error);
                  });
}

void WorkspaceService::start_indexer_locked() {
  indexer_.reset();
  symbols_.clear();
  if (!options_.enabled || roots_.empty() || stopped_) return;
  IndexerOptions indexer_options = options_.indexer;
  if (options_.in_memory) {
    indexer_options.cache_directory.clear();
  } else if (indexer_options.cache_directory.empty()) {
    if (std::optional<std::filesystem::path> found = default_cache_directory()) {
      indexer_options.cache_directory = *found;
    } else {
      log_->warn("neither XDG_CACHE_HOME nor HOME is set: the index is kept in memory");
    }
  }
  indexer_ = std::make_unique<WorkspaceIndexer>(
      IndexerServices{.languages = &languages_,
                      .chunkers = &chunkers_,
                      .monitor = &monitor_,
                      .symbols = &symbols_,
                      .listener = this,
                      .log = [log = log_](std::string_view message) { log->warn("{}", message); }},
      indexer_options);
  for (const std::string& path : open_)
    indexer_->document_opened(path);
  for (const RootEntry& root : roots_) {
    log_->info("indexing {}{}", root.path,
               root.trusted ? "" : " (up to the file limit unless it holds .git)");
    indexer_->add_root(root.path, root.trusted);
  }
}

void WorkspaceService::add_folder(const std::string& path) {
  const std::lock_guard lock(mutex_);
  for (const RootEntry& root : roots_) {
    if (root.path == path) return;
  }
  roots_.push_back({path, may_trust(path)});
  if (!started_) return;
  if (indexer_) {
    indexer_->add_root(path, roots_.back().trusted);
  } else {
    start_indexer_locked();
  }
}

void WorkspaceService::remove_folder(const std::string& path) {
  const std::lock_guard lock(mutex_);
  std::erase_if(roots_, [&](const RootEntry& root) { return root.path == path; });
  if (indexer_) indexer_->remove_root(path);
}

void WorkspaceService::configure(WorkspaceOptions options) {
  const std::lock_guard lock(mutex_);
  const bool restart = !same_indexing(options_, options);
  options_ = std::move(options);
  if (restart && started_) start_indexer_locked();
}

WorkspaceOptions WorkspaceService::options() const {
  const std::lock_guard lock(mutex_);
  return options_;
}

void WorkspaceService::file_created_or_changed(const std::string& path) {
  const std::lock_guard lock(mutex_);
  if (indexer_) indexer_->file_changed(path);
}

void WorkspaceService::file_deleted(const std::string& path) {
  const std::lock_guard lock(mutex_);
  if (indexer_) indexer_->file_deleted(path);
}

void WorkspaceService::document_opened(const std::string& path) {
  const std::lock_guard lock(mutex_);
  open_.insert(path);
  active_directory_ = directory_of(path);
  if (indexer_) indexer_->document_opened(path);
}

void WorkspaceService::document_closed(const std::string& path) {
  const std::lock_guard lock(mutex_);
  open_.erase(path);
  if (indexer_) indexer_->document_closed(path);
}

void WorkspaceService::document_edited(const std::string& path) {
  const std::lock_guard lock(mutex_);
  active_directory_ = directory_of(path);
  if (indexer_) indexer_->hold(options_.typing_hold);
}

void WorkspaceService::document_saved(const std::string& path) {
  file_created_or_changed(path);
}

std::vector<SymbolMatch> WorkspaceService::search(const std::string& query) const {
  SymbolSearch search{.query = query};
  {
    const std::lock_guard lock(mutex_);
    search.limit = options_.symbol_limit;
    search.preferred_files.assign(open_.begin(), open_.end());
    search.preferred_directory = active_directory_;
  }
  return symbols_.search(search);
}

void WorkspaceService::cancel_progress(const std::string& token) {
  if (!reporter_ || !reporter_->is_current(token)) return;
  const std::lock_guard lock(mutex_);
  log_->info("indexing cancelled by the client");
  if (indexer_) indexer_->cancel();
}

void WorkspaceService::reindex() {
  const std::lock_guard lock(mutex_);
  if (indexer_) {
    indexer_->reindex();
  } else if (started_) {
    start_indexer_locked();
  }
}

WorkspaceIndexStats WorkspaceService::stats() const {
  WorkspaceIndexStats out;
  out.symbols = symbols_.stats();
  const std::lock_guard lock(mutex_);
  out.enabled = options_.enabled;
  for (const RootEntry& root : roots_)
    out.roots.push_back(root.path);
  if (indexer_) {
    out.progress = indexer_->progress();
    for (const std::string& root : indexer_->roots()) {
      if (IndexStore* store = indexer_->store_of(root)) out.stores.push_back(store->info());
    }
  }
  return out;
}

void WorkspaceService::stop() {
  std::unique_ptr<WorkspaceIndexer> indexer;
  {
    const std::lock_guard lock(mutex_);
    stopped_ = true;
    indexer = std::move(indexer_);
  }
  if (indexer) indexer->stop();
}

// A file the indexer could not chunk (the parse time limit, a read error) is logged by
// name; routine skips (ignored, binary, too large...) are only counted in the stats.
void WorkspaceService::skipped(const SkippedFile& file) {
  if (file.reason == IndexSkip::kFailed) {
    log_->warn("index: {}: {}", file.path, file.detail);
  }
}

void WorkspaceService::progress(const IndexProgress& progress) {
  // Called by the indexer's threads; reporter_ is set before the indexer starts.
  if (reporter_) reporter_->update(progress);
}

}  // namespace chunkls
