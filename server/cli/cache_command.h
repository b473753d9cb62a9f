// `chunkls cache info|clear [ROOT...]`: the persistent index stores under the cache
// directory (--cache, else $XDG_CACHE_HOME/chunkls): what each holds (root, files,
// contents, chunks, bytes, whether its versions are current), or removing them. Without
// ROOTs, every store there; with ROOTs, the stores of those roots.
//
// Runs on the calling thread; reads stores read-only (info never changes them).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "engine/syntax/language_registry.h"

namespace chunkls {

enum class CacheAction : std::uint8_t { kInfo, kClear };

struct CacheCommandOptions {
  CacheAction action = CacheAction::kInfo;
  std::string cache_directory;  // empty: default_cache_directory()
  std::vector<std::string> roots;
};

// 0 on success, 1 when the cache directory is unknown or a store could not be removed.
int run_cache_command(const CacheCommandOptions& options, const LanguageRegistry& registry,
                      std::ostream& out, std::ostream& err);

}  // namespace chunkls
