#include "server/cli/index_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <ostream>
#include <thread>

#include "engine/chunks/chunk_extractor.h"
#include "engine/index/index_location.h"
#include "engine/index/workspace_indexer.h"
#include "engine/metrics/monitor.h"
#include "server/cli/chunk_output.h"
#include "server/cli/stats_output.h"

namespace chunkls {
namespace {

using Seconds = std::chrono::duration<double>;

std::string megabytes(std::uint64_t bytes) {
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

struct LanguageTotals {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::uint64_t chunks = 0;
};

// What one root's files became, in the walk's order: files finish on several workers
// in any order, and wait here until every earlier one has been printed.
class OrderedOutput {
 public:
  OrderedOutput(ChunkOutput* output, WorkspaceIndexer* indexer)
      : output_(output), indexer_(indexer) {}

  void indexed(const IndexedFile& file) {
    if (!output_) return;
    Ready ready{.path = file.path, .language = file.language ? file.language->name() : ""};
    if (file.chunking) {
      ready.chunks = file.chunking->chunks;
      ready.folds = file.chunking->folds;
      ready.text = std::string(file.text);
      if (file.outcome != IndexOutcome::kParsed) reassign_ids(ready.chunks, file.path);
    } else if (IndexStore* store = indexer_->store_of(file.root)) {
      // Unchanged since the last run: chunks from the store, text from the file.
      if (std::optional<StoredChunking> stored = store->chunking(file.key)) {
        ready.chunks = std::move(stored->chunks);
        ready.folds = std::move(stored->folds);
        reassign_ids(ready.chunks, file.path);
      }
      SourceRead read = read_source(std::filesystem::path(file.path), 0);
      ready.text = std::move(read.bytes);
    }
    settle(file.seq, std::move(ready));
  }
  void skipped(std::uint64_t seq) {
    if (output_ && seq != 0) settle(seq, std::nullopt);
  }
  // A new root: its files are numbered from 1 again.
  void restart() {
    const std::lock_guard lock(mutex_);
    waiting_.clear();
    next_ = 1;
  }

 private:
  struct Ready {
    std::string path;
    std::string language;
    std::vector<Chunk> chunks;
    std::vector<Fold> folds;
    std::string text;
  };
  void settle(std::uint64_t seq, std::optional<Ready> ready) {
    const std::lock_guard lock(mutex_);
    waiting_.emplace(seq, std::move(ready));
    for (auto it = waiting_.find(next_); it != waiting_.end(); it = waiting_.find(next_)) {
      if (it->second) {
        const Ready& r = *it->second;
        output_->file({r.path, r.language, r.text, &r.chunks, &r.folds});
      }
      waiting_.erase(it);
      ++next_;
    }
  }

  ChunkOutput* output_;
  WorkspaceIndexer* indexer_;
  std::mutex mutex_;
  std::map<std::uint64_t, std::optional<Ready>> waiting_;
  std::uint64_t next_ = 1;
};

class IndexReport final : public IndexListener {
 public:
  IndexReport(const IndexCommandOptions& options, std::ostream& err)
      : options_(options), err_(err), started_(std::chrono::steady_clock::now()) {}

  void attach(OrderedOutput* output) { output_ = output; }

  void indexed(const IndexedFile& file) override {
    {
      const std::lock_guard lock(mutex_);
      LanguageTotals& totals = languages_[file.language ? file.language->name() : "?"];
      ++totals.files;
      totals.bytes += file.stamp.size;
      totals.chunks += file.chunks;
    }
    if (output_) output_->indexed(file);
  }
  void skipped(const SkippedFile& file) override {
    if (output_) output_->skipped(file.seq);
  }
  void progress(const IndexProgress& progress) override {
    if (options_.quiet) return;
    const std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (!options_.progress_bar && !progress.idle && now - last_line_ < options_.progress_interval) {
      return;
    }
    last_line_ = now;
    const double seconds = Seconds(now - started_).count();
    const double rate = seconds > 0 ? static_cast<double>(progress.bytes) / 1e6 / seconds : 0;
    std::string eta = progress.walking ? "walking" : "";
    if (!progress.walking && progress.done > 0 && progress.found > progress.done) {
      const double left = seconds * static_cast<double>(progress.found - progress.done) /
                          static_cast<double>(progress.done);
      eta = fmt::format("ETA {}:{:02}", static_cast<int>(left) / 60, static_cast<int>(left) % 60);
    }
    const std::string counts =
        fmt::format("{}/{} files  {:.1f} MB/s  {}", progress.done, progress.found, rate, eta);
    if (options_.progress_bar) {
      constexpr int kWidth = 30;
      const int filled =
          progress.found == 0 ? 0 : static_cast<int>(kWidth * progress.done / progress.found);
      err_ << fmt::format("\r[{:=<{}}{:<{}}] {}\x1b[K", "", filled, "", kWidth - filled, counts)
           << std::flush;
      bar_drawn_ = true;
    } else {
      err_ << "chunkls index: " << counts << '\n' << std::flush;
    }
  }
  // The bar's line is left for the summary.
  void end_progress() {
    const std::lock_guard lock(mutex_);
    if (bar_drawn_) err_ << "\r\x1b[K" << std::flush;
  }

  std::map<std::string, LanguageTotals> languages() const {
    const std::lock_guard lock(mutex_);
    return languages_;
  }
  Seconds elapsed() const { return std::chrono::steady_clock::now() - started_; }

 private:
  const IndexCommandOptions& options_;
  std::ostream& err_;
  OrderedOutput* output_ = nullptr;
  mutable std::mutex mutex_;
  std::map<std::string, LanguageTotals> languages_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_line_{};
  bool bar_drawn_ = false;
};

void print_summary(std::ostream& out, const IndexProgress& p,
                   const std::map<std::string, LanguageTotals>& languages, Seconds elapsed,
                   const std::vector<std::string>& stores) {
  const std::uint64_t indexed = p.parsed + p.stored + p.unchanged;
  out << fmt::format("indexed {} files ({} parsed, {} from stored contents, {} unchanged)\n",
                     indexed, p.parsed, p.stored, p.unchanged);
  for (const auto& [name, totals] : languages) {
    out << fmt::format("  {:<12} {:>8} files {:>12} {:>10} chunks\n", name, totals.files,
                       megabytes(totals.bytes), totals.chunks);
  }
  std::string skipped;
  std::uint64_t skipped_files = 0;
  for (std::size_t i = 0; i < p.skipped.size(); ++i) {
    if (p.skipped[i] == 0) continue;
    skipped += fmt::format("{}{} {}", skipped.empty() ? "" : ", ", p.skipped[i],
                           to_string(static_cast<IndexSkip>(i)));
    skipped_files += p.skipped[i];
  }
  out << fmt::format("skipped {}{}{}\n", skipped_files, skipped.empty() ? "" : ": ", skipped);
  if (p.skipped_directories > 0) {
    out << fmt::format("  (of them {} whole directories)\n", p.skipped_directories);
  }
  if (p.removed > 0) out << fmt::format("removed {} files no longer found\n", p.removed);
  const double seconds = elapsed.count();
  out << fmt::format("bytes {}  chunks {}  time {:.2f} s  {:.1f} MB/s  {:.0f} files/s\n",
                     megabytes(p.bytes), p.chunks, seconds,
                     seconds > 0 ? static_cast<double>(p.bytes) / 1e6 / seconds : 0.0,
                     seconds > 0 ? static_cast<double>(indexed) / seconds : 0.0);
  for (const std::string& store : stores)
    out << "store " << store << '\n';
}

}  // namespace

int run_index_command(const IndexCommandOptions& options, const LanguageRegistry& registry,
                      std::ostream& out, std::ostream& err) {
  std::vector<std::string> roots = options.roots;
  if (roots.empty()) roots.emplace_back(".");
  for (const std::string& root : roots) {
    std::error_code error;
    if (!std::filesystem::is_directory(root, error)) {
      err << fmt::format("chunkls index: {}: not a directory\n", root);
      return 1;
    }
  }
  std::filesystem::path cache_directory;
  if (!options.no_cache) {
    if (!options.cache_directory.empty()) {
      cache_directory = options.cache_directory;
    } else if (std::optional<std::filesystem::path> found = default_cache_directory()) {
      cache_directory = *found;
    } else {
      err << "chunkls index: neither XDG_CACHE_HOME nor HOME is set: indexing in memory "
             "(give --cache DIR to keep the index)\n";
    }
  }

  Monitor monitor;
  SourceCaches caches(options.caches);
  ChunkerPool chunkers;
  IndexReport report(options, err);
  std::mutex log_mutex;
  IndexerOptions indexer_options{
      .walk = {.exclude_globs = options.excludes, .max_file_bytes = options.max_bytes},
      .workers =
          options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency()),
      .nice = 0,  // the user asked for this work: full speed
      .time_limit = options.time_limit,
      .progress_interval = std::chrono::milliseconds(options.progress_bar ? 200 : 500),
      .cache_directory = cache_directory};
  WorkspaceIndexer indexer({.languages = &registry,
                            .chunkers = &chunkers,
                            .monitor = &monitor,
                            .symbols = nullptr,
                            .listener = &report,
                            .log =
                                [&](std::string_view message) {
                                  const std::lock_guard lock(log_mutex);
                                  err << "chunkls index: " << message << '\n';
                                }},
                           indexer_options);

  const bool listing = options.format != IndexFormat::kSummary;
  std::optional<ChunkOutput> output;
  if (listing) {
    output.emplace(
        out, options.format == IndexFormat::kJson ? OutputFormat::kJson : OutputFormat::kJsonl,
        options.with_content);
    output->begin();
  }
  OrderedOutput ordered(output ? &*output : nullptr, &indexer);
  report.attach(&ordered);
  std::vector<std::string> stores;
  // One root at a time: each one's output is complete and in order before the next.
  for (const std::string& root : roots) {
    ordered.restart();
    indexer.add_root(root, /*trusted=*/true);
    indexer.wait_idle();
    if (!cache_directory.empty()) {
      stores.push_back((store_directory(cache_directory, root) / kStoreFileName).string());
    }
  }
  const IndexProgress totals = indexer.progress();
  report.end_progress();
  if (output) output->end();
  std::ostream& summary = listing ? err : out;
  print_summary(summary, totals, report.languages(), report.elapsed(), stores);
  if (options.with_stats) print_stats_table(out, err, monitor, caches, chunkers);
  indexer.stop();
  return 0;
}

}  // namespace chunkls
