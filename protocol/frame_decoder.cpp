#include "protocol/frame_decoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace chunkls::protocol {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::size_t ifind(std::string_view haystack, std::string_view needle) {
  const auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                              [](char x, char y) {
                                return std::tolower(static_cast<unsigned char>(x)) ==
                                       std::tolower(static_cast<unsigned char>(y));
                              });
  return it == haystack.end() ? std::string_view::npos
                              : static_cast<std::size_t>(it - haystack.begin());
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

constexpr std::string_view kHeaderStart = "Content-";

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

}  // namespace

void FrameDecoder::compact() {
  // Drop consumed bytes once they dominate, so the buffer does not grow with the stream.
  if (consumed_ > 0 && consumed_ * 2 >= buffer_.size()) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
}

std::optional<Frame> FrameDecoder::next() {
  if (skip_ > 0) {
    const std::size_t n = std::min(skip_, pending());
    consumed_ += n;
    skip_ -= n;
    compact();
    if (skip_ > 0) return std::nullopt;
  }
  if (body_length_) {
    if (pending() < *body_length_) return std::nullopt;
    Frame frame{buffer_.substr(consumed_, *body_length_), {}};
    consumed_ += *body_length_;
    body_length_.reset();
    compact();
    return frame;
  }
  return next_header();
}

std::optional<Frame> FrameDecoder::next_header() {
  std::string_view rest(buffer_.data() + consumed_, pending());
  // Blank lines and spaces between frames are harmless padding.
  const std::size_t lead = rest.find_first_not_of(" \t\r\n");
  if (lead == std::string_view::npos) {
    consumed_ += rest.size();
    compact();
    return std::nullopt;
  }
  if (lead > 0) {
    consumed_ += lead;
    rest.remove_prefix(lead);
  }
  // LSP defines two headers, both "Content-...": a frame starts there. Anything else,
  // including garbage glued to the header ("xyzContent-Length: 5"), is skipped up to the
  // next "Content-" so the message after it is not lost.
  if (!starts_with_ci(rest, kHeaderStart)) {
    if (rest.size() < kHeaderStart.size() && starts_with_ci(kHeaderStart, rest)) {
      return std::nullopt;  // the start of a header, still arriving
    }
    const std::size_t resync = ifind(rest.substr(1), kHeaderStart);
    if (resync == std::string_view::npos) {
      if (rest.size() < 64) return std::nullopt;  // report garbage in pieces, not per byte
      // Keep only a tail that may be the start of a "Content-" still arriving.
      std::size_t keep = 0;
      for (std::size_t k = std::min(kHeaderStart.size() - 1, rest.size()); k > 0 && keep == 0;
           --k) {
        if (iequals(rest.substr(rest.size() - k), kHeaderStart.substr(0, k))) keep = k;
      }
      consumed_ += rest.size() - keep;
      compact();
      return Frame{
          {}, fmt::format("skipped {} bytes that are not a message header", rest.size() - keep)};
    }
    consumed_ += resync + 1;
    compact();
    return Frame{{}, fmt::format("skipped {} bytes that are not a message header", resync + 1)};
  }
  // Headers end at an empty line; accept bare "\n" line ends as well as "\r\n".
  std::size_t end = rest.find("\r\n\r\n");
  std::size_t separator = 4;
  const std::size_t lf_end = rest.find("\n\n");
  if (lf_end != std::string_view::npos && (end == std::string_view::npos || lf_end < end)) {
    end = lf_end;
    separator = 2;
  }
  if (end == std::string_view::npos) {
    if (rest.size() > std::size_t{64} * 1024) {  // no header block is this long
      consumed_ += rest.size();
      compact();
      return Frame{{}, "skipped a header block longer than 64 KiB"};
    }
    return std::nullopt;
  }
  const std::string_view block = rest.substr(0, end);
  consumed_ += end + separator;

  std::optional<std::size_t> length;
  std::string problem;
  std::size_t pos = 0;
  while (pos <= block.size()) {
    std::size_t eol = block.find('\n', pos);
    if (eol == std::string_view::npos) eol = block.size();
    const std::string_view line = trim(block.substr(pos, eol - pos));
    pos = eol + 1;
    if (line.empty()) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      problem = fmt::format("header line without ':': '{}'", line.substr(0, 80));
      continue;
    }
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (!iequals(name, "Content-Length") && ends_with_ci(name, "Content-Length")) {
      // Garbage glued to the header inside the block: the length still counts.
      problem = fmt::format("skipped '{}' glued to a Content-Length header",
                            name.substr(0, std::min<std::size_t>(name.size() - 14, 80)));
    }
    if (ends_with_ci(name, "Content-Length")) {
      std::size_t n = 0;
      const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || ptr != value.data() + value.size()) {
        problem = fmt::format("bad Content-Length '{}'", value.substr(0, 40));
        length.reset();
        break;
      }
      length = n;
    }
  }
  if (!length) {
    compact();
    return Frame{{}, problem.empty() ? "header block without Content-Length" : problem};
  }
  if (*length > max_body_) {
    skip_ = *length;
    compact();
    return Frame{
        {},
        fmt::format("message of {} bytes is over the {} byte limit; skipped", *length, max_body_)};
  }
  body_length_ = *length;
  compact();
  if (!problem.empty()) return Frame{{}, problem};  // reported; the body still follows
  return next();
}

}  // namespace chunkls::protocol
