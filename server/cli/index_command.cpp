#include "server/cli/index_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <thread>

#include "engine/index/index_location.h"
#include "engine/index/workspace_indexer.h"
#include "engine/metrics/monitor.h"
#include "engine/store/store_sealing.h"
#include "server/cli/chunk_output.h"
#include "server/cli/index_console.h"
#include "server/cli/ordered_output.h"
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

class IndexReport final : public IndexListener {
 public:
  IndexReport(const IndexCommandOptions& options, IndexConsole& console)
      : options_(options), console_(console), started_(std::chrono::steady_clock::now()) {}

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
    // A file that could not be chunked (the time limit, a read error) is said by name;
    // the routine skips (ignored, binary, too large...) are only counted.
    if (file.reason == IndexSkip::kFailed) {
      auto console = console_.lock();
      std::ostream& err = console.err();
      if (bar_drawn_) err << "\r\x1b[K";
      bar_drawn_ = false;
      err << "chunkls index: " << file.path << ": " << file.detail << '\n' << std::flush;
    }
    if (output_) output_->skipped(file.seq);
  }
  void withdrawn(const std::string& /*root*/, std::uint64_t seq) override {
    if (output_) output_->withdrawn(seq);
  }
  void progress(const IndexProgress& progress) override {
    if (options_.quiet) return;
    auto console = console_.lock();  // also guards last_line_ and bar_drawn_
    std::ostream& err = console.err();
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
      err << fmt::format("\r[{:=<{}}{:<{}}] {}\x1b[K", "", filled, "", kWidth - filled, counts)
          << std::flush;
      bar_drawn_ = true;
    } else {
      err << "chunkls index: " << counts << '\n' << std::flush;
    }
  }
  // The bar's line is left for the summary.
  void end_progress() {
    auto console = console_.lock();
    if (bar_drawn_) console.err() << "\r\x1b[K" << std::flush;
  }

  std::map<std::string, LanguageTotals> languages() const {
    const std::lock_guard lock(mutex_);
    return languages_;
  }
  Seconds elapsed() const { return std::chrono::steady_clock::now() - started_; }

 private:
  const IndexCommandOptions& options_;
  IndexConsole& console_;
  OrderedOutput* output_ = nullptr;
  mutable std::mutex mutex_;  // languages_
  std::map<std::string, LanguageTotals> languages_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_line_{};  // under the console's lock
  bool bar_drawn_ = false;                             // under the console's lock
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

// What decides which files a walk finds, as a shard store records it: shards of one tree
// must agree on it to be merged.
std::string walk_description(const IndexCommandOptions& options) {
  std::string excludes;
  for (const std::string& glob : options.excludes)
    excludes += (excludes.empty() ? "" : ", ") + glob;
  return fmt::format("exclude [{}]; max-size {}", excludes, options.max_bytes);
}

}  // namespace

int run_index_command(const IndexCommandOptions& options, const LanguageRegistry& registry,
                      std::ostream& out, std::ostream& err) {
  if (options.out.empty() || options.format == IndexFormat::kSummary) {
    IndexConsole console(out, err);
    return run_index_command(options, registry, console);
  }
  // The listing goes to a file beside --out and is renamed over it once complete.
  const std::filesystem::path destination = options.out;
  const std::filesystem::path partial = partial_path(destination);
  int code = 1;
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    if (!file) {
      err << fmt::format("chunkls index: cannot write {}\n", partial.string());
      return 1;
    }
    IndexConsole console(file, err);
    code = run_index_command(options, registry, console);
    file.close();
    if (code == 0 && !file) {
      err << fmt::format("chunkls index: writing {} failed\n", partial.string());
      code = 1;
    }
  }
  std::error_code ignored;
  if (code != 0) {
    std::filesystem::remove(partial, ignored);
    return code;
  }
  try {
    install_file(partial, destination);
  } catch (const StoreFileError& e) {
    std::filesystem::remove(partial, ignored);
    err << "chunkls index: " << e.what() << '\n';
    return 1;
  }
  return 0;
}

