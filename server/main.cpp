// The `chunkls` command line. Without a subcommand it is the language server (LSP over
// stdio, or over TCP on 127.0.0.1 with --port); `chunkls chunk FILE...` and `chunkls
// tree FILE...` are the batch tools. Exit codes: 0 ok, 1 some file failed (or the
// server exited without shutdown), 2 usage error.
#include <malloc.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <thread>

#include "protocol/fd_transport.h"
#include "server/cli/cache_command.h"
#include "server/cli/chunk_command.h"
#include "server/cli/index_command.h"
#include "server/cli/merge_command.h"
#include "server/language_setup.h"
#include "server/lsp/lsp_server.h"
#include "server/tracing/chrome_trace.h"
#include "server/version.h"

namespace {

// Every answer is one string of up to several MB, built and freed per request. By
// default glibc gives such blocks back to the kernel when they are freed (mmap above
// 128 KB, trimming the heap above 128 KB free), so the next answer faults in every page
// again: on a 2-core VM that was 60 of the 80 ms of a 4 MB documentSymbol answer.
// Keeping freed memory mapped (up to the largest threshold glibc allows) makes the
// next answer reuse warm pages; peak memory stays what the largest answers need.
// One arena for all threads: each extra arena kept its own freed pages (readelf.c open:
// 39-45 MiB resident with the default arenas, 37 MiB with one), and mallinfo2(), which
// chunkls/stats reports, sees the main arena only. Small blocks still come from each
// thread's own cache without the arena's lock.
void tune_malloc() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
  mallopt(M_ARENA_MAX, 1);
}

constexpr int kExitUsage = 2;

void add_language_options(CLI::App& app, chunkls::LanguageSetup& setup) {
  app.add_option("--grammar", setup.grammar_flags,
                 "Extra language: NAME=PATH to a tree-sitter grammar shared library exporting "
                 "tree_sitter_NAME (repeatable)")
      ->type_name("NAME=LIB.so");
  app.add_option("--queries", setup.query_flags,
                 "Query directory (chunks.scm, folds.scm) for a language: NAME=DIR (repeatable); "
                 "overrides the built-in queries of a known language")
      ->type_name("NAME=DIR");
  app.add_option("--config", setup.config_file, "JSON config file with extra languages")
      ->check(CLI::ExistingFile);
}

// --cache-LEVEL-entries, --cache-LEVEL-bytes, --cache-LEVEL-ttl for each cache level.
struct CacheFlags {
  chunkls::SourceCacheLimits limits;
  std::int64_t trees_ttl = seconds(limits.trees.ttl);
  std::int64_t chunks_ttl = seconds(limits.chunks.ttl);
  std::int64_t files_ttl = seconds(limits.files.ttl);
  std::int64_t constructs_ttl = seconds(limits.constructs.ttl);

  void add_to(CLI::App& app) {
    add_level(app, "trees", limits.trees, "syntax trees of closed documents", trees_ttl);
    add_level(app, "chunks", limits.chunks, "chunk lists of texts", chunks_ttl);
    add_level(app, "files", limits.files, "file stamps (path, size, mtime, content hash)",
              files_ttl);
    add_level(app, "constructs", limits.constructs, "query results per top-level construct",
              constructs_ttl);
  }
  static std::int64_t seconds(std::chrono::milliseconds ttl) {
    return std::chrono::duration_cast<std::chrono::seconds>(ttl).count();
  }
  chunkls::SourceCacheLimits resolved() const {
    chunkls::SourceCacheLimits out = limits;
    out.trees.ttl = std::chrono::seconds(trees_ttl);
    out.chunks.ttl = std::chrono::seconds(chunks_ttl);
    out.files.ttl = std::chrono::seconds(files_ttl);
    out.constructs.ttl = std::chrono::seconds(constructs_ttl);
    return out;
  }

