// Reading a source file for chunking, with the checks that keep bad input away from
// the parser: unreadable, not a regular file, over the size limit, binary; and, when
// asked, outside the given directories.
//
// Hostile files: the file is opened non-blocking and its type checked on the open file
// (a FIFO, socket or device named like a source, or swapped in after a check, is refused
// and never waited on); the bytes are one version of the file (its stamp the same
// before and after the read, its size the bytes read, the path still naming it; else
// it is read again, and given up after three tries).
//
// Free functions, no state; safe from any thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <istream>
#include <optional>
#include <span>
#include <string>
#include <string_view>

struct stat;  // <sys/stat.h>

namespace chunkls {

// 1 MiB, like the indexer.
inline constexpr std::uint64_t kDefaultMaxFileBytes = std::uint64_t{1024} * 1024;

enum class SourceProblem : std::uint8_t {
  kNone,
  kUnreadable,
  kNotAFile,
  kTooLarge,
  kBinary,
  kOutside,   // resolves outside the directories the caller allowed
  kChanging,  // changed during every read
};

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
// The stamp stat() gave (what stamp_of() takes).
FileStamp stamp_from(const struct stat& st);
// What a special file is, for messages: "a FIFO", "a socket", "a character device",
// "a block device"; empty for any other type.
std::string_view special_file_kind(mode_t mode);

// max_bytes == 0 means no limit. `within`: resolved (real) directories the file must lie
// in, checked on the file opened (links resolved by the kernel at open), so a link
// swapped in meanwhile cannot lead elsewhere; empty: anywhere.
SourceRead read_source(const std::filesystem::path& path, std::uint64_t max_bytes,
                       std::span<const std::string> within = {});
SourceRead read_source(std::istream& in, std::uint64_t max_bytes);

}  // namespace chunkls
