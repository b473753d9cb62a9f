#include "engine/document/chunk_update.h"

#include <xxhash.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace chunkls {
namespace {

// Rounds of growing the window before giving up on it.
constexpr int kMaxAttempts = 8;

// An old offset in the new text; an offset inside the edit goes to the nearest edge of
// what replaced it (start for a start, end for an end), which only ever widens.
std::uint32_t new_start_of(const EditSpan& e, std::uint32_t old) {
  if (old < e.start) return old;
  if (old >= e.old_end) return e.shift(old);
  return e.start;
}
std::uint32_t new_end_of(const EditSpan& e, std::uint32_t old) {
  if (old <= e.start) return old;
  if (old >= e.old_end) return e.shift(old);
  return e.new_end;
}

// A range of the new text [start, end], both ends counted as touching. Always holds the
// edit, so its old counterpart is [start, end - delta].
struct Reach {
  std::uint32_t start;
  std::uint32_t end;
  void widen(std::uint32_t s, std::uint32_t e) {
    start = std::min(start, s);
    end = std::max(end, e);
  }
};

// Fold parts, moved by the edit.
void shift_part(const EditSpan& e, Fold& f) {
  if (f.start_byte >= e.old_end) {
    const Point p = e.shift(Point{f.start_row, f.start_column});
    f.start_byte = e.shift(f.start_byte);
    f.start_row = p.row;
    f.start_column = p.column;
  }
  if (f.end_byte >= e.old_end) {
    const Point p = e.shift(Point{f.end_row, f.end_column});
    f.end_byte = e.shift(f.end_byte);
    f.end_row = p.row;
    f.end_column = p.column;
  }
}
template <typename Part>
void shift_part(const EditSpan& e, Part& part) {
  e.shift(part.range);
  if (part.raw_end >= e.old_end) part.raw_end = e.shift(part.raw_end);
}
std::uint32_t part_start(const Fold& f) {
  return f.start_byte;
}
std::uint32_t part_end(const Fold& f) {
  return f.end_byte;
}
template <typename Part>
std::uint32_t part_start(const Part& p) {
  return p.range.start_byte;
}
template <typename Part>
std::uint32_t part_end(const Part& p) {
  return p.range.end_byte;
}

// The old parts around the window (starting at or before it, ending at or after it),
// moved into the new text: what the patterns above the window must still capture.
// False when an old part crosses the window's edge (its node no longer fits); `cross`
// then holds its reach in the new text.
template <typename Part>
bool parts_around(const std::vector<Part>& parts, std::uint32_t start, std::uint32_t old_end,
                  const EditSpan& e, std::vector<Part>& out, Reach& cross) {
  for (const Part& part : parts) {
    const std::uint32_t s = part_start(part);
    if (s > old_end) break;
    const std::uint32_t end = part_end(part);
    const bool inside = s >= start && end <= old_end;
    if (inside || end < start) continue;
    if (s <= start && end >= old_end) {
      Part moved = part;
      shift_part(e, moved);
      out.push_back(moved);
    } else {
      cross = {new_start_of(e, s), new_end_of(e, end)};
      return false;
    }
  }
  return true;
}

template <typename Part>
bool same_parts(std::vector<Part> a, std::vector<Part> b) {
  auto order = [](const Part& x, const Part& y) {
    return std::make_tuple(part_start(x), -static_cast<std::int64_t>(part_end(x))) <
           std::make_tuple(part_start(y), -static_cast<std::int64_t>(part_end(y)));
  };
  std::stable_sort(a.begin(), a.end(), order);
  std::stable_sort(b.begin(), b.end(), order);
  return a == b;
}

// Old parts inside the window give way to the window's; the rest move.
template <typename Part>
void splice_parts(std::vector<Part>& parts, std::vector<Part>& fresh, std::uint32_t start,
                  std::uint32_t old_end, const EditSpan& e) {
  std::vector<Part> out;
  out.reserve(parts.size() + fresh.size());
  std::size_t i = 0;
  for (; i < parts.size() && part_start(parts[i]) < start; ++i) {
    Part& part = parts[i];
    shift_part(e, part);  // those around the window end after the edit
    out.push_back(std::move(part));
  }
  // Starting in the window: inside it (replaced) or around it (kept).
  for (; i < parts.size() && part_start(parts[i]) <= old_end; ++i) {
    Part& part = parts[i];
    if (part_end(part) <= old_end) continue;
    shift_part(e, part);
    out.push_back(std::move(part));
  }
  for (Part& part : fresh)
    out.push_back(std::move(part));
  for (; i < parts.size(); ++i) {
    Part& part = parts[i];
    shift_part(e, part);
    out.push_back(std::move(part));
  }
  parts = std::move(out);
}

void shift_chunk(const EditSpan& e, Chunk& chunk, ChunkOrigin& origin) {
  e.shift(chunk.range);
  e.shift(chunk.definition);
  e.shift(chunk.selection);
  if (origin.header_end >= e.old_end) origin.header_end = e.shift(origin.header_end);
}

bool chain_order(const AncestorChunk& a, const AncestorChunk& b) {
  return std::make_tuple(a.definition.start_byte, -static_cast<std::int64_t>(a.definition.end_byte),
                         a.kind, a.pattern) <
         std::make_tuple(b.definition.start_byte, -static_cast<std::int64_t>(b.definition.end_byte),
                         b.kind, b.pattern);
}

}  // namespace

