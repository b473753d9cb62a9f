// GrammarLibrary: a tree-sitter grammar loaded at run time from a shared library
// (`dlopen`, entry point `tree_sitter_<name>`), for languages chunkls is not built with.
//
// Owns the dlopen handle; the TSLanguage it returns lives as long as the library, so
// Language entries hold it by shared_ptr. Loading checks the grammar's ABI version
// against the runtime's supported range and fails with a message a user can act on.
//
// Thread-safety: load() may run on any thread; a loaded library is immutable.
#pragma once

#include <tree_sitter/api.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "engine/syntax/query_set.h"

namespace chunkls {

class GrammarLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class GrammarLibrary {
 public:
  // Throws GrammarLoadError: unreadable library, missing entry point, ABI out of range.
  static std::shared_ptr<const GrammarLibrary> load(const std::filesystem::path& path,
                                                    std::string_view language_name);
  const TSLanguage* language() const { return language_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  struct HandleCloser {
    void operator()(void* handle) const;
  };
  std::unique_ptr<void, HandleCloser> handle_;
  const TSLanguage* language_ = nullptr;
  std::filesystem::path path_;
};

// The entry point name for a language: tree_sitter_<name>, '-' written as '_'.
std::string grammar_symbol(std::string_view language_name);

// Reads `<dir>/chunks.scm` (required) and `<dir>/folds.scm` (optional, empty if absent).
// Throws std::runtime_error naming the missing or unreadable file.
std::pair<QuerySource, QuerySource> read_query_dir(const std::filesystem::path& dir);

}  // namespace chunkls
