// `chunkls index` killed with SIGKILL at random points, over and over, on real code (a
// copy of the installed Python standard library's top-level modules): whatever the
// point, the store it leaves opens, passes PRAGMA integrity_check, and every row in it
// is complete and equals the row a fresh index of the same tree wrote (a file there has
// its content, a content all its chunks); a run after the kills completes and gives
// exactly a fresh index.
//
// Kill points are drawn from a seeded generator (printed; CHUNKLS_KILL_SEED=N replays
// them), half as a delay within the time a fresh index took, half as a number of files
// the store must hold first. No assertion depends on when the kill lands: every point
// must pass. CHUNKLS_KILL_TRIALS=N runs N trials instead of 6 (bench/kill_trials.sh: 50).
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>
#include <sqlite3.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include "cli/subprocess.h"
#include "e2e/child_process.h"
#include "e2e/lsp_test_support.h"

namespace chunkls::e2e {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct CloseDatabase {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Database = std::unique_ptr<sqlite3, CloseDatabase>;

Database open_database(const fs::path& path, int flags) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  Database out(db);
  if (rc != SQLITE_OK) return nullptr;
  sqlite3_busy_timeout(db, 10000);
  return out;
}

// Every row of a query's first column, as text; nullopt when it fails (with the error).
std::optional<std::vector<std::string>> column(sqlite3* db, const std::string& sql,
                                               std::string* error = nullptr) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    if (error) *error = sqlite3_errmsg(db);
    return std::nullopt;
  }
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
  std::vector<std::string> out;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
    out.emplace_back(text ? text : "");
  }
  if (rc != SQLITE_DONE) {
    if (error) *error = sqlite3_errmsg(db);
    return std::nullopt;
  }
  return out;
}

// The store under a cache directory (one root: one store), if it was created.
std::optional<fs::path> store_in(const fs::path& cache) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(cache, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->path().filename() == "index.sqlite") return it->path();
  }
  return std::nullopt;
}

// The files the store holds now, read the way another process would; nullopt while it
// cannot be read (not created yet, its schema being written).
std::optional<long> files_in(const fs::path& cache) {
  const std::optional<fs::path> store = store_in(cache);
  if (!store) return std::nullopt;
  const Database db = open_database(*store, SQLITE_OPEN_READONLY);
  if (!db) return std::nullopt;
  sqlite3_busy_timeout(db.get(), 0);
  const auto count = column(db.get(), "SELECT count(*) FROM files");
  if (!count || count->empty()) return std::nullopt;
  return std::stol(count->front());
}

// The chunk columns compared with the fresh store: all but `id`, which is computed for
// the first path that had the content (copies share one content row).
constexpr const char* kChunkColumns[] = {"kind",
                                         "name",
                                         "parent",
                                         "depth",
                                         "content_hash",
                                         "range_start_byte",
                                         "range_end_byte",
                                         "range_start_row",
                                         "range_start_column",
                                         "range_end_row",
                                         "range_end_column",
                                         "definition_start_byte",
                                         "definition_end_byte",
                                         "definition_start_row",
                                         "definition_start_column",
                                         "definition_end_row",
                                         "definition_end_column",
                                         "selection_start_byte",
                                         "selection_end_byte",
                                         "selection_start_row",
                                         "selection_start_column",
                                         "selection_end_row",
                                         "selection_end_column",
                                         "detail"};

