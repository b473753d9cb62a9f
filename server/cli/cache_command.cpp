#include "server/cli/cache_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <ostream>

#include "engine/index/index_location.h"
#include "engine/store/store_inspection.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;

// The store directories we made: 16 hex digits, holding our database.
bool is_store_directory(const fs::path& directory) {
  const std::string name = directory.filename().string();
  std::error_code error;
  return name.size() == 16 &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }) &&
         fs::exists(directory / kStoreFileName, error);
}

std::vector<fs::path> stores_in(const fs::path& cache, const std::vector<std::string>& roots) {
  std::vector<fs::path> out;
  if (!roots.empty()) {
    for (const std::string& root : roots)
      out.push_back(store_directory(cache, root));
    return out;
  }
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(cache, error)) {
    if (entry.is_directory(error) && is_store_directory(entry.path())) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string megabytes(std::uint64_t bytes) {
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

}  // namespace

int run_cache_command(const CacheCommandOptions& options, const LanguageRegistry& registry,
                      std::ostream& out, std::ostream& err) {
  fs::path cache = options.cache_directory;
  if (cache.empty()) {
    std::optional<fs::path> found = default_cache_directory();
    if (!found) {
      err << "chunkls cache: neither XDG_CACHE_HOME nor HOME is set (give --cache DIR)\n";
      return 1;
    }
    cache = *found;
  }
  const std::vector<fs::path> stores = stores_in(cache, options.roots);
  if (options.action == CacheAction::kClear) {
    int code = 0;
    std::size_t removed = 0;
    for (const fs::path& directory : stores) {
      std::error_code error;
      if (!fs::exists(directory, error)) continue;
      fs::remove_all(directory, error);
      if (error) {
        err << fmt::format("chunkls cache: cannot remove {}: {}\n", directory.string(),
                           error.message());
        code = 1;
        continue;
      }
      out << "removed " << directory.string() << '\n';
      ++removed;
    }
    out << fmt::format("{} store{} removed from {}\n", removed, removed == 1 ? "" : "s",
                       cache.string());
    return code;
  }
  const std::string current = store_versions(registry);
  out << "cache directory " << cache.string() << '\n';
  std::uint64_t total = 0;
  std::size_t listed = 0;
  for (const fs::path& directory : stores) {
    const std::optional<StoreSummary> summary = inspect_store(directory / kStoreFileName);
    if (!summary) {
      if (!options.roots.empty()) out << fmt::format("{}: not indexed\n", directory.string());
      continue;
    }
    ++listed;
    total += summary->bytes_on_disk;
    out << fmt::format("{}\n  root      {}\n", directory.string(),
                       summary->root.empty() ? "(unknown)" : summary->root);
    if (!summary->problem.empty()) {
      out << fmt::format("  problem   {} (rebuilt when next used)\n", summary->problem);
      continue;
    }
    out << fmt::format("  holds     {} files, {} contents, {} chunks, {} on disk\n", summary->files,
                       summary->contents, summary->chunks, megabytes(summary->bytes_on_disk));
    out << fmt::format("  versions  {}\n", summary->versions == current
                                               ? "current"
                                               : "other grammars or queries (discarded when "
                                                 "next used)");
  }
  out << fmt::format("{} store{}, {} on disk\n", listed, listed == 1 ? "" : "s", megabytes(total));
  return 0;
}

}  // namespace chunkls
