#include "engine/text/line_index.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace chunkls {

namespace {

// Replaces the values of the sorted `v` lying in [first, last] with `fresh` (sorted, all in
// that range) and moves the values after `last` by `delta`.
void splice(std::vector<std::uint32_t>& v, std::uint32_t first, std::uint32_t last,
            const std::vector<std::uint32_t>& fresh, std::int64_t delta) {
  const auto lo = static_cast<std::size_t>(std::lower_bound(v.begin(), v.end(), first) - v.begin());
  const auto hi = std::max(
      lo, static_cast<std::size_t>(std::upper_bound(v.begin(), v.end(), last) - v.begin()));
  for (std::size_t i = hi; i < v.size(); ++i)
    v[i] = static_cast<std::uint32_t>(v[i] + delta);
  const std::size_t removed = hi - lo;
  if (fresh.size() > removed) {
    v.insert(v.begin() + static_cast<std::ptrdiff_t>(hi), fresh.size() - removed, 0);
  } else {
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(lo + fresh.size()),
            v.begin() + static_cast<std::ptrdiff_t>(hi));
  }
  std::copy(fresh.begin(), fresh.end(), v.begin() + static_cast<std::ptrdiff_t>(lo));
}

}  // namespace

LineIndex::LineIndex(std::string_view text) {
  if (text.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("text larger than 4 GiB cannot be indexed");
  }
  size_ = static_cast<std::uint32_t>(text.size());
  starts_.push_back(0);
  // memchr finds line breaks at memory speed; most texts have no '\r' at all.
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  auto next = [&](const char* from, char c) {
    const void* at =
        from < end ? std::memchr(from, c, static_cast<std::size_t>(end - from)) : nullptr;
    return at ? static_cast<const char*>(at) : end;
  };
  const char* lf = next(begin, '\n');
  const char* cr = next(begin, '\r');
  while (lf != end || cr != end) {
    const char* at = std::min(lf, cr);
    const auto after = static_cast<std::uint32_t>(at - begin + 1);
    if (*at == '\n') {
      starts_.push_back(after);
      lf = next(at + 1, '\n');
    } else {
      if (at + 1 == end || at[1] != '\n') {
        starts_.push_back(after);
        lone_cr_.push_back(after);
      }
      cr = next(at + 1, '\r');
    }
  }
}

bool LineIndex::starts_line(std::string_view text, std::uint32_t pos) {
  // A line starts after "\n", and after a "\r" that no "\n" follows.
  const char before = text[pos - 1];
  if (before == '\n') return true;
  return before == '\r' && (pos == text.size() || text[pos] != '\n');
}

std::uint32_t LineIndex::line_start(std::uint32_t line) const {
  return line < starts_.size() ? starts_[line] : size_;
}

std::uint32_t LineIndex::line_of(std::uint32_t byte) const {
  const auto after = std::upper_bound(starts_.begin(), starts_.end(), byte);
  return static_cast<std::uint32_t>(after - starts_.begin()) - 1;
}

std::string_view LineIndex::line_text(std::uint32_t line, std::string_view text) const {
  if (line >= starts_.size()) return text.substr(std::min<std::size_t>(size_, text.size()), 0);
  const std::uint32_t begin = starts_[line];
  // cppcheck-suppress containerOutOfBounds ; the condition guards the access
  std::uint32_t end = line + 1 < starts_.size() ? starts_[line + 1] : size_;
  // Only the last line lacks a terminator, and a terminator ends every other line.
  if (line + 1 < starts_.size()) {
    if (text[end - 1] == '\n') --end;
    if (end > begin && text[end - 1] == '\r') --end;
  }
  return text.substr(begin, end - begin);
}

void LineIndex::apply_edit(std::uint32_t start_byte, std::uint32_t old_end_byte,
                           std::string_view new_text_after_edit, std::uint32_t inserted_length) {
  const std::string_view text = new_text_after_edit;
  if (start_byte > old_end_byte || old_end_byte > size_ ||
      std::uint64_t{size_} - (old_end_byte - start_byte) + inserted_length != text.size() ||
      text.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument("LineIndex::apply_edit: the edit does not match the text");
  }
  // 64-bit bounds: with a text of 4 GiB - 1 bytes, a 32-bit `pos <= new_end` never ends.
  const std::uint64_t new_end = std::uint64_t{start_byte} + inserted_length;
  // Whether pos starts a line depends on bytes pos-1 and pos only. Old starts in
  // [start, old_end] touch a replaced byte or a pair the edit separated; new starts in
  // [start, new_end] touch an inserted byte or the pair the edit joined. The rest shift.
  const std::uint32_t first = std::max<std::uint32_t>(start_byte, 1);
  std::vector<std::uint32_t> fresh;
  std::vector<std::uint32_t> fresh_lone_cr;
  const std::uint64_t last = std::min<std::uint64_t>(new_end, text.size());
  for (std::uint64_t pos = first; pos <= last; ++pos) {
    if (!starts_line(text, static_cast<std::uint32_t>(pos))) continue;
    fresh.push_back(static_cast<std::uint32_t>(pos));
    if (text[pos - 1] == '\r') fresh_lone_cr.push_back(static_cast<std::uint32_t>(pos));
  }
  const std::int64_t delta = std::int64_t{inserted_length} - (old_end_byte - start_byte);
  splice(starts_, first, old_end_byte, fresh, delta);
  splice(lone_cr_, first, old_end_byte, fresh_lone_cr, delta);
  size_ = static_cast<std::uint32_t>(text.size());
}

std::uint32_t LineIndex::lone_cr_up_to(std::uint32_t pos) const {
  return static_cast<std::uint32_t>(std::upper_bound(lone_cr_.begin(), lone_cr_.end(), pos) -
                                    lone_cr_.begin());
}

Point LineIndex::ts_point(std::uint32_t byte, std::string_view text) const {
  byte = std::min({byte, size_, static_cast<std::uint32_t>(text.size())});
  const std::uint32_t line = line_of(byte);
  if (lone_cr_.empty()) return {line, byte - starts_[line]};
  // Every line start follows a '\n' except the lone-'\r' ones, so the row is the line
  // minus the lone '\r's before it. The row's first line is the earliest line with the
  // same row count (row counts never decrease from line to line).
  auto row_of_line = [&](std::uint32_t l) { return l - lone_cr_up_to(starts_[l]); };
  const std::uint32_t row = row_of_line(line);
  std::uint32_t lo = 0;
  std::uint32_t hi = line;
  while (lo < hi) {
    const std::uint32_t mid = lo + (hi - lo) / 2;
    if (row_of_line(mid) < row) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return {row, byte - starts_[lo]};
}

}  // namespace chunkls
