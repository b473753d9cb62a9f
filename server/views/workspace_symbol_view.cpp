#include "server/views/workspace_symbol_view.h"

#include <cstring>
#include <map>

#include "engine/text/source_file.h"
#include "protocol/json_writer.h"
#include "protocol/lsp_write.h"
#include "protocol/uri.h"
#include "server/views/symbol_view.h"

namespace chunkls {
namespace {

// The text of one file, read once, with its line starts found on demand.
class FileLines {
 public:
  explicit FileLines(const std::string& path) {
    SourceRead read = read_source(std::filesystem::path(path), 0);
    if (read) text_ = std::move(read.bytes);
  }
  // Line `row` without its terminator; empty past the end.
  std::string_view line(std::uint32_t row) {
    while (starts_.size() <= row && scanned_ < text_.size()) {
      const void* newline = std::memchr(text_.data() + scanned_, '\n', text_.size() - scanned_);
      scanned_ =
          newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - text_.data()) + 1
                  : text_.size();
      starts_.push_back(scanned_);
    }
    if (row >= starts_.size()) return {};
    const std::size_t begin = starts_[row];
    const std::size_t end = row + 1 < starts_.size() ? starts_[row + 1] : text_.size();
    std::string_view out(text_.data() + begin, end - begin);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
      out.remove_suffix(1);
    return out;
  }

 private:
  std::string text_;
  std::vector<std::size_t> starts_{0};
  std::size_t scanned_ = 0;
};

protocol::Position convert(const Point& point, FileLines* lines,
                           protocol::PositionEncoding encoding) {
  if (!lines) return {point.row, point.column};
  return {point.row, protocol::column_of_byte(lines->line(point.row), point.column, encoding)};
}

}  // namespace

std::string workspace_symbols_json(const std::vector<SymbolMatch>& matches,
                                   protocol::PositionEncoding encoding) {
  const bool bytes = encoding == protocol::PositionEncoding::kUtf8;
  std::map<std::string, FileLines> files;
  protocol::JsonWriter out;
  out.begin_array();
  for (const SymbolMatch& match : matches) {
    FileLines* lines = nullptr;
    if (!bytes) lines = &files.try_emplace(match.path, match.path).first->second;
    protocol::SymbolInformation symbol{.name = match.name,
                                       .kind = symbol_kind(match.kind),
                                       .uri = protocol::file_uri_from_path(match.path),
                                       .range = {convert(match.selection.start, lines, encoding),
                                                 convert(match.selection.end, lines, encoding)},
                                       .container_name = match.container};
    protocol::write(out, symbol);
  }
  out.end_array();
  return out.take();
}

}  // namespace chunkls
