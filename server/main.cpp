// The `chunkls` command line: `chunkls chunk FILE...` now; the language server and
// `chunkls index` arrive as their issues land. Exit codes: 0 ok, 1 some file failed,
// 2 usage error.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "server/chunk_command.h"
#include "server/language_setup.h"
#include "server/version.h"

namespace {

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

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("chunkls");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("chunkls: %l: %v");
  spdlog::set_level(spdlog::level::warn);

  CLI::App app{"chunkls: a tree-sitter language server and code chunker", "chunkls"};
  app.set_version_flag("--version", std::string("chunkls ") + chunkls::kVersion);
  app.require_subcommand(1);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  chunkls::LanguageSetup setup;
  add_language_options(app, setup);

  chunkls::ChunkCommandOptions chunk_options;
  chunk_options.max_bytes = 1024 * 1024;
  std::string format = "text";
  CLI::App* chunk = app.add_subcommand("chunk", "Print the chunks of source files");
  chunk->add_option("files", chunk_options.files, "Files to chunk; - reads standard input")
      ->required();
  chunk->add_option("--format", format, "text, json or jsonl")
      ->check(CLI::IsMember({"text", "json", "jsonl"}))
      ->capture_default_str();
  chunk->add_option("--language", chunk_options.language,
                    "Force the language (name or LSP languageId) instead of detecting it");
  chunk
      ->add_option("--max-size", chunk_options.max_bytes,
                   "Skip files larger than this many bytes (0: no limit)")
      ->capture_default_str();
  chunk->add_flag("--content", chunk_options.with_content,
                  "Include each chunk's text (json and jsonl)");
  std::int64_t time_limit_ms = 10000;
  chunk
      ->add_option(
          "--time-limit", time_limit_ms,
          "Give up on a file after this many milliseconds of parsing and matching (0: none)")
      ->capture_default_str();
  chunk->add_flag("--folds", chunk_options.with_folds, "List the folds too (text)");

  CLI::App* tree =
      app.add_subcommand("tree", "Print the syntax tree of source files (for query authors)");
  tree->add_option("files", chunk_options.files, "Files to parse; - reads standard input")
      ->required();
  tree->add_option("--language", chunk_options.language, "Force the language");
  tree->add_option("--time-limit", time_limit_ms, "Give up on a file after this many milliseconds");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return e.get_exit_code() == 0 ? code : kExitUsage;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));

  chunkls::LanguageRegistry registry;
  try {
    registry = setup.build_registry();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kExitUsage;
  }

  chunk_options.time_limit = std::chrono::milliseconds(time_limit_ms);
  if (chunk->parsed()) {
    static const std::map<std::string, chunkls::OutputFormat> kFormats = {
        {"text", chunkls::OutputFormat::kText},
        {"json", chunkls::OutputFormat::kJson},
        {"jsonl", chunkls::OutputFormat::kJsonl}};
    chunk_options.format = kFormats.at(format);
    std::ios::sync_with_stdio(false);
    return chunkls::run_chunk_command(chunk_options, registry, std::cin, std::cout, std::cerr);
  }
  if (tree->parsed()) {
    chunk_options.max_bytes = 0;
    return chunkls::run_tree_command(chunk_options, registry, std::cin, std::cout, std::cerr);
  }
  return kExitUsage;
}
