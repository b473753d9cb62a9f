#include "engine/chunks/chunk_extractor.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "engine/chunks/node_range.h"
#include "engine/text/text_kind.h"

namespace chunkls {
namespace {

constexpr std::size_t kMaxNameBytes = 256;
constexpr std::size_t kMaxDetailBytes = 240;

std::string_view slice(std::string_view text, std::uint32_t start, std::uint32_t end) {
  start = std::min<std::uint32_t>(start, text.size());
  end = std::clamp<std::uint32_t>(end, start, text.size());
  return text.substr(start, end - start);
}

// Runs of whitespace become one space; leading and trailing whitespace go.
std::string collapse_whitespace(std::string_view s, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(s.size(), max_bytes + 4));
  bool pending_space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
    if (out.size() >= max_bytes + 4) break;
  }
  if (out.size() > max_bytes) out.resize(utf8_prefix(out, max_bytes).size());
  return out;
}

// Where the signature ends: the body's start, or the end of the definition's first line.
std::uint32_t header_end(TSNode core, TSNode body, std::string_view text) {
  if (!ts_node_is_null(body)) return ts_node_start_byte(body);
  const std::uint32_t start = ts_node_start_byte(core);
  const std::uint32_t end = ts_node_end_byte(core);
  const std::string_view rest = slice(text, start, end);
  const auto nl = rest.find('\n');
  return nl == std::string_view::npos ? end : start + static_cast<std::uint32_t>(nl);
}

// The signature: the definition's text up to `end` (header_end()), without the body
// opener.
std::string detail_of(TSNode core, std::uint32_t end, std::string_view text) {
  const std::uint32_t start = ts_node_start_byte(core);
  // Comments between the header and the body (`def f():  # why`) are not signature.
  // A cursor, not ts_node_child(i), which costs O(i): a JSON object may have 100,000
  // children.
  std::string header;
  std::uint32_t at = start;
  TreeCursor children(core);
  for (bool more = children.goto_first_child(); more && at < end;
       more = children.goto_next_sibling()) {
    const TSNode child = children.node();
    const std::uint32_t child_start = ts_node_start_byte(child);
    if (child_start >= end) break;
    if (!ts_node_is_extra(child) || ts_node_has_error(child)) continue;  // keep error text
    if (child_start > at) header += slice(text, at, child_start);
    header += ' ';
    at = ts_node_end_byte(child);
  }
  if (at < end) header += slice(text, at, end);
  std::string detail = collapse_whitespace(header, kMaxDetailBytes);
  while (!detail.empty() && (detail.back() == '{' || detail.back() == ':' || detail.back() == ' ' ||
                             detail.back() == '=' || detail.back() == '>' || detail.back() == '[' ||
                             detail.back() == '(')) {
    if (detail.back() == '>' && !detail.ends_with("=>")) break;  // keep `-> T` and generics
    detail.pop_back();
  }
  return detail;
}

// The widest node the chunk owns: its definition wrapped by decorators, `export`,
// `template <...>` and the like, then the doc comments and attributes right above it.
TSNode outermost(TSNode node, const std::unordered_map<const void*, TSNode>& wrappers) {
  for (int guard = 0; guard < 16; ++guard) {
    auto it = wrappers.find(node.id);
    if (it == wrappers.end()) break;
    node = it->second;
  }
  return node;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// The end of a node's text without trailing blanks (some grammars end comments with
// their line break).
std::uint32_t trimmed_end(TSNode node, std::string_view text) {
  std::uint32_t end = std::min<std::uint32_t>(ts_node_end_byte(node), text.size());
  const std::uint32_t start = ts_node_start_byte(node);
  while (end > start && is_blank(text[end - 1]))
    --end;
  return end;
}

TSNode first_attached_doc(TSNode outer, const std::unordered_set<const void*>& docs,
                          const std::unordered_set<std::uint32_t>& doc_ends,
                          std::string_view text) {
  TSNode first = outer;
  // Fast path: no doc ends right before the chunk, so none can be attached.
  std::uint32_t before_start = std::min<std::uint32_t>(ts_node_start_byte(outer), text.size());
  while (before_start > 0 && is_blank(text[before_start - 1]))
    --before_start;
  if (!doc_ends.contains(before_start)) return first;
  TSNode prev = ts_node_prev_named_sibling(first);
  while (!ts_node_is_null(prev) && docs.contains(prev.id) &&
         node_range(prev, text).end.row + 1 >= ts_node_start_point(first).row) {
    // A region marker frames code; it documents nothing.
    if (comment_marker(slice(text, ts_node_start_byte(prev), ts_node_end_byte(prev))) !=
        CommentMarker::kNone) {
      break;
    }
    // A comment that ends the line of the code before it belongs to that code.
    const TSNode before = ts_node_prev_sibling(prev);
    if (!ts_node_is_null(before) &&
        node_range(before, text).end.row == ts_node_start_point(prev).row) {
      break;
    }
    first = prev;
    prev = ts_node_prev_named_sibling(prev);
  }
  return first;
}

}  // namespace

