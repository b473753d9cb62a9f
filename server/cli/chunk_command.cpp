#include "server/cli/chunk_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <istream>
#include <memory>
#include <ostream>

#include "engine/chunks/chunker.h"
#include "engine/metrics/monitor.h"
#include "engine/text/source_file.h"
#include "server/cli/stats_output.h"
#include "server/tracing/chrome_trace.h"

namespace chunkls {

namespace {

// Reads each file of the options, detects its language and hands (path, language,
// read) to `visit`; reports every failure on `err`. Returns the exit code.
template <typename Visit>
int for_each_source(const ChunkCommandOptions& options, const LanguageRegistry& registry,
                    std::istream& in, std::ostream& err, Visit&& visit) {
  const Language* forced = nullptr;
  if (!options.language.empty()) {
    forced = registry.find(options.language);
    if (!forced) {
      err << fmt::format("chunkls: unsupported language '{}'\n", options.language);
      return 1;
    }
  }
  int failures = 0;
  auto report = [&](const std::string& path, const std::string& reason) {
    err << fmt::format("chunkls: {}: {}\n", path, reason);
    ++failures;
  };
  for (const std::string& path : options.files) {
    const bool from_stdin = path == "-";
    SourceRead source = from_stdin ? read_source(in, options.max_bytes)
                                   : read_source(std::filesystem::path(path), options.max_bytes);
    if (!source) {
      report(path, source.reason);
      continue;
    }
    const Language* language =
        forced ? forced
               : registry.detect({.language_id = {},
                                  .path = from_stdin ? std::string_view() : path,
                                  .content = source.bytes});
    if (!language) {
      report(path, from_stdin
                       ? "unsupported language (stdin: give --language)"
                       : "unsupported language (unknown extension and no shebang; see --language)");
      continue;
    }
    try {
      visit(from_stdin ? std::string("<stdin>") : path, *language, source);
    } catch (const std::exception& e) {
      report(path, e.what());
    }
  }
  return failures == 0 ? 0 : 1;
}

constexpr std::uint32_t kMaxIndent = 64;

// Iterative: a tree 100,000 levels deep must not exhaust the stack.
void print_tree(std::ostream& out, TSNode root) {
  TreeCursor cursor(root);
  std::uint32_t depth = 0;  // named ancestors
  while (true) {
    const TSNode node = cursor.node();
    const bool named = ts_node_is_named(node);
    if (named) {
      const char* field = cursor.field_name();
      const TSPoint s = ts_node_start_point(node);
      const TSPoint e = ts_node_end_point(node);
      // Indentation stops growing at kMaxIndent levels (the depth is printed instead), so
      // the output stays linear in the number of nodes.
      const std::string deep =
          depth > kMaxIndent ? fmt::format("(depth {}) ", depth) : std::string();
      out << fmt::format("{:{}}{}{}{}{} [{}:{}-{}:{}]{}\n", "", 2 * std::min(depth, kMaxIndent),
                         deep, field ? field : "", field ? ": " : "", ts_node_type(node), s.row + 1,
                         s.column, e.row + 1, e.column, ts_node_is_missing(node) ? " MISSING" : "");
    }
    // Only named nodes are entered: anonymous ones are tokens, printed by no grammar we
    // know with named children.
    if (named && cursor.goto_first_child()) {
      ++depth;
      continue;
    }
    while (!cursor.goto_next_sibling()) {
      if (!cursor.goto_parent()) return;
      --depth;
    }
  }
}

}  // namespace

int run_chunk_command(const ChunkCommandOptions& options, const LanguageRegistry& registry,
                      std::istream& in, std::ostream& out, std::ostream& err) {
  std::unique_ptr<ChromeTrace> trace;
  if (!options.trace_file.empty()) {
    try {
      trace = std::make_unique<ChromeTrace>(options.trace_file);
    } catch (const std::exception& e) {
      err << fmt::format("chunkls: {}\n", e.what());
      return 1;
    }
    name_this_thread("chunkls-chunk");
  }
  Monitor monitor;
  monitor.set_trace(trace.get());
  SourceCaches caches(options.caches);
  ChunkerPool chunkers;
  ChunkOutput output(out, options.format, options.with_content, options.with_folds);
  output.begin();
  const int code = for_each_source(
      options, registry, in, err,
      [&](const std::string& path, const Language& language, const SourceRead& source) {
        const std::string_view text = source.bytes;
        const ContentKey key =
            source.stamp ? caches.key_of_file(path, language, source) : content_key(language, text);
        std::shared_ptr<const ChunkedText> chunked = caches.chunks_for(key, path);
        if (!chunked) {
          const Deadline deadline = Deadline::after(options.time_limit);
          const ChunkerPool::Lease chunker = chunkers.acquire(language);
          Tree tree;
          {
            const ScopedTimer timed(&monitor, Stage::kParse, path);
            tree = chunker->parser().parse(text, nullptr, deadline);
          }
          if (!tree) {
            if (deadline.expired()) deadline.give_up(fmt::format("parsing {} bytes", text.size()));
            throw ChunkError(fmt::format("parsing failed for language '{}'", language.name()));
          }
          const ScopedTimer timed(&monitor, Stage::kChunkWhole, path);
          // Files that share most constructs (versions, vendored copies) re-query only the
          // ones that differ.
          ChunkedText whole = chunk_by_constructs(*chunker, caches.constructs(), language,
                                                  std::move(tree), text, path, deadline);
          whole.tree = Tree();  // the output needs the chunks only
          chunked = std::make_shared<const ChunkedText>(std::move(whole));
          caches.keep(key, chunked, path);
        }
        {
          const ScopedTimer timed(&monitor, Stage::kSerialize, path);
          output.file({path, language.name(), text, &chunked->chunks, &chunked->folds});
        }
        // Still a success: the chunks listed are right, and the note says what is missing.
        if (const std::string omission = chunked->omission(); !omission.empty()) {
          err << fmt::format("chunkls: {}: {}\n", path, omission);
        }
      });
  output.end();
  if (options.with_stats) print_stats_table(out, err, monitor, caches, chunkers);
  return code;
}

int run_tree_command(const ChunkCommandOptions& options, const LanguageRegistry& registry,
                     std::istream& in, std::ostream& out, std::ostream& err) {
  Parser parser;
  return for_each_source(
      options, registry, in, err,
      [&](const std::string& path, const Language& language, const SourceRead& source) {
        const std::string_view text = source.bytes;
        if (!parser.set_language(language.grammar())) {
          throw std::runtime_error("tree-sitter refused the grammar");
        }
        const Tree tree = parser.parse(text, nullptr, Deadline::after(options.time_limit));
        if (!tree) throw DeadlineExceeded(fmt::format("parsing {} bytes", text.size()));
        out << fmt::format("{} ({})\n", path, language.name());
        print_tree(out, tree.root());
      });
}

}  // namespace chunkls