 private:
  static void add_level(CLI::App& app, const std::string& name, chunkls::CacheLimits& into,
                        const std::string& what,
                        // cppcheck-suppress constParameter ; CLI11 writes the value into it
                        std::int64_t& ttl_seconds) {
    // `most` also gives the range its type, so the check reads as before.
    const auto add = [&](const std::string& suffix, auto& value, const std::string& help,
                         auto most) {
      app.add_option("--cache-" + name + suffix, value, help)
          ->capture_default_str()
          ->check(CLI::Range(decltype(most){0}, most))
          ->group("Caches");
    };
    add("-entries", into.max_entries, "Most entries in the cache of " + what,
        std::uint64_t{1} << 40);
    add("-bytes", into.max_bytes, "Most bytes the cache of " + what + " holds",
        std::uint64_t{1} << 50);
    add("-ttl", ttl_seconds,
        "Seconds an entry of the cache of " + what + " may go unused (0: until evicted)",
        std::int64_t{10} * 365 * 24 * 3600);
  }
};

struct ServeFlags {
  std::optional<std::uint16_t> port;
  std::string log_file;
  bool stdio = false;
  std::int64_t time_limit_ms = 10000;
  unsigned threads = 0;
  std::uint64_t max_file_bytes = std::uint64_t{1024} * 1024;
  std::uint64_t max_document_bytes = chunkls::kDefaultMaxDocumentBytes;
  bool test_hooks = false;
  std::string trace_file;
  CacheFlags caches;
  // The workspace indexer.
  bool no_index = false;
  std::string index_cache;
  bool index_in_memory = false;
  std::vector<std::string> index_excludes;
  unsigned index_workers = 0;
  std::uint64_t index_max_file_bytes = chunkls::kDefaultMaxFileBytes;
};

// The workspace indexer's options, under one heading of --help.
void add_workspace_index_options(CLI::App& app, ServeFlags& flags) {
  // cppcheck-suppress constVariable ; group() changes each option
  CLI::Option* const options[] = {
      app.add_flag("--no-index", flags.no_index, "Do not index the workspace folders"),
      app.add_option("--index-cache", flags.index_cache,
                     "Directory of the persistent index stores (default: $XDG_CACHE_HOME/chunkls)"),
      app.add_flag("--index-in-memory", flags.index_in_memory,
                   "Keep the workspace index in memory only"),
      app.add_option("--index-exclude", flags.index_excludes,
                     "Leave out files and directories matching this glob (.gitignore syntax)"),
      app.add_option("--index-workers", flags.index_workers,
                     "Indexing threads (default: half the cores, at least 1)"),
      app.add_option("--index-max-file-size", flags.index_max_file_bytes,
                     "Index no file larger than this many bytes (0: no limit)")
          ->capture_default_str(),
  };
  for (CLI::Option* option : options)
    option->group("Workspace index");
}

// Options `chunk` and `index` share, said the same way in both.
void add_max_size_option(CLI::App& command, std::uint64_t& max_bytes) {
  command
      .add_option("--max-size", max_bytes, "Skip files larger than this many bytes (0: no limit)")
      ->capture_default_str();
}
void add_stats_flag(CLI::App& command, bool& with_stats) {
  command.add_flag("--stats", with_stats,
                   "Print timings, cache counters and memory on standard error at the end");
}

// Compiles every language's queries and makes a parser for each off the reader's path,
// so the first didOpen of a language does not pay for them and no answer waits on it
// (a request that needs a language being compiled waits for that one alone). Stopped
// and joined when serve() returns, before the server and the registry it reads go
// away: an exit waits for the language being compiled, not for the rest (0.7 s).
std::jthread warm_up_in_background(chunkls::LspServer& server,
                                   const chunkls::LanguageRegistry& registry,
                                   std::shared_ptr<spdlog::logger> log) {
  return std::jthread([&server, &registry, log = std::move(log)](std::stop_token stop) {
    chunkls::name_this_thread("chunkls-warm-up");
    const std::vector<const chunkls::Language*> languages = registry.languages();
    for (const auto& failure : server.chunkers().warm_up(languages, stop)) {
      log->warn("queries of {} do not compile: {}", failure.language, failure.message);
    }
    // Compiling the queries freed megabytes of temporaries that tune_malloc() would keep
    // mapped: give them back once (the answers' buffers come later).
    malloc_trim(0);
  });
}