int run_index_command(const IndexCommandOptions& options, const LanguageRegistry& registry,
                      IndexConsole& console) {
  std::vector<std::string> roots = options.roots;
  if (roots.empty()) roots.emplace_back(".");
  for (const std::string& root : roots) {
    std::error_code error;
    if (!std::filesystem::is_directory(root, error)) {
      console.lock().err() << fmt::format("chunkls index: {}: not a directory\n", root);
      return 1;
    }
  }
  // --out with the summary format: the one root's store goes to a file, sealed at the end.
  const bool store_out = !options.out.empty() && options.format == IndexFormat::kSummary;
  if (!options.out.empty() && roots.size() != 1) {
    console.lock().err() << "chunkls index: --out takes one directory to index\n";
    return 1;
  }
  std::filesystem::path cache_directory;
  if (!options.no_cache && !store_out) {
    if (!options.cache_directory.empty()) {
      cache_directory = options.cache_directory;
    } else if (std::optional<std::filesystem::path> found = default_cache_directory()) {
      cache_directory = *found;
    } else {
      console.lock().err()
          << "chunkls index: neither XDG_CACHE_HOME nor HOME is set: indexing in memory "
             "(give --cache DIR to keep the index)\n";
    }
  }

  Monitor monitor;
  SourceCaches caches(options.caches);
  ChunkerPool chunkers;
  IndexReport report(options, console);
  const std::filesystem::path store_file = store_out ? partial_path(options.out) : "";
  if (store_out) {
    std::error_code ignored;
    std::filesystem::remove(store_file, ignored);  // a pid reused after a crash
  }
  IndexerOptions indexer_options{
      .walk = {.exclude_globs = options.excludes,
               .max_file_bytes = options.max_bytes,
               .shard = options.shard},
      .workers =
          options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency()),
      .nice = 0,  // the user asked for this work: full speed
      .time_limit = options.time_limit,
      .progress_interval = std::chrono::milliseconds(options.progress_bar ? 200 : 500),
      .cache_directory = cache_directory,
      .store_file = store_file};
  // Held in an optional: a store written to --out is sealed once the indexer, which
  // owns it, is gone (its connections closed).
  std::optional<WorkspaceIndexer> indexer;
  indexer.emplace(IndexerServices{.languages = &registry,
                                  .chunkers = &chunkers,
                                  .monitor = &monitor,
                                  .symbols = nullptr,
                                  .listener = &report,
                                  .log =
                                      [&](std::string_view message) {
                                        console.lock().err()
                                            << "chunkls index: " << message << '\n';
                                      }},
                  indexer_options);

  const bool listing = options.format != IndexFormat::kSummary;
  std::optional<ChunkOutput> output;
  if (listing) {
    // Writes only under the console's lock: begin() and end() here, file() in
    // OrderedOutput.
    auto locked = console.lock();
    output.emplace(
        locked.out(),
        options.format == IndexFormat::kJson ? OutputFormat::kJson : OutputFormat::kJsonl,
        options.with_content);
    output->begin();
  }
  OrderedOutput ordered(output ? &*output : nullptr, console,
                        [&indexer](const std::string& root) { return indexer->store_of(root); });
  report.attach(&ordered);
  std::vector<std::string> stores;
  // One root at a time: each one's output is complete and in order before the next.
  for (const std::string& root : roots) {
    ordered.restart();
    indexer->add_root(root, /*trusted=*/true);
    indexer->wait_idle();
    if (!cache_directory.empty()) {
      stores.push_back((store_directory(cache_directory, root) / kStoreFileName).string());
    }
  }
  // No thread of the indexer writes after this (a worker reports progress once more
  // after it goes idle): the summary is the last thing said.
  indexer->stop();
  const IndexProgress totals = indexer->progress();
  report.end_progress();
  if (store_out) {
    indexer.reset();  // closes the store
    // Record what the store holds and hand it over whole.
    std::error_code error;
    const std::filesystem::path root = std::filesystem::canonical(roots.front(), error);
    try {
      seal_store(store_file, options.out,
                 {.root = error ? std::filesystem::absolute(roots.front()).string() : root.string(),
                  .shard = options.shard,
                  .partition = std::string(kShardPartition),
                  .walk = walk_description(options)});
    } catch (const StoreFileError& e) {
      std::error_code ignored;
      std::filesystem::remove(store_file, ignored);
      console.lock().err() << "chunkls index: " << e.what() << '\n';
      return 1;
    }
    stores.push_back(options.out);
  }
  auto locked = console.lock();
  if (output) output->end();
  std::ostream& summary = listing ? locked.err() : locked.out();
  print_summary(summary, totals, report.languages(), report.elapsed(), stores);
  if (options.with_stats) print_stats_table(locked.out(), locked.err(), monitor, caches, chunkers);
  return 0;
}

}  // namespace chunkls