std::optional<ChunkSplice> plan_chunk_update(Chunker& chunker, const Language& language,
                                             const ChunkedText& chunked, const Tree& tree,
                                             std::string_view text, std::string_view path,
                                             const EditSpan& edit, const Deadline& deadline) {
  const QuerySet& queries = language.queries();
  if (!queries.plan().usable() || chunked.omitted_too_deep > 0 ||
      chunked.omitted_over_the_count > 0 || chunked.origins.size() != chunked.chunks.size() ||
      !tree) {
    return std::nullopt;
  }
  const std::vector<Chunk>& old = chunked.chunks;
  const auto size = static_cast<std::uint32_t>(text.size());
  const std::int64_t delta = edit.delta();
  auto old_of = [&](std::uint32_t new_end) {
    return static_cast<std::uint32_t>(std::int64_t{new_end} - delta);
  };
  // The edit and the bytes touching it.
  Reach reach{edit.start > 0 ? edit.start - 1 : 0, std::min(edit.new_end + 1, size)};
  reach.end = std::max(reach.end, edit.new_end);
  const TSNode root = tree.root();

  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    deadline.check("updating chunks");
    const std::uint32_t old_start = reach.start;
    const std::uint32_t old_end = old_of(reach.end);
    auto absorb_old = [&](const TextRange& r) {
      reach.widen(new_start_of(edit, r.start_byte), new_end_of(edit, r.end_byte));
    };

    // (a) The old chunks the reach touches: around it (K and its ancestors, whose
    // definition holds it and whose name, signature and docs it leaves alone), or
    // inside it. Any other one joins the reach.
    bool grew = false;
    const auto after =
        std::upper_bound(old.begin(), old.end(), old_start,
                         [](std::uint32_t at, const Chunk& c) { return at < c.range.start_byte; });
    std::int32_t k = -1;
    for (auto x = static_cast<std::int32_t>(after - old.begin()) - 1; x >= 0;
         x = old[static_cast<std::size_t>(x)].parent) {
      const Chunk& c = old[static_cast<std::size_t>(x)];
      if (c.range.end_byte <= old_start) continue;  // ends before: not touched
      if (c.range.start_byte >= old_start && c.range.end_byte <= old_end) continue;  // inside
      const ChunkOrigin& origin = chunked.origins[static_cast<std::size_t>(x)];
      const bool around = c.definition.start_byte < old_start && c.definition.end_byte > old_end &&
                          origin.header_end <= old_start &&
                          (c.selection.end_byte < old_start || c.selection.start_byte > old_end);
      if (!around) {
        absorb_old(c.range);
        grew = true;
      } else if (k < 0) {
        k = x;  // the deepest
      }
    }
    for (auto it = after; it != old.end() && it->range.start_byte < old_end; ++it) {
      if (it->range.end_byte > old_end) {
        absorb_old(it->range);
        grew = true;
      }
    }
    if (grew) continue;

    // (b) The window: children of the smallest node holding the reach.
    // A node the reach covers whole is part of the window, not around it.
    TSNode container = ts_node_descendant_for_byte_range(root, reach.start, reach.end);
    while (!ts_node_eq(container, root) &&
           (ts_node_child_count(container) == 0 || (ts_node_start_byte(container) >= reach.start &&
                                                    ts_node_end_byte(container) <= reach.end))) {
      container = ts_node_parent(container);
    }
    if (k >= 0) {
      const Chunk& around = old[static_cast<std::size_t>(k)];
      const std::uint32_t def_end = edit.shift(around.definition.end_byte);
      if (ts_node_start_byte(container) < around.definition.start_byte ||
          ts_node_end_byte(container) > def_end) {
        absorb_old(around.range);  // K's definition is no longer a node around the reach
        continue;
      }
    }
    const std::vector<TSNode> kids = children_of(container);
    if (kids.empty()) {
      if (ts_node_eq(container, root)) return std::nullopt;
      reach.widen(ts_node_start_byte(container), ts_node_end_byte(container));
      continue;
    }
    std::size_t first = kids.size(), last = 0;
    for (std::size_t i = 0; i < kids.size(); ++i) {
      if (ts_node_end_byte(kids[i]) > reach.start && ts_node_start_byte(kids[i]) < reach.end) {
        first = std::min(first, i);
        last = i;
      }
    }
    if (ts_node_is_error(container)) {
      // The error-recovery patterns read a child with the siblings before it (Python's
      // `(ERROR "class" . (identifier))`): deleting the keyword unmakes the chunk of the
      // name after it. Inside an ERROR node the window is every child (tests/fuzz).
      first = 0;
      last = kids.size() - 1;
    } else if (first > last) {
      // The reach lies between two children: take both.
      std::size_t next = 0;
      while (next < kids.size() && ts_node_start_byte(kids[next]) <= reach.end)
        ++next;
      first = next > 0 ? next - 1 : 0;
      last = std::min(next, kids.size() - 1);
    }
    // Docs attach to the chunk below them on the next row: keep them together (over
    // punctuation between them, which a doc's named-sibling lookup skips).
    auto named_before = [&](std::size_t i) {  // index of the named kid before i, or npos
      while (i > 0) {
        if (ts_node_is_named(kids[--i])) return i;
      }
      return std::string::npos;
    };
    auto named_after = [&](std::size_t i) {
      while (++i < kids.size()) {
        if (ts_node_is_named(kids[i])) return i;
      }
      return std::string::npos;
    };
    for (;;) {
      const std::size_t prev = named_before(first);
      if (prev == std::string::npos || !can_be_doc(kids[prev], queries) ||
          ts_node_end_point(kids[prev]).row + 1 < ts_node_start_point(kids[first]).row) {
        break;
      }
      first = prev;
    }
    for (;;) {
      const std::size_t next = named_after(last);
      if (next == std::string::npos || !can_be_doc(kids[last], queries) ||
          ts_node_start_point(kids[next]).row > ts_node_end_point(kids[last]).row + 1) {
        break;
      }
      last = next;
    }
    const std::uint32_t kids_start = ts_node_start_byte(kids[first]);
    const std::uint32_t kids_end = ts_node_end_byte(kids[last]);
    if (kids_start < reach.start || kids_end > reach.end) {
      reach.widen(kids_start, kids_end);
      continue;  // check the old chunks the wider reach touches
    }
    // What the window replaces: the reach (which holds the edit, so its old bytes are
    // known) even where no child covers it (blanks between them).
    const std::uint32_t window_start = reach.start;
    const std::uint32_t window_end = reach.end;
    const std::uint32_t old_window_end = old_of(window_end);

    // (c) The old chunks inside the window, and K's children before it (for ordinals).
    const std::size_t k_index = k >= 0 ? static_cast<std::size_t>(k) + 1 : 0;
    const auto begin = std::lower_bound(
        old.begin() + static_cast<std::ptrdiff_t>(k_index), old.end(), window_start,
        [](const Chunk& c, std::uint32_t at) { return c.range.start_byte < at; });
    auto end = begin;
    while (end != old.end() && end->range.start_byte < old_window_end)
      ++end;
    SiblingCounts earlier;
    for (auto it = old.begin() + static_cast<std::ptrdiff_t>(k_index); it != begin; ++it) {
      if (it->parent == k) ++earlier[sibling_key(it->kind, it->name)];
    }
    const Chunk* enclosing = k >= 0 ? &old[static_cast<std::size_t>(k)] : nullptr;
    ChunkScope scope;
    scope.path = path;
    if (enclosing != nullptr) scope.parent = enclosing->id;
    scope.depth = enclosing != nullptr ? enclosing->depth + 1 : 0;
    scope.earlier = &earlier;
    WindowChunks window =
        chunker.chunk_window(language, container, std::span(kids).subspan(first, last - first + 1),
                             text, scope, deadline);
    if (window.chunks.too_deep > 0 || window.chunks.over_the_count > 0) return std::nullopt;
    if (window.crossed) {
      reach.widen(ts_node_start_byte(container), ts_node_end_byte(container));
      continue;
    }

    // (d) What the patterns above the window see must be what the old list holds.
    std::vector<AncestorChunk> expected;
    std::vector<TextRange> expected_reach;  // the old chunk's whole range, in the new text
    for (std::int32_t x = k; x >= 0; x = old[static_cast<std::size_t>(x)].parent) {
      const Chunk& c = old[static_cast<std::size_t>(x)];
      TextRange definition = c.definition;
      edit.shift(definition);
      expected.push_back(
          {definition, c.kind, chunked.origins[static_cast<std::size_t>(x)].pattern});
      expected_reach.push_back(
          {new_start_of(edit, c.range.start_byte), new_end_of(edit, c.range.end_byte), {}, {}});
    }
    std::vector<AncestorChunk> found = window.ancestor_chunks;
    std::vector<AncestorChunk> sorted_expected = expected;
    std::sort(sorted_expected.begin(), sorted_expected.end(), chain_order);
    std::sort(found.begin(), found.end(), chain_order);
    if (sorted_expected != found) {
      // Grow to take in every chunk above the window that differs.
      const Reach before = reach;
      for (const AncestorChunk& a : found) {
        if (std::find(expected.begin(), expected.end(), a) == expected.end()) {
          reach.widen(a.definition.start_byte, a.definition.end_byte);
        }
      }
      for (std::size_t i = 0; i < expected.size(); ++i) {
        if (std::find(found.begin(), found.end(), expected[i]) == found.end()) {
          reach.widen(expected_reach[i].start_byte, expected_reach[i].end_byte);
        }
      }
      if (reach.start == before.start && reach.end == before.end) {
        if (ts_node_eq(container, root)) return std::nullopt;
        reach.widen(ts_node_start_byte(container), ts_node_end_byte(container));  // up a level
      }
      continue;
    }
    if (old.size() - static_cast<std::size_t>(end - begin) + window.chunks.chunks.size() >
        chunker.limits().max_chunks) {
      return std::nullopt;
    }
    FoldParts around;
    Reach cross = reach;
    const FoldParts& parts = chunked.fold_parts;
    const bool fits =
        parts_around(parts.blocks, window_start, old_window_end, edit, around.blocks, cross) &&
        parts_around(parts.comments, window_start, old_window_end, edit, around.comments, cross) &&
        parts_around(parts.imports, window_start, old_window_end, edit, around.imports, cross);
    if (!fits) {
      reach.widen(cross.start, cross.end);
      continue;
    }
    if (!same_parts(around.blocks, window.ancestor_fold_parts.blocks) ||
        !same_parts(around.comments, window.ancestor_fold_parts.comments) ||
        !same_parts(around.imports, window.ancestor_fold_parts.imports)) {
      reach.widen(ts_node_start_byte(container), ts_node_end_byte(container));
      if (ts_node_eq(container, root)) return std::nullopt;
      continue;
    }

    ChunkSplice splice;
    splice.first = static_cast<std::size_t>(begin - old.begin());
    splice.last = static_cast<std::size_t>(end - old.begin());
    splice.parent = k;
    splice.window_start = window_start;
    splice.window_end = window_end;
    splice.old_window_end = old_window_end;
    splice.window = std::move(window);
    return splice;
  }
  return std::nullopt;
}

