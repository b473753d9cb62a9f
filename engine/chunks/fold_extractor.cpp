#include "engine/chunks/fold_extractor.h"

#include <algorithm>
#include <cctype>

#include "engine/chunks/node_range.h"
#include "engine/text/line_index.h"

namespace chunkls {
namespace {

// Where the text's '\r' bytes are: found once per document, so checking a span costs
// O(log n), not a scan of the span (nested spans on one line would make that quadratic).
class CarriageReturns {
 public:
  explicit CarriageReturns(std::string_view text) {
    for (std::size_t at = text.find('\r'); at != std::string_view::npos;
         at = text.find('\r', at + 1)) {
      at_.push_back(static_cast<std::uint32_t>(at));
    }
  }
  bool any_in(std::uint32_t start, std::uint32_t end) const {
    const auto it = std::lower_bound(at_.begin(), at_.end(), start);
    return it != at_.end() && *it < end;
  }

 private:
  std::vector<std::uint32_t> at_;
};

// Whether a fold spans more than one line. tree-sitter rows count '\n' only, so a span
// that stays on one row but crosses a lone '\r' still covers several lines.
bool multi_line(const Fold& f, const CarriageReturns& crs) {
  return f.end_row > f.start_row || crs.any_in(f.start_byte, f.end_byte);
}

bool has_lone_cr(std::string_view text) {
  for (std::size_t at = text.find('\r'); at != std::string_view::npos;
       at = text.find('\r', at + 1)) {
    if (at + 1 >= text.size() || text[at + 1] != '\n') return true;
  }
  return false;
}

// With lone '\r' line breaks, rows become LSP lines (what clients fold by), so one fold
// per start line and the two-line minimum hold for them too.
void rows_to_lines(std::vector<Fold>& folds, std::string_view text) {
  const LineIndex lines(text);
  for (Fold& f : folds) {
    f.start_row = lines.line_of(f.start_byte);
    std::uint32_t end = std::max(f.start_byte, std::min<std::uint32_t>(f.end_byte, text.size()));
    // An end right after a line break belongs to the line before it (as node_range does).
    if (end > f.start_byte && lines.line_start(lines.line_of(end)) == end) --end;
    f.end_row = lines.line_of(end);
  }
  std::erase_if(folds, [](const Fold& f) { return f.end_row <= f.start_row; });
}

Fold fold_of(TSNode first, TSNode last, FoldKind kind, std::string_view text) {
  const TextRange r = span_range(first, last, text);
  return {r.start.row, r.end.row, r.start_byte, r.end_byte, r.start.column, r.end.column, kind};
}

std::string_view node_text(TSNode node, std::string_view text) {
  const std::uint32_t start = std::min<std::uint32_t>(ts_node_start_byte(node), text.size());
  const std::uint32_t end = std::clamp<std::uint32_t>(ts_node_end_byte(node), start, text.size());
  return text.substr(start, end - start);
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
               std::string_view text, const CarriageReturns& crs, bool own_line_only) {
  std::size_t i = 0;
  while (i < nodes.size()) {
    std::size_t j = i;
    while (j + 1 < nodes.size()) {
      const TSNode cur = nodes[j];
      const TSNode next = nodes[j + 1];
      const bool adjacent = ts_node_start_point(next).row <= node_range(cur, text).end.row + 1 &&
                            ts_node_start_byte(next) >= ts_node_end_byte(cur);
      if (!adjacent) break;
      if (own_line_only && !starts_line(next, text)) break;
      ++j;
    }
    if (!own_line_only || starts_line(nodes[i], text)) {
      Fold f = fold_of(nodes[i], nodes[j], kind, text);
      if (multi_line(f, crs)) out.push_back(f);
    }
    i = j + 1;
  }
}

}  // namespace

void FoldExtractor::add(const TSQueryMatch& match, const QuerySet& query, std::string_view text) {
  for (std::uint16_t i = 0; i < match.capture_count; ++i) {
    const TSQueryCapture& cap = match.captures[i];
    switch (query.capture(cap.index).role) {
      case CaptureRole::kFold: {
        // Kept or dropped in finish(), which knows where the text's '\r's are.
        folds_.push_back(fold_of(cap.node, cap.node, FoldKind::kBlock, text));
        break;
      }
      case CaptureRole::kFoldComment:
        comments_.push_back(cap.node);
        break;
      case CaptureRole::kFoldImports:
        imports_.push_back(cap.node);
        break;
      default:
        break;
    }
  }
}

void FoldExtractor::reset() {
  folds_.clear();
  comments_.clear();
  imports_.clear();
}

std::vector<Fold> FoldExtractor::finish(std::string_view text, const std::vector<Chunk>& chunks,
                                        const Deadline& deadline) {
  std::vector<Fold> folds = std::move(folds_);
  std::vector<TSNode> comments = std::move(comments_);
  std::vector<TSNode> imports = std::move(imports_);
  reset();
  deadline.check("building folds");
  const CarriageReturns crs(text);
  std::erase_if(folds, [&](const Fold& f) { return !multi_line(f, crs); });
  for (const Chunk& chunk : chunks) {
    const TextRange& d = chunk.definition;
    const Fold f{d.start.row,    d.end.row,    d.start_byte,    d.end_byte,
                 d.start.column, d.end.column, FoldKind::kBlock};
    if (multi_line(f, crs)) folds.push_back(f);
  }
  auto by_start = [](TSNode a, TSNode b) { return ts_node_start_byte(a) < ts_node_start_byte(b); };
  std::sort(comments.begin(), comments.end(), by_start);
  std::sort(imports.begin(), imports.end(), by_start);

  // Region markers pair up like brackets; the rest of the comments fold in runs.
  std::vector<TSNode> plain_comments;
  std::vector<TSNode> open_regions;
  for (TSNode comment : comments) {
    switch (comment_marker(node_text(comment, text))) {
      case CommentMarker::kRegionStart:
        open_regions.push_back(comment);
        break;
      case CommentMarker::kRegionEnd:
        if (!open_regions.empty()) {
          Fold f = fold_of(open_regions.back(), comment, FoldKind::kRegion, text);
          open_regions.pop_back();
          if (multi_line(f, crs)) folds.push_back(f);
        }
        break;
      case CommentMarker::kNone:
        plain_comments.push_back(comment);
        break;
    }
  }
  deadline.check("building folds");
  fold_runs(plain_comments, FoldKind::kComment, folds, text, crs, /*own_line_only=*/true);
  fold_runs(imports, FoldKind::kImports, folds, text, crs, /*own_line_only=*/false);
  if (has_lone_cr(text)) rows_to_lines(folds, text);

  deadline.check("building folds");
  // One fold per start row: the widest; on a tie the more telling kind (region,
  // imports, comment) over a plain block, then the one starting first on the row.
  std::sort(folds.begin(), folds.end(), [](const Fold& a, const Fold& b) {
    if (a.start_row != b.start_row) return a.start_row < b.start_row;
    if (a.end_row != b.end_row) return a.end_row > b.end_row;
    if (a.kind != b.kind) return a.kind > b.kind;
    // A total order, so the survivor never depends on the order matches came in.
    if (a.start_byte != b.start_byte) return a.start_byte < b.start_byte;
    return a.end_byte > b.end_byte;
  });
  folds.erase(std::unique(folds.begin(), folds.end(),
                          [](const Fold& a, const Fold& b) { return a.start_row == b.start_row; }),
              folds.end());
  return folds;
}

}  // namespace chunkls
