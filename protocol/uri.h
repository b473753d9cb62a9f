// File URIs as LSP sends them ("file:///home/me/a%20b.py") and the paths they name.
//
// Pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chunkls::protocol {

// The local path of a file:// URI, percent-decoded; nullopt for other schemes, a
// remote authority or a malformed escape.
std::optional<std::string> file_path_from_uri(std::string_view uri);

// The file:// URI of an absolute path, percent-encoding what RFC 3986 requires.
std::string file_uri_from_path(std::string_view path);

}  // namespace chunkls::protocol
