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

// 1 MiB, like the indexer.
inline constexpr std::uint64_t kDefaultMaxFileBytes = std::uint64_t{1024} * 1024;

enum class SourceProblem : std::uint8_t { kNone, kUnreadable, kNotAFile, kTooLarge, kBinary };

// What identifies a version of a file without reading it (the file metadata cache
// level compares it): size, modification time, inode.
struct FileStamp {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t inode = 0;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

struct SourceRead {
  std::string bytes;
  SourceProblem problem = SourceProblem::kNone;
  std::string reason;  // for the user: "binary file (NUL byte at offset 12)"
  // The file's stamp when it was the same before and after the read (so the bytes are
  // that version's); empty for streams and for files that changed while being read.
  std::optional<FileStamp> stamp;
  explicit operator bool() const { return problem == SourceProblem::kNone; }
};

// The stamp of `path` now; empty when it cannot be stat'ed.
std::optional<FileStamp> stamp_of(const std::filesystem::path& path);

// max_bytes == 0 means no limit.
SourceRead read_source(const std::filesystem::path& path, std::uint64_t max_bytes);
SourceRead read_source(std::istream& in, std::uint64_t max_bytes);

}  // namespace chunkls
