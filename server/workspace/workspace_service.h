// WorkspaceService: the server's workspace side (what clangd's ClangdServer does with
// its BackgroundIndex): the roots (the client's workspace folders, else its root), the
// WorkspaceIndexer that indexes them in the background into their stores, the
// SymbolIndex that answers workspace/symbol, progress to the client
// (IndexProgressReporter), watched-file events, and the `index.*` settings.
//
// Roots the client names as workspace folders are trusted (walked whole); a root given
// only as rootUri, and $HOME or "/" whatever the client says, are walked only up to the
// indexer's file limit unless they hold a project marker (.git).
//
// Threads: called from the reader (lifecycle, notifications, settings) and from workers
// (search); every public member is thread-safe. The indexer's threads call progress().
// stop() ends indexing within a few milliseconds (a parse in progress gives up at its
// next check) with the stores' queued writes committed.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine/index/symbols/symbol_index.h"
#include "engine/index/workspace_indexer.h"
#include "server/stats/stats_report.h"
#include "server/workspace/client_channel.h"
#include "server/workspace/index_progress_reporter.h"

namespace chunkls {

struct WorkspaceOptions {
  bool enabled = true;
  IndexerOptions indexer;  // cache_directory empty: the default location
  bool in_memory = false;  // no store on disk
  std::size_t symbol_limit = 100;
  std::chrono::milliseconds typing_hold{300};  // workers pause this long after an edit
};

class WorkspaceService final : public IndexListener {
 public:
  WorkspaceService(const LanguageRegistry& languages, ChunkerPool& chunkers, Monitor& monitor,
                   ClientChannel& client, std::shared_ptr<spdlog::logger> log,
                   WorkspaceOptions options);
  ~WorkspaceService() override;
  WorkspaceService(const WorkspaceService&) = delete;
  WorkspaceService& operator=(const WorkspaceService&) = delete;

  // Before start(): what the client supports.
  void set_client(bool progress_supported, bool register_watchers);
  // `initialized`: starts indexing `folders` (trusted) or `root` (not trusted).
  void start(std::vector<std::string> folders, std::optional<std::string> root);
  void add_folder(const std::string& path);
  void remove_folder(const std::string& path);
  // Settings changed (index.*): restarts the indexer when they change what it does.
  void configure(WorkspaceOptions options);
  WorkspaceOptions options() const;

  void file_created_or_changed(const std::string& path);
  void file_deleted(const std::string& path);
  void document_opened(const std::string& path);
  void document_closed(const std::string& path);
  void document_edited(const std::string& path);  // the user is typing
  void document_saved(const std::string& path);

  std::vector<SymbolMatch> search(const std::string& query) const;
  void cancel_progress(const std::string& token);
  void reindex();
  WorkspaceIndexStats stats() const;
  void stop();

  // IndexListener.
  void progress(const IndexProgress& progress) override;
  void skipped(const SkippedFile& file) override;

 private:
  void start_indexer_locked();
  void register_watchers();

  const LanguageRegistry& languages_;
  ChunkerPool& chunkers_;
  Monitor& monitor_;
  ClientChannel& client_;
  std::shared_ptr<spdlog::logger> log_;
  SymbolIndex symbols_;
  std::unique_ptr<IndexProgressReporter> reporter_;

  mutable std::mutex mutex_;
  WorkspaceOptions options_;
  bool started_ = false;
  bool stopped_ = false;
  bool register_watchers_ = false;
  struct RootEntry {
    std::string path;
    bool trusted = false;
  };
  std::vector<RootEntry> roots_;
  std::set<std::string> open_;
  std::string active_directory_;
  std::unique_ptr<WorkspaceIndexer> indexer_;
};

}  // namespace chunkls
