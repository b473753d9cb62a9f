// LanguageRegistry: the set of languages chunkls can chunk, and detection of a file's
// language from an LSP languageId, a file name or extension, or a shebang line.
//
// Built once at start-up (builtins, then extra grammars and query overrides from the
// command line or config), then only read. Mutating calls (add, set_queries) are not
// thread-safe and must finish before the registry is shared; lookups, detect() and
// warm_up() are safe from any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/syntax/language.h"

namespace chunkls {

struct DetectionHints {
  std::string_view language_id;  // LSP languageId or a user's --language; wins when known
  std::string_view path;         // file name and extension
  std::string_view content;      // the first line is read for a shebang
};

struct WarmUpFailure {
  std::string language;
  std::string message;
};

class LanguageRegistry {
 public:
  LanguageRegistry() = default;
  LanguageRegistry(LanguageRegistry&&) = default;
  LanguageRegistry& operator=(LanguageRegistry&&) = default;

  // The languages compiled into chunkls, with the queries embedded from engine/queries.
  static LanguageRegistry with_builtins();

  // Adds a language; an existing language of the same name is replaced (a user's
  // grammar wins over ours). Throws std::invalid_argument without a grammar or name.
  const Language& add(LanguageSpec spec, std::shared_ptr<const GrammarLibrary> library = {});

  // Loads `tree_sitter_<spec.name>` from a shared library and the queries from a
  // directory; `spec` gives the detection rules (its name is also a languageId).
  // Throws GrammarLoadError or std::runtime_error with a message for the user.
  const Language& add_from_library(LanguageSpec spec, const std::filesystem::path& library,
                                   const std::filesystem::path& query_dir);

  // Replaces the queries of a known language (e.g. a user's own chunks.scm).
  // Throws std::invalid_argument for an unknown language.
  void set_queries(std::string_view name, QuerySource chunks, QuerySource folds);

  // By name or by LSP languageId.
  const Language* find(std::string_view name_or_id) const;
  // nullptr when no rule matches: the caller reports "unsupported language".
  const Language* detect(const DetectionHints& hints) const;

  // Compiles the queries of the named languages (all when empty); returns failures.
  std::vector<WarmUpFailure> warm_up(std::span<const std::string> names = {}) const;

  std::vector<const Language*> languages() const;

 private:
  std::vector<std::unique_ptr<Language>> languages_;
};

// The interpreter named by a "#!" line, with directories and version digits removed:
// "#!/usr/bin/env -S python3.11 -u" -> "python". Empty without a shebang.
std::string shebang_interpreter(std::string_view content);

}  // namespace chunkls
