#include "engine/index/index_location.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdlib>

#include "engine/index/symbols/symbol_index.h"
#include "engine/store/sqlite_index_store.h"

namespace chunkls {

std::optional<std::filesystem::path> default_cache_directory() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') {
    return std::filesystem::path(xdg) / "chunkls";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".cache" / "chunkls";
  }
  return std::nullopt;
}

std::filesystem::path store_directory(const std::filesystem::path& cache_directory,
                                      const std::filesystem::path& root) {
  std::error_code error;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(root, error);
  if (error) canonical = std::filesystem::absolute(root, error).lexically_normal();
  const std::string text = canonical.string();
  return cache_directory / fmt::format("{:016x}", XXH3_64bits(text.data(), text.size()));
}

std::string store_versions(const LanguageRegistry& registry) {
  std::vector<const Language*> languages = registry.languages();
  std::sort(languages.begin(), languages.end(),
            [](const Language* a, const Language* b) { return a->name() < b->name(); });
  std::string out =
      fmt::format("schema {}; symbols {}", kStoreSchemaVersion, SymbolIndex::kEncodingVersion);
  for (const Language* language : languages) {
    out += fmt::format("; {} {:016x}", language->name(), language->identity());
  }
  return out;
}

}  // namespace chunkls
