#include "protocol/uri.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "protocol/utf8.h"

namespace chunkls::protocol {
namespace {

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

UriPath parse_file_uri(std::string_view uri) {
  const auto refused = [](std::string problem) {
    return UriPath{std::nullopt, std::move(problem)};
  };
  constexpr std::string_view kScheme = "file://";
  if (!starts_with_ignoring_case(uri, kScheme)) return refused("not a file:// URI");
  std::string_view rest = uri.substr(kScheme.size());
  // "file://localhost/x" names the same file as "file:///x"; other hosts are remote.
  if (starts_with_ignoring_case(rest, "localhost/")) rest.remove_prefix(9);
  if (rest.empty() || rest.front() != '/') {
    return refused(fmt::format("names a remote host ({}): only local files are read",
                               rest.substr(0, rest.find('/'))));
  }
  // A query or fragment is not part of the path.
  rest = rest.substr(0, rest.find_first_of("?#"));
  std::string path;
  path.reserve(rest.size());
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] != '%') {
      path.push_back(rest[i]);
      continue;
    }
    if (i + 2 >= rest.size()) return refused("a truncated percent escape");
    const int high = hex_value(rest[i + 1]);
    const int low = hex_value(rest[i + 2]);
    if (high < 0 || low < 0) return refused("a malformed percent escape");
    path.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  if (path.find('\0') != std::string::npos) return refused("a NUL byte in the path");
  for (std::size_t start = 1; start <= path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view segment(path.data() + start, end - start);
    if (segment == "." || segment == "..") {
      return refused(
          "a '.' or '..' segment in the path (refused: it could lead out of the "
          "workspace folders)");
    }
    start = end + 1;
  }
  return {std::move(path), {}};
}

std::optional<std::string> file_path_from_uri(std::string_view uri) {
  return parse_file_uri(uri).path;
}

std::string file_uri_from_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file://";
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      uri.push_back(c);
    } else {
      uri.push_back('%');
      uri.push_back(kHex[byte >> 4]);
      uri.push_back(kHex[byte & 15]);
    }
  }
  return uri;
}

}  // namespace chunkls::protocol
