#include "server/views/folding_view.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <unordered_map>

namespace chunkls {
namespace {

std::string_view trim(std::string_view s) {
  const std::size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const std::size_t last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// LSP's FoldingRangeKind names are the engine's; a plain block has no kind.
std::optional<std::string> kind_name(FoldKind kind) {
  if (kind == FoldKind::kBlock) return std::nullopt;
  return std::string(to_string(kind));
}

// Whether the last line of a fold, up to the fold's end, is only a closer that should
// stay visible when folding whole lines: `}`, `)`, `]`, `end`, `fi`, `done`, `esac`,
// possibly followed by more closers or punctuation (`});`, `} else {` is not a closer).
bool ends_with_closer_line(std::string_view last_line_to_end) {
  const std::string_view text = trim(last_line_to_end);
  if (text.empty()) return false;
  static constexpr std::array<std::string_view, 5> kKeywords = {"end", "fi", "done", "esac", "}}}"};
  for (std::string_view keyword : kKeywords) {
    if (text.starts_with(keyword)) {
      const std::string_view rest = text.substr(keyword.size());
      if (rest.find_first_not_of(" \t;,)") == std::string_view::npos) return true;
    }
  }
  const char first = text.front();
  if (first != '}' && first != ')' && first != ']') return false;
  return text.find_first_not_of(" \t;,)]}>") == std::string_view::npos;
}

std::string collapsed_text(const Fold& fold, const PositionMapper& positions,
                           std::uint32_t start_line, std::uint32_t end_line) {
  switch (fold.kind) {
    case FoldKind::kComment: {
      std::string first(trim(positions.line_text(start_line)));
      if (first.size() > 80) first.resize(80);
      return first + " …";
    }
    case FoldKind::kImports:
      return fmt::format("{} lines of imports …", end_line - start_line + 1);
    case FoldKind::kRegion: {
      std::string label(trim(positions.line_text(start_line)));
      if (label.size() > 80) label.resize(80);
      return label;
    }
    case FoldKind::kBlock:
      break;
  }
  return "…";
}

}  // namespace

FoldingOptions FoldingOptions::from(const protocol::ClientCapabilities& capabilities) {
  return {capabilities.folding_range_limit, capabilities.line_folding_only,
          capabilities.folding_range_kinds, capabilities.folding_collapsed_text};
}

std::vector<protocol::FoldingRange> folding_ranges(const ChunkedText& chunked,
                                                   const PositionMapper& positions,
                                                   const FoldingOptions& options) {
  struct Candidate {
    protocol::FoldingRange range;
    std::uint32_t depth = 0;
    std::size_t order = 0;
  };
  std::vector<Candidate> candidates;
  candidates.reserve(chunked.folds.size());
  std::unordered_map<std::uint32_t, std::size_t> by_start_line;
  for (const Fold& fold : chunked.folds) {
    const protocol::Position start = positions.position(fold.start_byte);
    const protocol::Position end = positions.position(fold.end_byte);
    protocol::FoldingRange range;
    range.start_line = start.line;
    range.end_line = end.line;
    if (options.line_folding_only) {
      const std::string_view last = positions.line_text(end.line);
      const std::uint32_t line_start = positions.line_start(end.line);
      const std::string_view to_end =
          last.substr(0, std::min<std::size_t>(last.size(), fold.end_byte - line_start));
      if (fold.kind == FoldKind::kBlock && ends_with_closer_line(to_end)) {
        range.end_line = end.line - 1;
      }
    } else {
      range.start_character = start.character;
      range.end_character = end.character;
    }
    if (range.end_line <= range.start_line) continue;
    if (auto kind = kind_name(fold.kind)) {
      const bool known = !options.kinds || std::find(options.kinds->begin(), options.kinds->end(),
                                                     *kind) != options.kinds->end();
      if (known) range.kind = std::move(kind);
    }
    if (options.collapsed_text) {
      range.collapsed_text = collapsed_text(fold, positions, range.start_line, range.end_line);
    }
    // One fold per start line (lone '\r' terminators can make two tree-sitter rows one
    // LSP line... or the reverse): keep the widest.
    auto [it, inserted] = by_start_line.try_emplace(range.start_line, candidates.size());
    if (!inserted) {
      Candidate& kept = candidates[it->second];
      if (range.end_line > kept.range.end_line) kept.range = std::move(range);
      continue;
    }
    candidates.push_back({std::move(range), 0, candidates.size()});
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.range.start_line < b.range.start_line;
  });
  if (options.range_limit && candidates.size() > *options.range_limit) {
    // Keep the outermost folds: nesting depth from a stack of open end lines.
    std::vector<std::uint32_t> open_ends;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      while (!open_ends.empty() && open_ends.back() < candidates[i].range.start_line) {
        open_ends.pop_back();
      }
      candidates[i].depth = static_cast<std::uint32_t>(open_ends.size());
      candidates[i].order = i;
      open_ends.push_back(candidates[i].range.end_line);
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.depth < b.depth; });
    candidates.resize(*options.range_limit);
    std::sort(candidates.begin(), candidates.end(),
              [](const Candidate& a, const Candidate& b) { return a.order < b.order; });
  }
  std::vector<protocol::FoldingRange> out;
  out.reserve(candidates.size());
  for (Candidate& candidate : candidates)
    out.push_back(std::move(candidate.range));
  return out;
}

}  // namespace chunkls
