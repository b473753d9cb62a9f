// Language: one entry of the plugin registry. Everything chunkls knows about a
// language is here: its name, the LSP languageIds, file extensions and names, shebang
// interpreters, the grammar entry point and our query set.
//
// Owned by LanguageRegistry (stable address for the registry's lifetime). Queries are
// compiled once, on first use or by LanguageRegistry::warm_up; the compile is guarded
// by std::call_once, so queries() is safe from any thread. Everything else is immutable.
#pragma once

#include <tree_sitter/api.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/syntax/grammar_library.h"
#include "engine/syntax/query_set.h"

namespace chunkls {

struct LanguageSpec {
  std::string name;                       // "python", "cpp", ...
  std::vector<std::string> language_ids;  // LSP languageIds: "python", "javascriptreact", ...
  std::vector<std::string> extensions;    // with the dot: ".py"
  std::vector<std::string> file_names;    // exact base names: "Gemfile", ".bashrc"
  std::vector<std::string> interpreters;  // shebang interpreters, version digits stripped
  const TSLanguage* grammar = nullptr;
  QuerySource chunks_query;
  QuerySource folds_query;
};

class Language {
 public:
  Language(LanguageSpec spec, std::shared_ptr<const GrammarLibrary> library);
  Language(const Language&) = delete;
  Language& operator=(const Language&) = delete;

  const LanguageSpec& spec() const { return spec_; }
  const std::string& name() const { return spec_.name; }
  const TSLanguage* grammar() const { return spec_.grammar; }
  // What the chunks of a text depend on besides its bytes, as one hash: the grammar's
  // name, ABI version, semantic version (when it has one) and table sizes, and the
  // text of our chunk and fold queries. The content-addressed caches key on it, so a
  // new grammar or query never reads an old entry.
  std::uint64_t identity() const { return identity_; }

  // The compiled queries. Throws QueryCompileError (the same one on every call) when
  // a query does not compile.
  const QuerySet& queries() const;

 private:
  LanguageSpec spec_;
  std::uint64_t identity_ = 0;
  std::shared_ptr<const GrammarLibrary> library_;  // keeps a dlopen'ed grammar alive
  mutable std::once_flag compiled_;
  mutable std::optional<QuerySet> queries_;
  mutable std::optional<QueryCompileError> error_;
};

}  // namespace chunkls
