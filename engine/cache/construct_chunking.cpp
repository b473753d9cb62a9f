#include "engine/cache/construct_chunking.h"

#include <xxhash.h>

#include <algorithm>
#include <optional>
#include <span>
#include <utility>

#include "engine/cache/heap_bytes.h"

namespace chunkls {

namespace {

// Consecutive children of the root that are chunked as one unit.
struct Segment {
  std::size_t first = 0;  // kids[first..last]
  std::size_t last = 0;
  std::uint32_t start_byte = 0;
  std::uint32_t end_byte = 0;
  Point start;
  bool clean = true;  // no syntax error inside: its extraction may be kept
  ContentKey key;
};

// Where one segment ends and the next begins: never inside a row, never between a node
// that can be a doc and the node on its next row (a doc attaches there), never before
// punctuation. Joining more is always safe; these cuts are what makes a segment's
// extraction independent of its neighbours.
std::vector<Segment> segments_of(const std::vector<TSNode>& kids, const QuerySet& queries) {
  std::vector<Segment> out;
  std::optional<std::size_t> last_named;
  for (std::size_t i = 0; i < kids.size(); ++i) {
    const TSNode kid = kids[i];
    bool join = false;
    if (!out.empty()) {
      const TSNode prev = kids[i - 1];
      join = !ts_node_is_named(kid) ||
             ts_node_start_point(kid).row <= ts_node_end_point(prev).row ||
             (last_named && can_be_doc(kids[*last_named], queries) &&
              ts_node_start_point(kid).row <= ts_node_end_point(kids[*last_named]).row + 1);
    }
    if (join) {
      out.back().last = i;
      out.back().end_byte = ts_node_end_byte(kid);
    } else {
      const TSPoint at = ts_node_start_point(kid);
      out.push_back({.first = i,
                     .last = i,
                     .start_byte = ts_node_start_byte(kid),
                     .end_byte = ts_node_end_byte(kid),
                     .start = {at.row, at.column}});
    }
    if (ts_node_has_error(kid)) out.back().clean = false;
    if (ts_node_is_named(kid)) last_named = i;
  }
  return out;
}

ContentKey key_of(const Segment& s, std::size_t count, std::size_t index, const Language& language,
                  const ChunkLimits& limits, std::string_view text) {
  // The place goes into the seed: first and last children can match anchored patterns,
  // and columns on the first row are kept relative to the start column. So does the
  // depth limit a piece was made under.
  const std::uint64_t place = (std::uint64_t{limits.max_depth} << 40) |
                              (std::uint64_t{s.start.column} << 2) | (index == 0 ? 1u : 0u) |
                              (index + 1 == count ? 2u : 0u);
  const std::string_view bytes = text.substr(s.start_byte, s.end_byte - s.start_byte);
  const XXH128_hash_t hash =
      XXH3_128bits_withSeed(bytes.data(), bytes.size(), place * 0x9E3779B97F4A7C15ull + 1);
  return {.low = hash.low64, .high = hash.high64, .language = language.identity()};
}

// A point of the text relative to a segment's start, and back.
Point to_relative(Point p, const Segment& s) {
  return {p.row - s.start.row, p.row == s.start.row ? p.column - s.start.column : p.column};
}
Point to_absolute(Point p, const Segment& s) {
  return {p.row + s.start.row, p.row == 0 ? p.column + s.start.column : p.column};
}
void relative(TextRange& r, const Segment& s) {
  r.start_byte -= s.start_byte;
  r.end_byte -= s.start_byte;
  r.start = to_relative(r.start, s);
  r.end = to_relative(r.end, s);
}
void absolute(TextRange& r, const Segment& s) {
  r.start_byte += s.start_byte;
  r.end_byte += s.start_byte;
  r.start = to_absolute(r.start, s);
  r.end = to_absolute(r.end, s);
}
void relative(Fold& f, const Segment& s) {
  const Point start = to_relative({f.start_row, f.start_column}, s);
  const Point end = to_relative({f.end_row, f.end_column}, s);
  f = Fold{
      start.row,  end.row, f.start_byte - s.start_byte, f.end_byte - s.start_byte, start.column,
      end.column, f.kind};
}
void absolute(Fold& f, const Segment& s) {
  const Point start = to_absolute({f.start_row, f.start_column}, s);
  const Point end = to_absolute({f.end_row, f.end_column}, s);
  f = Fold{
      start.row,  end.row, f.start_byte + s.start_byte, f.end_byte + s.start_byte, start.column,
      end.column, f.kind};
}
template <typename Part>
void relative(Part& p, const Segment& s) {
  relative(p.range, s);
  p.raw_end -= s.start_byte;
}
template <typename Part>
void absolute(Part& p, const Segment& s) {
  absolute(p.range, s);
  p.raw_end += s.start_byte;
}

bool within(const TextRange& r, const Segment& s) {
  return r.start_byte >= s.start_byte && r.end_byte <= s.end_byte;
}

std::uint32_t start_of(const Fold& f) {
  return f.start_byte;
}
bool within(const Fold& f, const Segment& s) {
  return f.start_byte >= s.start_byte && f.end_byte <= s.end_byte;
}
template <typename Part>
std::uint32_t start_of(const Part& p) {
  return p.range.start_byte;
}
template <typename Part>
bool within(const Part& p, const Segment& s) {
  return within(p.range, s) && p.raw_end <= s.end_byte;
}

// Hands each part (sorted by start) to its segment, relative; false when one is outside
// every segment.
template <typename Part>
bool slice_parts(const std::vector<Part>& parts, std::span<const Segment> segments,
                 std::vector<ConstructChunks>& out, std::vector<Part> FoldParts::*list) {
  std::size_t s = 0;
  for (const Part& part : parts) {
    while (s < segments.size() && segments[s].end_byte <= start_of(part) &&
           !(segments[s].start_byte == start_of(part))) {
      ++s;
    }
    if (s == segments.size() || !within(part, segments[s])) return false;
    Part moved = part;
    relative(moved, segments[s]);
    (out[s].fold_parts.*list).push_back(moved);
  }
  return true;
}

// Splits chunks and fold parts of consecutive segments (pre-order chunks whose parents
// index `chunks`, -1 at the top) into one ConstructChunks per segment; empty when
// something lies across a segment's edge.
std::optional<std::vector<ConstructChunks>> slice(const std::vector<Chunk>& chunks,
                                                  const std::vector<ChunkOrigin>& origins,
                                                  const FoldParts& parts,
                                                  std::span<const Segment> segments) {
  std::vector<ConstructChunks> out(segments.size());
  std::vector<std::int32_t> local(chunks.size(), -1);  // index within its segment
  std::size_t s = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const Chunk& chunk = chunks[i];
    while (s < segments.size() && chunk.range.start_byte >= segments[s].end_byte &&
           chunk.range.start_byte != segments[s].start_byte) {
      ++s;
    }
    if (s == segments.size()) return std::nullopt;
    const Segment& segment = segments[s];
    if (!within(chunk.range, segment) || !within(chunk.definition, segment) ||
        !within(chunk.selection, segment)) {
      return std::nullopt;
    }
    ConstructChunks& into = out[s];
    Chunk moved = chunk;
    moved.id = 0;
    if (chunk.parent >= 0) {
      const auto parent = static_cast<std::size_t>(chunk.parent);
      if (local[parent] < 0 || !within(chunks[parent].range, segment)) return std::nullopt;
      moved.parent = local[parent];
    }
    relative(moved.range, segment);
    relative(moved.definition, segment);
    relative(moved.selection, segment);
    local[i] = static_cast<std::int32_t>(into.chunks.size());
    into.chunks.push_back(std::move(moved));
    ChunkOrigin origin = origins[i];
    origin.header_end -= segment.start_byte;
    into.origins.push_back(origin);
  }
  if (!slice_parts(parts.blocks, segments, out, &FoldParts::blocks) ||
      !slice_parts(parts.comments, segments, out, &FoldParts::comments) ||
      !slice_parts(parts.imports, segments, out, &FoldParts::imports)) {
    return std::nullopt;
  }
  return out;
}

void keep(ConstructCache& cache, std::span<const Segment> segments,
          std::vector<ConstructChunks>& pieces) {
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (!segments[i].clean) continue;
    auto value = std::make_shared<const ConstructChunks>(pieces[i]);
    const std::uint64_t bytes = heap_bytes(*value);
    cache.put(segments[i].key, std::move(value), bytes);
  }
}

}  // namespace

