#include "server/cli/merge_command.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "engine/index/index_location.h"
#include "engine/store/store_merge.h"

namespace chunkls {

int run_merge_command(const MergeCommandOptions& options, const LanguageRegistry& registry,
                      std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  const auto started = std::chrono::steady_clock::now();
  const std::string versions = store_versions(registry);
  std::vector<fs::path> shards(options.shards.begin(), options.shards.end());
  try {
    fs::path destination = options.out;
    std::error_code error;
    const bool cache_directory = fs::is_directory(destination, error);
    if (cache_directory) {
      // Where `chunkls index --cache DIR` finds the root's store (index_location.h).
      const ShardRecord record = check_shard_stores(shards, versions);
      const fs::path directory = store_directory(destination, record.root);
      fs::create_directories(directory, error);
      if (error) {
        err << fmt::format("chunkls merge: cannot create {}: {}\n", directory.string(),
                           error.message());
        return 1;
      }
      destination = directory / kStoreFileName;
      std::ofstream(directory / kStoreRootFileName, std::ios::trunc) << record.root << '\n';
    }
    const MergeSummary summary = merge_shard_stores(shards, destination, versions);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    out << fmt::format(
        "merged {} shards of {}: {} files, {} contents, {} chunks in {:.2f} s\nstore {}\n",
        summary.record.shard.count, summary.record.root, summary.files, summary.contents,
        summary.chunks, seconds, destination.string());
    return 0;
  } catch (const MergeError& e) {
    err << "chunkls merge: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace chunkls
