// LanguageSetup: what the user adds to or changes in the language registry at start-up:
// extra grammars (`--grammar name=lib.so`), query directories (`--queries name=dir`)
// and the same from a JSON config file. Turns them into a ready LanguageRegistry.
//
// Used once on the main thread before any work starts; not thread-safe.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/syntax/language_registry.h"

namespace chunkls {

struct ExtraLanguage {
  std::string name;
  std::filesystem::path library;    // grammar shared library; empty to only override queries
  std::filesystem::path query_dir;  // chunks.scm (+ folds.scm)
  std::vector<std::string> extensions;
  std::vector<std::string> language_ids;
};

struct LanguageSetup {
  std::vector<std::string> grammar_flags;  // "name=path.so"
  std::vector<std::string> query_flags;    // "name=dir"
  std::optional<std::filesystem::path> config_file;

  // Throws std::runtime_error with a message for the user (bad flag, unreadable
  // config, grammar that does not load, query that does not compile).
  LanguageRegistry build_registry() const;
};

// Parses the config file's "languages" array. Throws std::runtime_error.
std::vector<ExtraLanguage> read_language_config(const std::filesystem::path& file);

}  // namespace chunkls
