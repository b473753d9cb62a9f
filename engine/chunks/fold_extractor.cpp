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
      if (at + 1 >= text.size() || text[at + 1] != '\n') any_lone_ = true;
    }
  }
  // Whether some '\r' ends a line on its own (not in "\r\n").
  bool any_lone() const { return any_lone_; }
  bool any_in(std::uint32_t start, std::uint32_t end) const {
    const auto it = std::lower_bound(at_.begin(), at_.end(), start);
    return it != at_.end() && *it < end;
  }

 private:
  std::vector<std::uint32_t> at_;
  bool any_lone_ = false;
};

// Whether a fold spans more than one line. tree-sitter rows count '\n' only, so a span
// that stays on one row but crosses a lone '\r' still covers several lines.
bool multi_line(const Fold& f, const CarriageReturns& crs) {
  return f.end_row > f.start_row || crs.any_in(f.start_byte, f.end_byte);
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

Fold fold_between(const TextRange& first, const TextRange& last, FoldKind kind) {
  return {first.start.row, last.end.row, first.start_byte, last.end_byte, first.start.column,
          last.end.column, kind};
}

// True when nothing but blanks precedes `byte` on its line.
bool starts_line(std::uint32_t byte, std::string_view text) {
  std::uint32_t at = std::min<std::uint32_t>(byte, text.size());
  while (at > 0) {
    const char c = text[at - 1];
    if (c == '\n' || c == '\r') return true;
    if (c != ' ' && c != '\t') return false;
    --at;
  }
  return true;
}

// Merges runs of parts that follow each other on adjacent rows (and, for comments,
// each on its own line) into one fold each.
template <typename Part>
void fold_runs(const std::vector<const Part*>& parts, FoldKind kind, std::vector<Fold>& out,
               std::string_view text, const CarriageReturns& crs, bool own_line_only) {
  std::size_t i = 0;
  while (i < parts.size()) {
    std::size_t j = i;
    while (j + 1 < parts.size()) {
      const Part& cur = *parts[j];
      const Part& next = *parts[j + 1];
      const bool adjacent =
          next.range.start.row <= cur.range.end.row + 1 && next.range.start_byte >= cur.raw_end;
      if (!adjacent) break;
      if (own_line_only && !starts_line(next.range.start_byte, text)) break;
      ++j;
    }
    if (!own_line_only || starts_line(parts[i]->range.start_byte, text)) {
      Fold f = fold_between(parts[i]->range, parts[j]->range, kind);
      if (multi_line(f, crs)) out.push_back(f);
    }
    i = j + 1;
  }
}

}  // namespace

void FoldParts::sort() {
  auto by_start = [](const auto& a, const auto& b) {
    return a.range.start_byte < b.range.start_byte;
  };
  std::stable_sort(blocks.begin(), blocks.end(),
                   [](const Fold& a, const Fold& b) { return a.start_byte < b.start_byte; });
  std::stable_sort(comments.begin(), comments.end(), by_start);
  std::stable_sort(imports.begin(), imports.end(), by_start);
}

void FoldParts::clear() {
  blocks.clear();
  comments.clear();
  imports.clear();
}

void FoldExtractor::add(const TSQueryMatch& match, const QuerySet& query, std::string_view text) {
  for (std::uint16_t i = 0; i < match.capture_count; ++i) {
    const TSQueryCapture& cap = match.captures[i];
    switch (query.capture(cap.index).role) {
      case CaptureRole::kFold: {
        // Kept or dropped in combine_folds(), which knows where the text's '\r's are.
        const TextRange r = node_range(cap.node, text);
        parts_.blocks.push_back(fold_between(r, r, FoldKind::kBlock));
        break;
      }
      case CaptureRole::kFoldComment: {
        const TextRange r = node_range(cap.node, text);
        const std::uint32_t start = std::min<std::uint32_t>(r.start_byte, text.size());
        const std::uint32_t end =
            std::clamp<std::uint32_t>(ts_node_end_byte(cap.node), start, text.size());
        parts_.comments.push_back(
            {r, ts_node_end_byte(cap.node), comment_marker(text.substr(start, end - start))});
        break;
      }
      case CaptureRole::kFoldImports:
        parts_.imports.push_back({node_range(cap.node, text), ts_node_end_byte(cap.node)});
        break;
      default:
        break;
    }
  }
}

FoldParts FoldExtractor::take() {
  FoldParts out = std::move(parts_);
  parts_.clear();
  out.sort();
  return out;
}

