#include "engine/text/source_file.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include "engine/text/text_kind.h"

namespace chunkls {
namespace {

SourceRead problem(SourceProblem kind, std::string reason) {
  SourceRead r;
  r.problem = kind;
  r.reason = std::move(reason);
  return r;
}

SourceRead check_content(std::string bytes, std::uint64_t max_bytes) {
  if (max_bytes != 0 && bytes.size() > max_bytes) {
    return problem(SourceProblem::kTooLarge,
                   fmt::format("over the size limit ({} bytes > {} bytes; see --max-size)",
                               bytes.size(), max_bytes));
  }
  if (looks_binary(bytes)) {
    const auto at = bytes.find('\0');
    return problem(SourceProblem::kBinary, fmt::format("binary file (NUL byte at offset {})", at));
  }
  SourceRead r;
  r.bytes = std::move(bytes);
  return r;
}

}  // namespace

SourceRead read_source(const std::filesystem::path& path, std::uint64_t max_bytes) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) return problem(SourceProblem::kUnreadable, fmt::format("unreadable: {}", ec.message()));
  if (!std::filesystem::is_regular_file(status)) {
    return problem(SourceProblem::kNotAFile, std::filesystem::is_directory(status)
                                                 ? "unreadable: is a directory"
                                                 : "unreadable: not a regular file");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && max_bytes != 0 && size > max_bytes) {
    return problem(
        SourceProblem::kTooLarge,
        fmt::format("over the size limit ({} bytes > {} bytes; see --max-size)", size, max_bytes));
  }
  const std::optional<FileStamp> before = stamp_of(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return problem(SourceProblem::kUnreadable, fmt::format("unreadable: {}", std::strerror(errno)));
  }
  SourceRead read = read_source(in, max_bytes);
  if (read && before && before == stamp_of(path)) read.stamp = before;
  return read;
}

std::optional<FileStamp> stamp_of(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileStamp{.size = static_cast<std::uint64_t>(st.st_size),
                   .mtime_ns = std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec,
                   .inode = static_cast<std::uint64_t>(st.st_ino)};
}

SourceRead read_source(std::istream& in, std::uint64_t max_bytes) {
  std::string bytes;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (max_bytes != 0 && bytes.size() > max_bytes) break;  // stop reading a huge stream
  }
  if (in.bad()) return problem(SourceProblem::kUnreadable, "unreadable: read error");
  return check_content(std::move(bytes), max_bytes);
}

}  // namespace chunkls
