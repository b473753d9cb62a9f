#include "engine/fold_extractor.h"

#include <algorithm>
#include <cctype>

namespace chunkls {
namespace {

Fold fold_of(TSNode first, TSNode last, FoldKind kind) {
  const TSPoint s = ts_node_start_point(first);
  const TSPoint e = ts_node_end_point(last);
  return {s.row, e.row, ts_node_start_byte(first), ts_node_end_byte(last), s.column, e.column, kind};
}

std::string_view node_text(TSNode node, std::string_view text) {
  const std::uint32_t start = std::min<std::uint32_t>(ts_node_start_byte(node), text.size());
  const std::uint32_t end = std::clamp<std::uint32_t>(ts_node_end_byte(node), start, text.size());
  return text.substr(start, end - start);
}

enum class Marker { kNone, kRegionStart, kRegionEnd };

// `// #region Name`, `# region`, `/* #endregion */`, `-- {{{`, `# }}}`.
Marker region_marker(std::string_view comment) {
  std::size_t i = 0;
  while (i < comment.size() && std::string_view("/*#-;! \t").find(comment[i]) != std::string_view::npos) {
    ++i;
  }
  const std::string_view rest = comment.substr(i);
  auto word = [&](std::string_view w) {
    return rest.starts_with(w) &&
           (rest.size() == w.size() || !std::isalnum(static_cast<unsigned char>(rest[w.size()])));
  };
  if (word("region")) return Marker::kRegionStart;
  if (word("endregion")) return Marker::kRegionEnd;
  // Vim's markers may follow any text in the comment.
  if (comment.find("{{{") != std::string_view::npos) return Marker::kRegionStart;
  if (comment.find("}}}") != std::string_view::npos) return Marker::kRegionEnd;
  return Marker::kNone;
}

// True when nothing but blanks precedes the node on its line.
bool starts_line(TSNode node, std::string_view text) {
  std::uint32_t at = std::min<std::uint32_t>(ts_node_start_byte(node), text.size());
  while (at > 0) {
    const char c = text[at - 1];
    if (c == '\n' || c == '\r') return true;
    if (c != ' ' && c != '\t') return false;
    --at;
  }
  return true;
}

// Merges runs of nodes that follow each other on adjacent rows (and, for comments,
// each on its own line) into one fold each.
void fold_runs(const std::vector<TSNode>& nodes, FoldKind kind, std::vector<Fold>& out,
               std::string_view text, bool own_line_only) {
  std::size_t i = 0;
  while (i < nodes.size()) {
    std::size_t j = i;
    while (j + 1 < nodes.size()) {
      const TSNode cur = nodes[j];
      const TSNode next = nodes[j + 1];
      const bool adjacent = ts_node_start_point(next).row <= ts_node_end_point(cur).row + 1 &&
                            ts_node_start_byte(next) >= ts_node_end_byte(cur);
      if (!adjacent) break;
      if (own_line_only && !starts_line(next, text)) break;
      ++j;
    }
    if (!own_line_only || starts_line(nodes[i], text)) {
      Fold f = fold_of(nodes[i], nodes[j], kind);
      if (f.end_row > f.start_row) out.push_back(f);
    }
    i = j + 1;
  }
}

}  // namespace

std::vector<Fold> FoldExtractor::extract(const CompiledQuery& query, TSNode root,
                                         std::string_view text, const std::vector<Chunk>& chunks) {
  std::vector<Fold> folds;
  for (const Chunk& chunk : chunks) {
    const TextRange& d = chunk.definition;
    if (d.end.row > d.start.row) {
      folds.push_back({d.start.row, d.end.row, d.start_byte, d.end_byte, d.start.column, d.end.column,
                       FoldKind::kBlock});
    }
  }

  std::vector<TSNode> comments;
  std::vector<TSNode> imports;
  TSQueryCursor* cursor = cursor_.get();
  ts_query_cursor_exec(cursor, query.get(), root);
  TSQueryMatch match;
  while (ts_query_cursor_next_match(cursor, &match)) {
    if (!query.predicates_hold(match, text)) continue;
    for (std::uint16_t i = 0; i < match.capture_count; ++i) {
      const TSQueryCapture& cap = match.captures[i];
      switch (query.capture(cap.index).role) {
        case CaptureRole::kFold: {
          Fold f = fold_of(cap.node, cap.node, FoldKind::kBlock);
          if (f.end_row > f.start_row) folds.push_back(f);
          break;
        }
        case CaptureRole::kFoldComment:
          comments.push_back(cap.node);
          break;
        case CaptureRole::kFoldImports:
          imports.push_back(cap.node);
          break;
        default:
          break;
      }
    }
  }
  auto by_start = [](TSNode a, TSNode b) { return ts_node_start_byte(a) < ts_node_start_byte(b); };
  std::sort(comments.begin(), comments.end(), by_start);
  std::sort(imports.begin(), imports.end(), by_start);

  // Region markers pair up like brackets; the rest of the comments fold in runs.
  std::vector<TSNode> plain_comments;
  std::vector<TSNode> open_regions;
  for (TSNode comment : comments) {
    switch (region_marker(node_text(comment, text))) {
      case Marker::kRegionStart:
        open_regions.push_back(comment);
        break;
      case Marker::kRegionEnd:
        if (!open_regions.empty()) {
          Fold f = fold_of(open_regions.back(), comment, FoldKind::kRegion);
          open_regions.pop_back();
          if (f.end_row > f.start_row) folds.push_back(f);
        }
        break;
      case Marker::kNone:
        plain_comments.push_back(comment);
        break;
    }
  }
  fold_runs(plain_comments, FoldKind::kComment, folds, text, /*own_line_only=*/true);
  fold_runs(imports, FoldKind::kImports, folds, text, /*own_line_only=*/false);

  // One fold per start row: the widest, then the earliest kind in FoldKind order.
  std::sort(folds.begin(), folds.end(), [](const Fold& a, const Fold& b) {
    if (a.start_row != b.start_row) return a.start_row < b.start_row;
    if (a.end_row != b.end_row) return a.end_row > b.end_row;
    return a.kind < b.kind;
  });
  folds.erase(std::unique(folds.begin(), folds.end(),
                          [](const Fold& a, const Fold& b) { return a.start_row == b.start_row; }),
              folds.end());
  return folds;
}

}  // namespace chunkls
