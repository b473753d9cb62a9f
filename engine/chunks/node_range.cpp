#include "engine/chunks/node_range.h"

#include <algorithm>
#include <cctype>

#include "engine/syntax/ts_handles.h"

namespace chunkls {
namespace {

// Moves an end that sits at column 0 of a later row back over the line break.
void trim_line_break(TextRange& r, std::string_view text) {
  if (r.end.column != 0 || r.end.row <= r.start.row) return;
  std::uint32_t end = std::min<std::uint32_t>(r.end_byte, text.size());
  if (end == 0 || text[end - 1] != '\n') {
    if (end == 0 || text[end - 1] != '\r') return;
  }
  if (text[end - 1] == '\n') --end;
  if (end > r.start_byte && text[end - 1] == '\r') --end;
  std::uint32_t line_start = end;
  while (line_start > 0 && text[line_start - 1] != '\n' && text[line_start - 1] != '\r')
    --line_start;
  r.end_byte = end;
  r.end.row -= 1;
  r.end.column = end - line_start;
}

}  // namespace

TextRange node_range(TSNode node, std::string_view text) {
  return span_range(node, node, text);
}

TextRange span_range(TSNode first, TSNode last, std::string_view text) {
  const TSPoint s = ts_node_start_point(first);
  const TSPoint e = ts_node_end_point(last);
  TextRange r{
      ts_node_start_byte(first), ts_node_end_byte(last), {s.row, s.column}, {e.row, e.column}};
  trim_line_break(r, text);
  return r;
}

CommentMarker comment_marker(std::string_view comment) {
  std::size_t i = 0;
  while (i < comment.size() &&
         std::string_view("/*#-;! \t").find(comment[i]) != std::string_view::npos) {
    ++i;
  }
  const std::string_view rest = comment.substr(i);
  auto word = [&](std::string_view w) {
    return rest.starts_with(w) &&
           (rest.size() == w.size() || !std::isalnum(static_cast<unsigned char>(rest[w.size()])));
  };
  if (word("region")) return CommentMarker::kRegionStart;
  if (word("endregion")) return CommentMarker::kRegionEnd;
  // Vim's markers may follow any text in the comment.
  if (comment.find("{{{") != std::string_view::npos) return CommentMarker::kRegionStart;
  if (comment.find("}}}") != std::string_view::npos) return CommentMarker::kRegionEnd;
  return CommentMarker::kNone;
}

std::vector<TSNode> children_of(TSNode node) {
  std::vector<TSNode> out;
  out.reserve(ts_node_child_count(node));
  TreeCursor cursor(node);
  for (bool more = cursor.goto_first_child(); more; more = cursor.goto_next_sibling())
    out.push_back(cursor.node());
  return out;
}

}  // namespace chunkls