std::vector<Fold> combine_folds(const FoldParts& parts, const std::vector<Chunk>& chunks,
                                std::string_view text, const Deadline& deadline) {
  deadline.check("building folds");
  const CarriageReturns crs(text);
  std::vector<Fold> folds;
  folds.reserve(parts.blocks.size() + chunks.size() + parts.comments.size() / 2);
  // The folds come in runs that are each in order or nearly (blocks, chunks in
  // pre-order, regions, comment runs, import runs): each run is put in order, then the
  // runs are merged. One std::sort over their concatenation fell back to heapsort on
  // 30,000 folds (perf: std::__adjust_heap, 4 % of a keystroke; bench/README.md).
  std::vector<std::size_t> runs{0};
  auto end_run = [&] { runs.push_back(folds.size()); };
  for (const Fold& f : parts.blocks) {
    if (multi_line(f, crs)) folds.push_back(f);
  }
  end_run();
  for (const Chunk& chunk : chunks) {
    const TextRange& d = chunk.definition;
    const Fold f{d.start.row,    d.end.row,    d.start_byte,    d.end_byte,
                 d.start.column, d.end.column, FoldKind::kBlock};
    if (multi_line(f, crs)) folds.push_back(f);
  }
  end_run();

  // Region markers pair up like brackets; the rest of the comments fold in runs.
  std::vector<const CommentPart*> plain_comments;
  std::vector<const CommentPart*> open_regions;
  plain_comments.reserve(parts.comments.size());
  for (const CommentPart& comment : parts.comments) {
    switch (comment.marker) {
      case CommentMarker::kRegionStart:
        open_regions.push_back(&comment);
        break;
      case CommentMarker::kRegionEnd:
        if (!open_regions.empty()) {
          Fold f = fold_between(open_regions.back()->range, comment.range, FoldKind::kRegion);
          open_regions.pop_back();
          if (multi_line(f, crs)) folds.push_back(f);
        }
        break;
      case CommentMarker::kNone:
        plain_comments.push_back(&comment);
        break;
    }
  }
  end_run();
  deadline.check("building folds");
  fold_runs(plain_comments, FoldKind::kComment, folds, text, crs, /*own_line_only=*/true);
  end_run();
  std::vector<const ImportPart*> imports;
  imports.reserve(parts.imports.size());
  for (const ImportPart& part : parts.imports)
    imports.push_back(&part);
  fold_runs(imports, FoldKind::kImports, folds, text, crs, /*own_line_only=*/false);
  end_run();
  if (crs.any_lone()) {
    rows_to_lines(folds, text);  // drops folds that end up on one line: one run, sorted
    runs = {0, folds.size()};
  }

  deadline.check("building folds");
  // One fold per start row: the widest; on a tie the more telling kind (region,
  // imports, comment) over a plain block, then the one starting first on the row.
  const auto before = [](const Fold& a, const Fold& b) {
    if (a.start_row != b.start_row) return a.start_row < b.start_row;
    if (a.end_row != b.end_row) return a.end_row > b.end_row;
    if (a.kind != b.kind) return a.kind > b.kind;
    // A total order, so the survivor never depends on the order matches came in.
    if (a.start_byte != b.start_byte) return a.start_byte < b.start_byte;
    return a.end_byte > b.end_byte;
  };
  const auto at = [&](std::size_t i) { return folds.begin() + static_cast<std::ptrdiff_t>(i); };
  for (std::size_t r = 0; r + 1 < runs.size(); ++r) {
    if (!std::is_sorted(at(runs[r]), at(runs[r + 1]), before)) {
      std::sort(at(runs[r]), at(runs[r + 1]), before);
    }
  }
  // Merge neighbouring runs until one is left: O(n log runs).
  while (runs.size() > 2) {
    std::vector<std::size_t> merged{0};
    for (std::size_t r = 0; r + 2 < runs.size(); r += 2) {
      std::inplace_merge(at(runs[r]), at(runs[r + 1]), at(runs[r + 2]), before);
      merged.push_back(runs[r + 2]);
    }
    if (runs.size() % 2 == 0) merged.push_back(runs.back());  // an odd run left over
    runs = std::move(merged);
  }
  folds.erase(std::unique(folds.begin(), folds.end(),
                          [](const Fold& a, const Fold& b) { return a.start_row == b.start_row; }),
              folds.end());
  return folds;
}

}  // namespace chunkls
