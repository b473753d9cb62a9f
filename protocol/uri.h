// File URIs as LSP sends them ("file:///home/me/a%20b.py") and the paths they name.
//
// Pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chunkls::protocol {

// The local path of a file:// URI, percent-decoded, or why there is none (for the
// user): another scheme, a remote host ("file://otherhost/..."), a malformed escape, a
// NUL byte, or a "." or ".." segment (decoded or not: such a path could lead out of a
// workspace folder while looking as if inside it; editors never send one).
struct UriPath {
  std::optional<std::string> path;
  std::string problem;  // empty when `path` is set
};
UriPath parse_file_uri(std::string_view uri);
// parse_file_uri(uri).path.
std::optional<std::string> file_path_from_uri(std::string_view uri);

// The file:// URI of an absolute path, percent-encoding what RFC 3986 requires.
std::string file_uri_from_path(std::string_view path);

}  // namespace chunkls::protocol