int serve(const ServeFlags& flags, const chunkls::LanguageRegistry& registry,
          spdlog::level::level_enum level) {
  // A client that goes away must not kill us mid-write: EPIPE is handled.
  std::signal(SIGPIPE, SIG_IGN);
  std::shared_ptr<spdlog::logger> log;
  try {
    log = flags.log_file.empty()
              ? spdlog::stderr_color_mt("chunkls-server")
              : spdlog::basic_logger_mt("chunkls-server", flags.log_file, /*truncate=*/false);
  } catch (const spdlog::spdlog_ex& e) {
    spdlog::error("cannot open the log file: {}", e.what());
    return kExitUsage;
  }
  log->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
  log->set_level(level);
  // Every line written reaches the file at once, at any level: a log read while the
  // server runs (an editor test, a user tailing it) or after a crash is complete.
  log->flush_on(spdlog::level::trace);

  tune_malloc();
  chunkls::ServerOptions options;
  options.scheduling.time_limit = std::chrono::milliseconds(flags.time_limit_ms);
  options.scheduling.max_file_bytes = flags.max_file_bytes;
  options.scheduling.document_limits.max_bytes = flags.max_document_bytes;
  options.scheduling.worker_threads =
      flags.threads > 0 ? flags.threads : std::max(2u, std::thread::hardware_concurrency());
  options.test_hooks = flags.test_hooks;
  options.scheduling.caches = flags.caches.resolved();
  options.workspace.enabled = !flags.no_index;
  options.workspace.in_memory = flags.index_in_memory;
  // One bound for every parse: the indexer gives up on a file where a request would.
  options.workspace.indexer.time_limit = options.scheduling.time_limit;
  options.workspace.indexer.cache_directory = flags.index_cache;
  options.workspace.indexer.walk.exclude_globs = flags.index_excludes;
  options.workspace.indexer.walk.max_file_bytes = flags.index_max_file_bytes;
  // Fewer workers than cores, so typing always finds one free.
  options.workspace.indexer.workers = flags.index_workers > 0
                                          ? flags.index_workers
                                          : std::max(1u, std::thread::hardware_concurrency() / 2);
  // Declared before the server: it outlives every thread that traces.
  std::unique_ptr<chunkls::ChromeTrace> trace;
  if (!flags.trace_file.empty()) {
    try {
      trace = std::make_unique<chunkls::ChromeTrace>(flags.trace_file);
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      return kExitUsage;
    }
    options.trace = trace.get();
  }
  if (flags.port) {
    std::uint16_t bound = 0;
    int socket = -1;
    try {
      const int listener = chunkls::protocol::listen_on_loopback(*flags.port, bound);
      std::cerr << "listening on 127.0.0.1:" << bound << std::endl;
      socket = chunkls::protocol::accept_one(listener);
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      return 1;
    }
    log->info("chunkls {} serving a TCP client on 127.0.0.1:{}", chunkls::kVersion, bound);
    chunkls::protocol::FdTransport transport(socket, socket, /*owns_fds=*/true);
    chunkls::LspServer server(transport, registry, options, log);
    const std::jthread warm_up = warm_up_in_background(server, registry, log);
    return server.run();
  }
  log->info("chunkls {} serving on stdio", chunkls::kVersion);
  chunkls::protocol::FdTransport transport(STDIN_FILENO, STDOUT_FILENO);
  chunkls::LspServer server(transport, registry, options, log);
  const std::jthread warm_up = warm_up_in_background(server, registry, log);
  return server.run();
}

}  // namespace

