#include "engine/syntax/grammar_library.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace chunkls {

void GrammarLibrary::HandleCloser::operator()(void* handle) const {
  if (handle) dlclose(handle);
}

std::string grammar_symbol(std::string_view language_name) {
  std::string symbol = "tree_sitter_";
  for (char c : language_name)
    symbol += c == '-' ? '_' : c;
  return symbol;
}

std::shared_ptr<const GrammarLibrary> GrammarLibrary::load(const std::filesystem::path& path,
                                                           std::string_view language_name) {
  auto library = std::make_shared<GrammarLibrary>();
  library->path_ = path;
  library->handle_.reset(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!library->handle_) {
    const char* why = dlerror();
    throw GrammarLoadError(fmt::format("cannot load grammar library {}: {}", path.string(),
                                       why ? why : "unknown error"));
  }
  const std::string symbol = grammar_symbol(language_name);
  dlerror();
  void* entry = dlsym(library->handle_.get(), symbol.c_str());
  if (!entry) {
    throw GrammarLoadError(
        fmt::format("grammar library {} has no entry point {}() for language '{}'", path.string(),
                    symbol, language_name));
  }
  using Entry = const TSLanguage* (*)();
  // dlsym hands back a data pointer; POSIX guarantees it converts to a function pointer.
  const TSLanguage* language = reinterpret_cast<Entry>(entry)();
  if (!language) {
    throw GrammarLoadError(fmt::format("{}() in {} returned no language", symbol, path.string()));
  }
  const std::uint32_t abi = ts_language_abi_version(language);
  if (abi < TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION || abi > TREE_SITTER_LANGUAGE_VERSION) {
    throw GrammarLoadError(fmt::format(
        "grammar '{}' in {} has ABI version {}, but this chunkls supports {} to {}: regenerate "
        "the grammar with a matching tree-sitter CLI",
        language_name, path.string(), abi, TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION,
        TREE_SITTER_LANGUAGE_VERSION));
  }
  library->language_ = language;
  return library;
}

namespace {

std::optional<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

}  // namespace

std::pair<QuerySource, QuerySource> read_query_dir(const std::filesystem::path& dir) {
  const auto chunks_path = dir / "chunks.scm";
  const auto folds_path = dir / "folds.scm";
  auto chunks = read_text(chunks_path);
  if (!chunks) {
    throw std::runtime_error(fmt::format("cannot read query file {}", chunks_path.string()));
  }
  std::string folds;
  if (std::filesystem::exists(folds_path)) {
    auto text = read_text(folds_path);
    if (!text)
      throw std::runtime_error(fmt::format("cannot read query file {}", folds_path.string()));
    folds = std::move(*text);
  }
  return {QuerySource{chunks_path.string(), std::move(*chunks)},
          QuerySource{folds_path.string(), std::move(folds)}};
}

}  // namespace chunkls