void apply_chunk_update(ChunkedText& chunked, ChunkSplice splice, std::string_view text,
                        std::string_view path, const EditSpan& edit) {
  std::vector<Chunk>& chunks = chunked.chunks;
  std::vector<ChunkOrigin>& origins = chunked.origins;
  std::vector<Chunk>& fresh = splice.window.chunks.chunks;
  std::vector<ChunkOrigin>& fresh_origins = splice.window.chunks.origins;
  const std::int32_t k = splice.parent;
  const std::size_t first = splice.first;
  const std::size_t last = splice.last;
  const std::size_t added = fresh.size();
  const auto moved_by = static_cast<std::int64_t>(added) - static_cast<std::int64_t>(last - first);

  // Whether the window changed which names K's children repeat: later siblings'
  // ordinals, hence ids, follow.
  std::vector<std::string> old_names, new_names;
  for (std::size_t i = first; i < last; ++i) {
    if (chunks[i].parent == k) old_names.push_back(sibling_key(chunks[i].kind, chunks[i].name));
  }
  for (const Chunk& c : fresh) {
    if (c.parent < 0) new_names.push_back(sibling_key(c.kind, c.name));
  }
  std::sort(old_names.begin(), old_names.end());
  std::sort(new_names.begin(), new_names.end());
  const bool renumber = old_names != new_names;

  // K and its ancestors hold the window: their ends move and their bytes changed.
  for (std::int32_t x = k; x >= 0; x = chunks[static_cast<std::size_t>(x)].parent) {
    Chunk& c = chunks[static_cast<std::size_t>(x)];
    shift_chunk(edit, c, origins[static_cast<std::size_t>(x)]);
    const std::string_view bytes =
        text.substr(c.range.start_byte, c.range.end_byte - c.range.start_byte);
    c.content_hash = XXH3_64bits(bytes.data(), bytes.size());
  }
  // Everything after the window moves.
  for (std::size_t i = last; i < chunks.size(); ++i) {
    Chunk& c = chunks[i];
    shift_chunk(edit, c, origins[i]);
    if (c.parent >= static_cast<std::int32_t>(last)) {
      c.parent = static_cast<std::int32_t>(c.parent + moved_by);
    }
  }
  for (Chunk& c : fresh) {
    c.parent = c.parent < 0 ? k : static_cast<std::int32_t>(c.parent + first);
  }
  const auto at = static_cast<std::ptrdiff_t>(first);
  const auto until = static_cast<std::ptrdiff_t>(last);
  if (added == last - first) {
    std::move(fresh.begin(), fresh.end(), chunks.begin() + at);
    std::move(fresh_origins.begin(), fresh_origins.end(), origins.begin() + at);
  } else {
    chunks.erase(chunks.begin() + at, chunks.begin() + until);
    chunks.insert(chunks.begin() + at, std::make_move_iterator(fresh.begin()),
                  std::make_move_iterator(fresh.end()));
    origins.erase(origins.begin() + at, origins.begin() + until);
    origins.insert(origins.begin() + at, fresh_origins.begin(), fresh_origins.end());
  }

  if (renumber) {
    // Ordinals count siblings of the same kind and name in order; redo them for K's
    // subtree and give the chunks after the window their ids again.
    const std::size_t from = k >= 0 ? static_cast<std::size_t>(k) + 1 : 0;
    std::size_t to = chunks.size();
    if (k >= 0) {
      const std::uint32_t depth = chunks[static_cast<std::size_t>(k)].depth;
      to = from;
      while (to < chunks.size() && chunks[to].depth > depth)
        ++to;
    }
    std::unordered_map<std::string, std::uint32_t> ordinals;
    for (std::size_t i = from; i < to; ++i) {
      Chunk& c = chunks[i];
      std::string key = std::to_string(c.parent);
      key.push_back('\x1f');
      key += sibling_key(c.kind, c.name);
      const std::uint32_t ordinal = ordinals[key]++;
      if (i < first + added) continue;
      c.id = c.parent >= 0 ? child_chunk_id(chunks[static_cast<std::size_t>(c.parent)].id, c.kind,
                                            c.name, ordinal)
                           : chunk_id(path, c.kind, c.name, ordinal);
    }
  }

  FoldParts& parts = chunked.fold_parts;
  FoldParts& new_parts = splice.window.fold_parts;
  splice_parts(parts.blocks, new_parts.blocks, splice.window_start, splice.old_window_end, edit);
  splice_parts(parts.comments, new_parts.comments, splice.window_start, splice.old_window_end,
               edit);
  splice_parts(parts.imports, new_parts.imports, splice.window_start, splice.old_window_end, edit);
  chunked.folds = combine_folds(parts, chunks, text, Deadline::never());
}

}  // namespace chunkls
