#include "server/chunk_command.h"

#include <fmt/format.h>

#include <istream>
#include <ostream>

#include "engine/chunker.h"
#include "engine/source_file.h"

namespace chunkls {

namespace {

// Reads each file of the options, detects its language and hands (path, language,
// text) to `visit`; reports every failure on `err`. Returns the exit code.
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
      visit(from_stdin ? std::string("<stdin>") : path, *language, source.bytes);
    } catch (const std::exception& e) {
      report(path, e.what());
    }
  }
  return failures == 0 ? 0 : 1;
}

void print_tree(std::ostream& out, TSNode node, std::string_view field, int depth) {
  const TSPoint s = ts_node_start_point(node);
  const TSPoint e = ts_node_end_point(node);
  out << fmt::format("{:{}}{}{}{} [{}:{}-{}:{}]{}\n", "", 2 * depth, field,
                     field.empty() ? "" : ": ", ts_node_type(node), s.row + 1, s.column, e.row + 1,
                     e.column, ts_node_is_missing(node) ? " MISSING" : "");
  const std::uint32_t n = ts_node_named_child_count(node);
  for (std::uint32_t i = 0; i < n; ++i) {
    const char* child_field = ts_node_field_name_for_named_child(node, i);
    print_tree(out, ts_node_named_child(node, i), child_field ? child_field : "", depth + 1);
  }
}

}  // namespace

int run_chunk_command(const ChunkCommandOptions& options, const LanguageRegistry& registry,
                      std::istream& in, std::ostream& out, std::ostream& err) {
  Chunker chunker;
  ChunkOutput output(out, options.format, options.with_content, options.with_folds);
  output.begin();
  const int code = for_each_source(
      options, registry, in, err,
      [&](const std::string& path, const Language& language, std::string_view text) {
        const ChunkedText chunked =
            chunker.chunk(language, text, path, Deadline::after(options.time_limit));
        output.file({path, language.name(), text, &chunked});
      });
  output.end();
  return code;
}

int run_tree_command(const ChunkCommandOptions& options, const LanguageRegistry& registry,
                     std::istream& in, std::ostream& out, std::ostream& err) {
  Parser parser;
  return for_each_source(
      options, registry, in, err,
      [&](const std::string& path, const Language& language, std::string_view text) {
        if (!parser.set_language(language.grammar())) {
          throw std::runtime_error("tree-sitter refused the grammar");
        }
        const Tree tree = parser.parse(text, nullptr, Deadline::after(options.time_limit));
        if (!tree) throw DeadlineExceeded(fmt::format("parsing {} bytes", text.size()));
        out << fmt::format("{} ({})\n", path, language.name());
        print_tree(out, tree.root(), "", 0);
      });
}

}  // namespace chunkls