// What is wrong with the store a killed run left, compared with a fresh index of the same
// tree (`fresh`); empty when nothing. `files` gets how many files it holds.
std::vector<std::string> store_problems(const fs::path& store, const fs::path& fresh, long& files) {
  files = 0;
  std::vector<std::string> problems;
  // Opened as the next run opens it: read-write, so SQLite replays the WAL a kill left.
  const Database db = open_database(store, SQLITE_OPEN_READWRITE);
  if (!db) return {"the store does not open"};
  std::string error;
  const auto integrity = column(db.get(), "PRAGMA integrity_check", &error);
  if (!integrity) return {"integrity_check failed: " + error};
  if (*integrity != std::vector<std::string>{"ok"}) {
    std::string found;
    for (const std::string& row : *integrity)
      found += row + "; ";
    problems.push_back("integrity_check: " + found);
  }
  const auto tables =
      column(db.get(), "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  if (!tables) return {"sqlite_master cannot be read"};
  if (tables->empty()) return problems;  // killed before its schema was committed
  if (*tables != std::vector<std::string>{"chunks", "contents", "files", "meta"}) {
    problems.push_back(fmt::format("tables {}", fmt::join(*tables, ",")));
    return problems;
  }
  const std::string attach = "ATTACH DATABASE '" + fresh.string() + "' AS fresh";
  if (sqlite3_exec(db.get(), attach.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return {"cannot attach the fresh store: " + std::string(sqlite3_errmsg(db.get()))};
  }
  std::string chunk_match;
  for (const char* name : kChunkColumns)
    chunk_match += fmt::format(" AND j.{0} IS k.{0}", name);
  const std::pair<const char*, std::string> checks[] = {
      {"meta rows", "SELECT count(*) = 0 FROM meta"},
      {"files without their content",
       "SELECT count(*) FROM files WHERE content NOT IN (SELECT id FROM contents)"},
      {"contents whose chunks are not all there",
       "SELECT count(*) FROM contents c WHERE c.chunk_count != (SELECT count(*) FROM chunks k "
       "WHERE k.content = c.id) OR (c.chunk_count > 0 AND ((SELECT min(ordinal) FROM chunks k "
       "WHERE k.content = c.id) != 0 OR (SELECT max(ordinal) FROM chunks k WHERE k.content = "
       "c.id) != c.chunk_count - 1))"},
      {"chunks of no content",
       "SELECT count(*) FROM chunks WHERE content NOT IN (SELECT id FROM "
       "contents)"},
      {"files unlike the fresh index's",
       "SELECT count(*) FROM files f JOIN contents c ON c.id = f.content WHERE NOT EXISTS (SELECT "
       "1 FROM fresh.files g JOIN fresh.contents d ON d.id = g.content WHERE g.path = f.path AND "
       "g.size = f.size AND g.mtime_ns = f.mtime_ns AND g.inode = f.inode AND g.language = "
       "f.language AND d.hash = c.hash)"},
      {"contents unlike the fresh index's",
       "SELECT count(*) FROM contents c WHERE NOT EXISTS (SELECT 1 FROM fresh.contents d WHERE "
       "d.hash = c.hash AND d.folds = c.folds AND d.omitted_deep = c.omitted_deep AND "
       "d.omitted_count = c.omitted_count AND d.chunk_count = c.chunk_count AND d.symbols = "
       "c.symbols)"},
      {"chunks unlike the fresh index's",
       "SELECT count(*) FROM chunks k JOIN contents c ON c.id = k.content WHERE NOT EXISTS "
       "(SELECT 1 FROM fresh.chunks j JOIN fresh.contents d ON d.id = j.content WHERE d.hash = "
       "c.hash AND j.ordinal = k.ordinal" +
           chunk_match + ")"},
  };
  for (const auto& [what, sql] : checks) {
    const auto count = column(db.get(), sql, &error);
    if (!count) {
      problems.push_back(std::string(what) + ": " + error);
    } else if (count->front() != "0") {
      problems.push_back(fmt::format("{}: {}", what, count->front()));
    }
  }
  if (const auto count = column(db.get(), "SELECT count(*) FROM files")) {
    files = std::stol(count->front());
  }
  return problems;
}

std::uint64_t seed_from_environment() {
  if (const char* given = std::getenv("CHUNKLS_KILL_SEED")) return std::stoull(given);
  return std::random_device{}();
}

int trials_from_environment() {
  const char* given = std::getenv("CHUNKLS_KILL_TRIALS");
  return given ? std::max(1, std::atoi(given)) : 6;
}

std::vector<std::string> index_command(const fs::path& tree, const fs::path& cache,
                                       std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {kBinary,   "index",        tree.string(),
                                   "--cache", cache.string(), "--quiet"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

TEST(IndexKilled, EveryKillPointLeavesAConsistentStoreAndTheRerunEqualsAFreshIndex) {
  const std::uint64_t seed = seed_from_environment();
  const int trials = trials_from_environment();
  std::cout << "kill trials: " << trials << ", seed " << seed << " (CHUNKLS_KILL_SEED=" << seed
            << " replays the kill points)" << std::endl;
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 random(seed);

  // Real code: the standard library's top-level modules (168 files, 4.7 MB).
  TempDir tree;
  for (const auto& entry : fs::directory_iterator(CHUNKLS_PYTHON_STDLIB)) {
    if (entry.is_regular_file() && entry.path().extension() == ".py") {
      fs::copy_file(entry.path(), tree.path() / entry.path().filename());
    }
  }
  // The reference: a fresh index of the tree, and how long it took (kill delays are
  // drawn within it, so they spread over the run on any machine).
  TempDir fresh_cache;
  const auto started = Clock::now();
  const auto fresh_run = testing::run_process(index_command(tree.path(), fresh_cache.path()));
  const auto fresh_took = Clock::now() - started;
  ASSERT_EQ(fresh_run.exit_code, 0) << fresh_run.err;
  const std::optional<fs::path> fresh = store_in(fresh_cache.path());
  ASSERT_TRUE(fresh);
  long total_files = 0;
  ASSERT_EQ(store_problems(*fresh, *fresh, total_files), std::vector<std::string>{});
  ASSERT_GT(total_files, 100);
  const auto fresh_jsonl =
      testing::run_process({kBinary, "index", tree.path().string(), "--no-cache", "--format",
                            "jsonl", "--no-content", "--quiet"});
  ASSERT_EQ(fresh_jsonl.exit_code, 0) << fresh_jsonl.err;

  // Trials in chains of up to three on one store (a run resumes what the killed one left,
  // then is killed too); a chain ends when its store is complete: then a run takes the
  // store as it is (not rebuilt) and must give exactly a fresh index.
  std::unique_ptr<TempDir> cache;
  int chain = 0;
  for (int trial = 0; trial < trials; ++trial) {
    if (!cache) {
      cache = std::make_unique<TempDir>();
      chain = 0;
    }
    ++chain;
    long before = 0;
    if (const std::optional<fs::path> store = store_in(cache->path())) {
      EXPECT_EQ(store_problems(*store, *fresh, before), std::vector<std::string>{});
    }
    // The point, within what is left to do.
    const double left = static_cast<double>(total_files - before) / total_files;
    const bool by_delay = random() % 2 == 0;
    const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(
        fresh_took * left * std::uniform_real_distribution<double>(0.0, 1.0)(random));
    const long target = std::uniform_int_distribution<long>(before + 1, total_files)(random);
    const std::string jobs = std::to_string(1 + random() % 2);
    const std::string point = by_delay ? fmt::format("after {} ms", delay.count())
                                       : fmt::format("once {} files are stored", target);
    SCOPED_TRACE(fmt::format("seed {}, trial {}: killed {} (--jobs {})", seed, trial, point, jobs));
    bool finished_first = false;
    {
      ChildProcess index(index_command(tree.path(), cache->path(), {"--jobs", jobs}));
      const auto begun = Clock::now();
      while (index.running()) {
        if (by_delay ? Clock::now() - begun >= delay
                     : files_in(cache->path()).value_or(0) >= target) {
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      // Not reaped yet (wait_exit found it running): the pid is still this child's.
      if (!index.wait_exit(std::chrono::milliseconds(0))) ::kill(index.pid(), SIGKILL);
      const std::optional<int> code = index.wait_exit(std::chrono::seconds(30));
      ASSERT_TRUE(code);
      // Killed, or it ended just before the kill: both are points to check.
      EXPECT_TRUE(*code == 0 || *code == 128 + SIGKILL) << "exit code " << *code;
      finished_first = *code == 0;
    }
    long files = 0;
    if (const std::optional<fs::path> store = store_in(cache->path())) {
      EXPECT_EQ(store_problems(*store, *fresh, files), std::vector<std::string>{});
    }
    std::cout << fmt::format(
                     "trial {} (chain {}, --jobs {}): killed {}{}: {} of {} files stored "
                     "(had {})",
                     trial, chain, jobs, point, finished_first ? " after it ended" : "", files,
                     total_files, before)
              << std::endl;
    if (files < total_files && chain < 3 && trial + 1 < trials) continue;

    const auto rerun = testing::run_process(
        index_command(tree.path(), cache->path(), {"--format", "jsonl", "--no-content"}));
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_EQ(rerun.err.find("rebuilt"), std::string::npos) << rerun.err;
    EXPECT_EQ(rerun.err.find("in memory"), std::string::npos) << rerun.err;
    EXPECT_TRUE(rerun.out == fresh_jsonl.out) << "the completed index differs from a fresh one";
    const std::optional<fs::path> store = store_in(cache->path());
    ASSERT_TRUE(store);
    EXPECT_EQ(store_problems(*store, *fresh, files), std::vector<std::string>{});
    EXPECT_EQ(files, total_files);
    cache.reset();
  }
}

}  // namespace
}  // namespace chunkls::e2e