std::string sibling_key(ChunkKind kind, std::string_view name) {
  std::string key;
  key.reserve(name.size() + 1);
  key.push_back(static_cast<char>(kind));
  key.append(name);
  return key;
}

std::uint64_t chunk_id(std::string_view scope, ChunkKind kind, std::string_view name,
                       std::uint32_t ordinal) {
  // scope \0 kind \0 name \0 ordinal, hashed in one call; on the stack when it fits.
  const std::string_view kind_name = to_string(kind);
  const std::size_t size = scope.size() + kind_name.size() + name.size() + 3 + sizeof ordinal;
  std::array<char, 256> small{};
  std::string large;
  char* key = small.data();
  if (size > small.size()) {
    large.resize(size);
    key = large.data();
  }
  char* at = key;
  auto put = [&](std::string_view part) {
    if (!part.empty()) std::memcpy(at, part.data(), part.size());  // an empty view may be null
    at += part.size();
    *at++ = '\0';
  };
  put(scope);
  put(kind_name);
  put(name);
  std::memcpy(at, &ordinal, sizeof ordinal);
  return XXH64(key, size, 0);
}

std::uint64_t child_chunk_id(std::uint64_t parent, ChunkKind kind, std::string_view name,
                             std::uint32_t ordinal) {
  std::array<char, 17> hex{};
  fmt::format_to_n(hex.data(), 16, "{:016x}", parent);
  return chunk_id(std::string_view(hex.data(), 16), kind, name, ordinal);
}

void ChunkExtractor::add(const TSQueryMatch& match, const QuerySet& query, std::string_view text) {
  Candidate c{};
  bool is_chunk = false;
  TSNode wrapper{}, wrapped{};
  for (std::uint16_t i = 0; i < match.capture_count; ++i) {
    const TSQueryCapture& cap = match.captures[i];
    const CaptureInfo& info = query.capture(cap.index);
    switch (info.role) {
      case CaptureRole::kChunk:
        c.core = cap.node;
        c.kind = info.kind;
        is_chunk = true;
        break;
      case CaptureRole::kName:
        if (ts_node_is_null(c.name)) c.name = cap.node;
        break;
      case CaptureRole::kBody:
        if (ts_node_is_null(c.body)) c.body = cap.node;
        break;
      case CaptureRole::kWrapper:
        wrapper = cap.node;
        break;
      case CaptureRole::kWrapped:
        wrapped = cap.node;
        break;
      case CaptureRole::kDoc:
        docs_.insert(cap.node.id);
        doc_ends_.insert(trimmed_end(cap.node, text));
        break;
      default:
        break;
    }
  }
  if (!ts_node_is_null(wrapper) && !ts_node_is_null(wrapped)) {
    wrappers_.emplace(wrapped.id, wrapper);
  }
  if (!is_chunk) return;
  c.pattern = match.pattern_index;
  // One chunk per definition node: the earliest pattern in the file wins.
  auto [it, inserted] = by_core_.emplace(c.core.id, candidates_.size());
  if (inserted) {
    candidates_.push_back(c);
  } else if (c.pattern < candidates_[it->second].pattern) {
    candidates_[it->second] = c;
  }
}

