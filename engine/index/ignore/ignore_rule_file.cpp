#include "engine/index/ignore/ignore_rule_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace chunkls::ignore {

std::string_view without_trailing_spaces(std::string_view line) {
  std::size_t kept = 0;  // the length up to the last byte that stays
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      kept = std::min(i + 2, line.size());  // the escaped byte stays, whatever it is
      ++i;
    } else if (line[i] != ' ') {
      kept = i + 1;
    }
  }
  return line.substr(0, kept);
}

Rule Rule::parse(std::string_view line, bool casefold, std::string* problem) {
  Rule rule;
  if (line.starts_with('!')) {
    rule.negated = true;
    line.remove_prefix(1);
  }
  if (line.ends_with('/')) {
    rule.directories_only = true;
    line.remove_suffix(1);
  }
  rule.any_depth = line.find('/') == std::string_view::npos;
  // A rule with a '/' is relative to its file's directory, anchored or not.
  if (!rule.any_depth && line.starts_with('/')) line.remove_prefix(1);
  rule.glob = Glob::make(line, casefold, problem);
  return rule;
}

void RuleFile::read(std::string_view text, bool casefold) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    line = without_trailing_spaces(line.substr(0, line.find('\0')));
    if (line.empty() || line.front() == '#') continue;
    rules.push_back(Rule::parse(line, casefold));
  }
  index();
}

void RuleFile::index() {
  by_last_byte_.clear();
  anywhere_.clear();
  indexed_ = rules.size() >= 8;
  if (!indexed_) return;
  std::vector<std::optional<ByteSet>> endings;
  for (const Rule& rule : rules)
    endings.push_back(rule.glob.last_bytes());
  for (unsigned c = 0; c < 256; ++c) {
    list_begin_[c] = static_cast<std::uint32_t>(by_last_byte_.size());
    for (std::size_t i = rules.size(); i-- > 0;) {
      if (endings[i] && endings[i]->has(static_cast<unsigned char>(c))) {
        by_last_byte_.push_back(static_cast<std::uint32_t>(i));
      }
    }
  }
  list_begin_[256] = static_cast<std::uint32_t>(by_last_byte_.size());
  for (std::size_t i = rules.size(); i-- > 0;) {
    if (!endings[i]) anywhere_.push_back(static_cast<std::uint32_t>(i));
  }
}

const Rule* RuleFile::last_match(std::string_view path, std::string_view name,
                                 bool is_directory) const {
  const auto decides = [&](const Rule& rule) {
    return (!rule.directories_only || is_directory) && rule.matches(path, name, base);
  };
  if (!indexed_ || path.empty()) {
    for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
      if (decides(*it)) return &*it;
    }
    return nullptr;
  }
  // The rules that may match a text ending with the path's last byte, and those that
  // may match any: two lists, last rule first, walked together.
  const auto c = static_cast<unsigned char>(path.back());
  std::size_t ending = list_begin_[c];
  const std::size_t ending_end = list_begin_[c + 1];
  std::size_t any = 0;
  while (ending != ending_end || any != anywhere_.size()) {
    const bool take_ending =
        any == anywhere_.size() || (ending != ending_end && by_last_byte_[ending] > anywhere_[any]);
    const Rule& rule = rules[take_ending ? by_last_byte_[ending++] : anywhere_[any++]];
    if (decides(rule)) return &rule;
  }
  return nullptr;
}

std::optional<std::string> read_ignore_file(const std::filesystem::path& path, bool follow_link,
                                            std::string& error) {
  const int fd =
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | (follow_link ? 0 : O_NOFOLLOW));
  if (fd < 0) {
    if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP) {
      error = fmt::format("{}: {}", path.string(),
                          std::error_code(errno, std::generic_category()).message());
    }
    return std::nullopt;
  }
  // Only a regular file up to git's own limit (100 MiB: git ignores a larger one): a
  // device or FIFO named .gitignore would read forever or never.
  constexpr std::uint64_t kMaxBytes = std::uint64_t{100} * 1024 * 1024;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<std::uint64_t>(st.st_size) > kMaxBytes) {
    if (!S_ISDIR(st.st_mode)) {  // a directory named .gitignore: no rules, as in git
      error = fmt::format("{}: not a regular file of at most 100 MiB: ignored", path.string());
    }
    ::close(fd);
    return std::nullopt;
  }
  std::string content;
  char buffer[1 << 14];
  while (content.size() <= kMaxBytes) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      content.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fd);
  return content;
}

}  // namespace chunkls::ignore
