// The query files of engine/queries/, compiled into the binary by
// cmake/EmbedQueries.cmake so chunkls runs from any directory.
//
// Immutable static data; safe from any thread.
#pragma once

#include <span>
#include <string_view>

namespace chunkls {

struct EmbeddedQuery {
  std::string_view language;  // directory name under engine/queries
  std::string_view name;      // "chunks" or "folds"
  std::string_view path;      // source path, for error messages
  std::string_view text;
};

std::span<const EmbeddedQuery> embedded_queries();

}  // namespace chunkls