void ChunkExtractor::reset() {
  candidates_.clear();
  by_core_.clear();
  wrappers_.clear();
  docs_.clear();
  doc_ends_.clear();
}

namespace {

// Where a candidate lands in the text, computed before any string is built so that
// chunks left out by the limits cost nothing more.
struct Placed {
  TextRange range;       // with docs, wrappers and the name
  TextRange definition;  // the definition node
  TextRange selection;   // the name
  std::uint32_t candidate = 0;
};

// Siblings that share kind and name get ordinals 0, 1, ...
struct SiblingKey {
  std::int32_t parent;
  ChunkKind kind;
  std::string_view name;  // into a Chunk of the output, which never reallocates
  friend bool operator==(const SiblingKey&, const SiblingKey&) = default;
};
struct SiblingKeyHash {
  std::size_t operator()(const SiblingKey& k) const {
    return static_cast<std::size_t>(XXH3_64bits_withSeed(
        k.name.data(), k.name.size(),
        (static_cast<std::uint64_t>(static_cast<std::uint32_t>(k.parent)) << 8) |
            static_cast<std::uint64_t>(k.kind)));
  }
};

constexpr std::uint32_t kCheckEvery = 1024;  // deadline checks, in chunks

}  // namespace

ExtractedChunks ChunkExtractor::finish(const QuerySet& query, std::string_view text,
                                       const ChunkScope& scope, const ChunkLimits& limits,
                                       const Deadline& deadline) {
  const std::vector<Candidate> candidates = std::move(candidates_);
  const std::unordered_map<const void*, TSNode> wrappers = std::move(wrappers_);
  const std::unordered_set<const void*> docs = std::move(docs_);
  const std::unordered_set<std::uint32_t> doc_ends = std::move(doc_ends_);
  reset();

  std::vector<Placed> placed(candidates.size());
  for (std::uint32_t i = 0; i < candidates.size(); ++i) {
    if (i % kCheckEvery == 0) deadline.check("building chunks");
    const Candidate& c = candidates[i];
    Placed& p = placed[i];
    p.candidate = i;
    const TSNode outer = outermost(c.core, wrappers);
    p.range = span_range(first_attached_doc(outer, docs, doc_ends, text), outer, text);
    p.definition = node_range(c.core, text);
    // Anonymous: select the first token (a keyword or an opening bracket).
    const TSNode name = !ts_node_is_null(c.name)          ? c.name
                        : ts_node_child_count(c.core) > 0 ? ts_node_child(c.core, 0)
                                                          : c.core;
    p.selection = node_range(name, text);
    // A name captured outside the definition (`const f = () => ...`) widens the chunk,
    // so the selection always lies inside the range.
    if (p.selection.start_byte < p.range.start_byte) {
      p.range.start_byte = p.selection.start_byte;
      p.range.start = p.selection.start;
    }
    if (p.selection.end_byte > p.range.end_byte) {
      p.range.end_byte = p.selection.end_byte;
      p.range.end = p.selection.end;
    }
  }

  // Pre-order: by start, the enclosing (longer) chunk first; equal ranges keep the
  // order of the query's matches, so nesting never depends on the sort.
  std::stable_sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) {
    if (a.range.start_byte != b.range.start_byte) return a.range.start_byte < b.range.start_byte;
    if (a.range.end_byte != b.range.end_byte) return a.range.end_byte > b.range.end_byte;
    return a.definition.start_byte < b.definition.start_byte;
  });

  ExtractedChunks out;
  // Reserved once: SiblingKey views into names must not move.
  out.chunks.reserve(std::min<std::size_t>(placed.size(), limits.max_chunks));
  out.origins.reserve(out.chunks.capacity());
  std::vector<std::int32_t> open;  // indices of the kept chunks enclosing the current one
  std::unordered_map<SiblingKey, std::uint32_t, SiblingKeyHash> ordinals;
  for (std::size_t i = 0; i < placed.size(); ++i) {
    if (i % kCheckEvery == 0) deadline.check("building chunks");
    const Placed& p = placed[i];
    while (!open.empty()) {
      const TextRange& top = out.chunks[static_cast<std::size_t>(open.back())].range;
      if (top.start_byte <= p.range.start_byte && p.range.end_byte <= top.end_byte) break;
      open.pop_back();
    }
    // Everything inside a chunk that is left out is deeper still, so left out too.
    if (scope.depth + open.size() >= limits.max_depth) {
      ++out.too_deep;
      continue;
    }
    if (out.chunks.size() >= limits.max_chunks) {
      ++out.over_the_count;
      continue;
    }
    const Candidate& c = candidates[p.candidate];
    Chunk chunk;
    chunk.kind = c.kind;
    chunk.range = p.range;
    chunk.definition = p.definition;
    chunk.selection = p.selection;
    if (!ts_node_is_null(c.name)) {
      chunk.name = collapse_whitespace(
          slice(text, ts_node_start_byte(c.name), ts_node_end_byte(c.name)), kMaxNameBytes);
    }
    if (chunk.name.empty()) {
      const std::string& fallback = query.pattern(c.pattern).default_name;
      chunk.name = fallback.empty() ? "<anonymous>" : fallback;
    }
    const std::uint32_t header = header_end(c.core, c.body, text);
    chunk.detail = detail_of(c.core, header, text);
    chunk.depth = scope.depth + static_cast<std::uint32_t>(open.size());
    std::optional<std::uint64_t> parent_id = scope.parent;
    if (!open.empty()) {
      chunk.parent = open.back();
      parent_id = out.chunks[static_cast<std::size_t>(open.back())].id;
    }
    const std::string_view bytes = slice(text, chunk.range.start_byte, chunk.range.end_byte);
    chunk.content_hash = XXH3_64bits(bytes.data(), bytes.size());
    out.chunks.push_back(std::move(chunk));
    out.origins.push_back({c.pattern, header});
    Chunk& kept = out.chunks.back();
    std::uint32_t ordinal = ordinals[SiblingKey{kept.parent, kept.kind, kept.name}]++;
    if (kept.parent < 0 && scope.earlier != nullptr) {
      const auto earlier = scope.earlier->find(sibling_key(kept.kind, kept.name));
      if (earlier != scope.earlier->end()) ordinal += earlier->second;
    }
    kept.id = parent_id ? child_chunk_id(*parent_id, kept.kind, kept.name, ordinal)
                        : chunk_id(scope.path, kept.kind, kept.name, ordinal);
    open.push_back(static_cast<std::int32_t>(out.chunks.size() - 1));
  }
  return out;
}

void reassign_ids(std::vector<Chunk>& chunks, std::string_view path) {
  std::unordered_map<SiblingKey, std::uint32_t, SiblingKeyHash> ordinals;
  for (Chunk& chunk : chunks) {
    const std::uint32_t ordinal = ordinals[SiblingKey{chunk.parent, chunk.kind, chunk.name}]++;
    // Parents come first in pre-order: their ids are already the new ones.
    chunk.id = chunk.parent >= 0 ? child_chunk_id(chunks[static_cast<std::size_t>(chunk.parent)].id,
                                                  chunk.kind, chunk.name, ordinal)
                                 : chunk_id(path, chunk.kind, chunk.name, ordinal);
  }
}

bool can_be_doc(TSNode node, const QuerySet& queries) {
  if (ts_node_is_extra(node)) return true;
  if (const QueryPlan::NodePlan* plan = queries.plan().at(node)) {
    for (const QueryPlan::SimpleCapture& simple : plan->captures) {
      if (queries.capture(simple.capture).role == CaptureRole::kDoc) return true;
    }
  }
  const std::string_view type = ts_node_type(node);
  for (std::string_view word : {"comment", "decorator", "attribute", "annotation"}) {
    if (type.find(word) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace chunkls