std::uint64_t heap_bytes(const ConstructChunks& construct) {
  std::uint64_t total = buffer_bytes(construct.chunks) + buffer_bytes(construct.origins) +
                        buffer_bytes(construct.fold_parts.blocks) +
                        buffer_bytes(construct.fold_parts.comments) +
                        buffer_bytes(construct.fold_parts.imports);
  for (const Chunk& chunk : construct.chunks)
    total += heap_bytes(chunk.name) + heap_bytes(chunk.detail);
  return total;
}

ChunkedText chunk_by_constructs(Chunker& chunker, ConstructCache& cache, const Language& language,
                                Tree tree, std::string_view text, std::string_view path,
                                const Deadline& deadline) {
  const QuerySet& queries = language.queries();
  const TSNode root = tree.root();
  if (!queries.plan().usable() || ts_node_is_error(root) || ts_node_child_count(root) < 2) {
    return chunker.chunk_tree(language, std::move(tree), text, path, deadline);
  }
  const std::vector<TSNode> kids = children_of(root);
  std::vector<Segment> segments = segments_of(kids, queries);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    segments[i].key = key_of(segments[i], segments.size(), i, language, chunker.limits(), text);
  }

  // The cached segments, and the runs of the others.
  std::vector<std::shared_ptr<const ConstructChunks>> cached(segments.size());
  std::size_t missing = 0;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].clean) cached[i] = cache.get(segments[i].key);
    if (!cached[i]) ++missing;
  }
  // Mostly new: one walk of the whole tree is cheaper than a window per run; its result
  // is sliced to keep the segments for next time.
  auto whole = [&] {
    ChunkedText out = chunker.chunk_tree(language, std::move(tree), text, path, deadline);
    if (out.omitted_over_the_count == 0) {
      // Depth omissions are not kept per segment: keep none then.
      auto pieces = out.omitted_too_deep == 0
                        ? slice(out.chunks, out.origins, out.fold_parts, segments)
                        : std::nullopt;
      if (pieces) keep(cache, segments, *pieces);
    }
    return out;
  };
  if (missing * 2 > segments.size()) return whole();

  std::vector<ConstructChunks> fresh(segments.size());
  for (std::size_t i = 0; i < segments.size();) {
    if (cached[i]) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j + 1 < segments.size() && !cached[j + 1])
      ++j;
    const std::span<const TSNode> window(kids.data() + segments[i].first,
                                         segments[j].last - segments[i].first + 1);
    WindowChunks found =
        chunker.chunk_window(language, root, window, text, ChunkScope{.path = path}, deadline);
    if (found.crossed || !found.ancestor_chunks.empty() ||
        !found.ancestor_fold_parts.blocks.empty() || !found.ancestor_fold_parts.comments.empty() ||
        !found.ancestor_fold_parts.imports.empty() || found.chunks.over_the_count > 0 ||
        found.chunks.too_deep > 0) {
      return whole();
    }
    const std::span<const Segment> run(segments.data() + i, j - i + 1);
    auto pieces = slice(found.chunks.chunks, found.chunks.origins, found.fold_parts, run);
    if (!pieces) return whole();
    keep(cache, run, *pieces);
    for (std::size_t k = i; k <= j; ++k)
      fresh[k] = std::move(pieces->at(k - i));
    i = j + 1;
  }

  // Assemble in order: positions back in this text, parents re-linked.
  ChunkedText out;
  std::size_t total = 0;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    total += (cached[i] ? cached[i]->chunks : fresh[i].chunks).size();
  }
  if (total > chunker.limits().max_chunks) return whole();
  out.chunks.reserve(total);
  out.origins.reserve(total);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    deadline.check("assembling chunks");
    const ConstructChunks& piece = cached[i] ? *cached[i] : fresh[i];
    const Segment& segment = segments[i];
    const auto base = static_cast<std::int32_t>(out.chunks.size());
    for (std::size_t c = 0; c < piece.chunks.size(); ++c) {
      Chunk chunk = piece.chunks[c];
      if (chunk.parent >= 0) chunk.parent += base;
      absolute(chunk.range, segment);
      absolute(chunk.definition, segment);
      absolute(chunk.selection, segment);
      out.chunks.push_back(std::move(chunk));
      ChunkOrigin origin = piece.origins[c];
      origin.header_end += segment.start_byte;
      out.origins.push_back(origin);
    }
    for (Fold f : piece.fold_parts.blocks) {
      absolute(f, segment);
      out.fold_parts.blocks.push_back(f);
    }
    for (CommentPart p : piece.fold_parts.comments) {
      absolute(p, segment);
      out.fold_parts.comments.push_back(p);
    }
    for (ImportPart p : piece.fold_parts.imports) {
      absolute(p, segment);
      out.fold_parts.imports.push_back(p);
    }
  }
  reassign_ids(out.chunks, path);
  out.limits = chunker.limits();
  out.folds = combine_folds(out.fold_parts, out.chunks, text, deadline);
  out.tree = std::move(tree);
  return out;
}

}  // namespace chunkls
