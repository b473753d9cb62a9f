// Where a workspace root's persistent index lives, and what makes a stored index stale.
//
//   <cache dir>/<16 hex digits of xxh3(canonical root path)>/index.sqlite  (and root)
//
// The cache dir is --cache / the `index.cacheDirectory` setting, else
// $XDG_CACHE_HOME/chunkls, else $HOME/.cache/chunkls. A store whose versions string
// differs from store_versions() (another schema, a grammar or a query changed) is
// discarded by the store when it opens.
//
// Pure functions (they read the environment); safe from any thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "engine/syntax/language_registry.h"

namespace chunkls {

// Empty when neither XDG_CACHE_HOME nor HOME is set.
std::optional<std::filesystem::path> default_cache_directory();
// The directory of `root`'s store under `cache_directory` (root made absolute and
// canonical first, so two spellings of a root share one store).
std::filesystem::path store_directory(const std::filesystem::path& cache_directory,
                                      const std::filesystem::path& root);
inline constexpr const char* kStoreFileName = "index.sqlite";
// Beside it, the root's path as text (for `chunkls cache info`).
inline constexpr const char* kStoreRootFileName = "root";
// "schema 1; bash 9c0d…; c 1f2e…; …": the store schema and every language's identity
// (grammar name, ABI, version, tables, query text), in name order.
std::string store_versions(const LanguageRegistry& registry);

}  // namespace chunkls