// What escapes main is a bug or bad_alloc: std::terminate (its message, a core) ends it.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  auto logger = spdlog::stderr_color_mt("chunkls");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("chunkls: %l: %v");
  spdlog::set_level(spdlog::level::warn);

  CLI::App app{"chunkls: a tree-sitter language server and code chunker", "chunkls"};
  app.set_version_flag("--version", std::string("chunkls ") + chunkls::kVersion);
  app.require_subcommand(0, 1);
  std::string log_level;
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  chunkls::LanguageSetup setup;
  add_language_options(app, setup);

  ServeFlags serve_flags;
  app.add_flag("--stdio", serve_flags.stdio, "Serve LSP on standard input/output (the default)");
  app.add_option("--port", serve_flags.port,
                 "Serve LSP on TCP 127.0.0.1:PORT instead of stdio (0 picks a free port, "
                 "printed on stderr)");
  app.add_option("--log", serve_flags.log_file, "Server log file (default: standard error)");
  app.add_option("--threads", serve_flags.threads, "Worker threads (default: cores, at least 2)");
  app.add_option("--parse-time-limit", serve_flags.time_limit_ms,
                 "Give up parsing or chunking one document after this many milliseconds (0: "
                 "none)")
      ->capture_default_str();
  app.add_option("--max-file-size", serve_flags.max_file_bytes,
                 "Largest unopened file read from disk for a request, in bytes")
      ->capture_default_str();
  app.add_option("--max-document-size", serve_flags.max_document_bytes,
                 "Largest text an open document may hold, in bytes (at most 4 GiB - 2); "
                 "a larger one is reported and serves nothing until it shrinks")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, chunkls::kMaxDocumentBytesCeiling));
  app.add_option("--trace", serve_flags.trace_file,
                 "Write a Chrome trace (requests, parses, chunk updates) to FILE; open it in "
                 "ui.perfetto.dev");
  serve_flags.caches.add_to(app);
  add_workspace_index_options(app, serve_flags);
  // For the end-to-end tests only: methods that make a document busy on demand.
  app.add_flag("--test-hooks", serve_flags.test_hooks)->group("");

  chunkls::ChunkCommandOptions chunk_options;
  chunk_options.max_bytes = std::uint64_t{1024} * 1024;
  std::string format = "text";
  CLI::App* chunk = app.add_subcommand("chunk", "Print the chunks of source files");
  chunk->add_option("files", chunk_options.files, "Files to chunk; - reads standard input")
      ->required();
  chunk->add_option("--format", format, "text, json or jsonl")
      ->check(CLI::IsMember({"text", "json", "jsonl"}))
      ->capture_default_str();
  chunk->add_option("--language", chunk_options.language,
                    "Force the language (name or LSP languageId) instead of detecting it");
  add_max_size_option(*chunk, chunk_options.max_bytes);
  chunk->add_flag("--content", chunk_options.with_content,
                  "Include each chunk's text (json and jsonl)");
  std::int64_t time_limit_ms = 10000;
  chunk
      ->add_option(
          "--time-limit", time_limit_ms,
          "Give up on a file after this many milliseconds of parsing and matching (0: none)")
      ->capture_default_str();
  chunk->add_flag("--folds", chunk_options.with_folds, "List the folds too (text)");
  add_stats_flag(*chunk, chunk_options.with_stats);
  chunk->add_option("--trace", chunk_options.trace_file,
                    "Write a Chrome trace (per file: parse, chunking) to FILE");
  CacheFlags chunk_caches;
  chunk_caches.add_to(*chunk);

  CLI::App* tree =
      app.add_subcommand("tree", "Print the syntax tree of source files (for query authors)");
  tree->add_option("files", chunk_options.files, "Files to parse; - reads standard input")
      ->required();
  tree->add_option("--language", chunk_options.language, "Force the language");
  tree->add_option("--time-limit", time_limit_ms, "Give up on a file after this many milliseconds");

  chunkls::IndexCommandOptions index_options;
  std::string index_format = "summary";
  std::int64_t index_time_limit_ms = 10000;
  bool index_no_content = false;
  CLI::App* index = app.add_subcommand(
      "index", "Index directory trees (honours .gitignore; kept in a store for the next run)");
  index->add_option("dirs", index_options.roots, "Directories to index (default: .)");
  index->add_option("-j,--jobs", index_options.jobs, "Worker threads (default: one per core)");
  index->add_option("--cache", index_options.cache_directory,
                    "Directory of the persistent stores (default: $XDG_CACHE_HOME/chunkls)");
  index->add_flag("--no-cache", index_options.no_cache, "Keep the index in memory only");
  index->add_option("--format", index_format, "summary, jsonl (one chunk per line) or json")
      ->check(CLI::IsMember({"summary", "jsonl", "json"}))
      ->capture_default_str();
  index->add_option("--exclude", index_options.excludes,
                    "Leave out files and directories matching this glob (.gitignore syntax; "
                    "repeatable)");
  add_max_size_option(*index, index_options.max_bytes);
  index->add_flag("--no-content", index_no_content, "jsonl/json: leave out each chunk's text");
  add_stats_flag(*index, index_options.with_stats);
  index->add_flag("-q,--quiet", index_options.quiet, "No progress on standard error");
  index
      ->add_option("--time-limit", index_time_limit_ms,
                   "Give up on a file after this many milliseconds (0: none)")
      ->capture_default_str();
  CacheFlags index_caches;
  index_caches.add_to(*index);
  std::string index_shard;
  index->add_option("--shard", index_shard,
                    "Index only shard K of N of the files (K/N, e.g. 0/4), or auto: from a "
                    "Slurm job array, a Kubernetes Indexed Job or GNU parallel");
  index->add_option("--out", index_options.out,
                    "Write the store (summary format; for chunkls merge) or the jsonl/json "
                    "listing to this file, whole or not at all");

  chunkls::MergeCommandOptions merge_options;
  CLI::App* merge = app.add_subcommand(
      "merge", "Merge the shard stores of chunkls index --shard K/N --out FILE into one store");
  merge->add_option("shards", merge_options.shards, "The shard stores, one per shard")->required();
  merge
      ->add_option("--out", merge_options.out,
                   "The merged store: a file, or a cache directory (where chunkls index "
                   "--cache finds it)")
      ->required();

  chunkls::CacheCommandOptions cache_options;
  CLI::App* cache =
      app.add_subcommand("cache", "The persistent index stores: `info` or `clear` [ROOT...]");
  std::string cache_action;
  cache->add_option("action", cache_action, "info or clear")
      ->required()
      ->check(CLI::IsMember({"info", "clear"}));
  cache->add_option("roots", cache_options.roots, "Only the stores of these roots");
  cache->add_option("--cache", cache_options.cache_directory,
                    "Directory of the stores (default: $XDG_CACHE_HOME/chunkls)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return e.get_exit_code() == 0 ? code : kExitUsage;
  }
  const bool serving = app.get_subcommands().empty();
  const auto level =
      spdlog::level::from_str(log_level.empty() ? (serving ? "info" : "warn") : log_level);
  spdlog::set_level(level);

  chunkls::LanguageRegistry registry;
  try {
    registry = setup.build_registry();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kExitUsage;
  }

  if (serving) return serve(serve_flags, registry, level);

  chunk_options.time_limit = std::chrono::milliseconds(time_limit_ms);
  if (chunk->parsed()) {
    static const std::map<std::string, chunkls::OutputFormat> kFormats = {
        {"text", chunkls::OutputFormat::kText},
        {"json", chunkls::OutputFormat::kJson},
        {"jsonl", chunkls::OutputFormat::kJsonl}};
    chunk_options.format = kFormats.at(format);
    chunk_options.caches = chunk_caches.resolved();
    std::ios::sync_with_stdio(false);
    return chunkls::run_chunk_command(chunk_options, registry, std::cin, std::cout, std::cerr);
  }
  if (index->parsed()) {
    index_options.format = index_format == "jsonl"  ? chunkls::IndexFormat::kJsonl
                           : index_format == "json" ? chunkls::IndexFormat::kJson
                                                    : chunkls::IndexFormat::kSummary;
    index_options.with_content = !index_no_content;
    index_options.time_limit = std::chrono::milliseconds(index_time_limit_ms);
    index_options.caches = index_caches.resolved();
    index_options.progress_bar = isatty(STDERR_FILENO) != 0;
    if (!index_shard.empty()) {
      try {
        index_options.shard =
            chunkls::parse_shard(index_shard, [](const char* name) { return std::getenv(name); });
      } catch (const chunkls::ShardError& e) {
        std::cerr << "chunkls index: " << e.what() << '\n';
        return kExitUsage;
      }
    }
    std::ios::sync_with_stdio(false);
    return chunkls::run_index_command(index_options, registry, std::cout, std::cerr);
  }
  if (merge->parsed()) {
    return chunkls::run_merge_command(merge_options, registry, std::cout, std::cerr);
  }
  if (cache->parsed()) {
    cache_options.action =
        cache_action == "clear" ? chunkls::CacheAction::kClear : chunkls::CacheAction::kInfo;
    return chunkls::run_cache_command(cache_options, registry, std::cout, std::cerr);
  }
  if (tree->parsed()) {
    chunk_options.max_bytes = 0;
    return chunkls::run_tree_command(chunk_options, registry, std::cin, std::cout, std::cerr);
  }
  return kExitUsage;
}
