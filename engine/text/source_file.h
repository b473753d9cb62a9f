// Reading a source file for chunking, with the checks that keep bad input away from
// the parser: unreadable, not a regular file, over the size limit, binary.
//
// Free functions, no state; safe from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <optional>
#include <string>

namespace chunkls {

inline constexpr std::uint64_t kDefaultMaxFileBytes = 1024 * 1024;  // 1 MiB, like the indexer

enum class SourceProblem : std::uint8_t { kNone, kUnreadable, kNotAFile, kTooLarge, kBinary };

struct SourceRead {
  std::string bytes;
  SourceProblem problem = SourceProblem::kNone;
  std::string reason;  // for the user: "binary file (NUL byte at offset 12)"
  explicit operator bool() const { return problem == SourceProblem::kNone; }
};

// max_bytes == 0 means no limit.
SourceRead read_source(const std::filesystem::path& path, std::uint64_t max_bytes);
SourceRead read_source(std::istream& in, std::uint64_t max_bytes);

}  // namespace chunkls
