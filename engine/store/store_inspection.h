// Looking at a store without changing it (`chunkls cache info`): its meta rows and
// counts, read through a read-only connection. Unlike opening it for use, nothing is
// discarded or rebuilt here: a store of other versions is reported as such.
//
// Free functions; safe from any thread (each call has its own connection).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace chunkls {

struct StoreSummary {
  std::filesystem::path database;
  std::string root;    // the root it indexes (the `root` file beside it), if recorded
  std::string schema;  // meta rows as stored
  std::string versions;
  std::uint64_t files = 0;
  std::uint64_t contents = 0;
  std::uint64_t chunks = 0;
  std::uint64_t bytes_on_disk = 0;  // database + WAL
  std::string problem;  // why it could not be read (not a store, corrupt...); empty if fine
};

// Nothing when the file does not exist.
std::optional<StoreSummary> inspect_store(const std::filesystem::path& database);

}  // namespace chunkls
