#include "engine/document/document.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>

#include "engine/document/chunk_update.h"

namespace chunkls {

namespace {

// Throws DocumentTooLarge when a text of `bytes` would not fit.
void check_size(std::uint64_t bytes, const DocumentLimits& limits) {
  const std::uint64_t limit = std::min(limits.max_bytes, kMaxDocumentBytesCeiling);
  if (bytes > limit) throw DocumentTooLarge(bytes, limit);
}

const std::string& checked(const std::string& text, const DocumentLimits& limits) {
  check_size(text.size(), limits);
  return text;
}

TSPoint to_ts(Point p) {
  return TSPoint{p.row, p.column};
}

Point from_ts(TSPoint p) {
  return Point{p.row, p.column};
}

TSInputEdit to_input(const EditSpan& e) {
  return TSInputEdit{e.start,
                     e.old_end,
                     e.new_end,
                     to_ts(e.start_point),
                     to_ts(e.old_end_point),
                     to_ts(e.new_end_point)};
}

using Span = std::pair<std::uint32_t, std::uint32_t>;

bool touches(const Span& span, std::uint32_t start, std::uint32_t end) {
  return span.second >= start && span.first <= end;
}

// A top-level construct with errors and the bytes an edit must stay out of for a fresh
// parse to recover in it as before. Error recovery reads on past the construct's end:
// tree-sitter keeps several parse versions alive over the next tokens and picks one
// later, so an edit after the construct can change how a fresh parse recovers inside it
// (tests/fuzz: a TSX interface edited after its `}`; a Python method edited two
// constructs after a broken one). The reach is the construct, the top-level constructs
// after it that were reduced while versions were still alive, and the next named one,
// where the versions had become one (comments and stray tokens passed over).
struct ErrorConstruct {
  Span span;
  Span reach;
};

// Whether tree-sitter reduced the node while more than one parse version was alive (or
// over an error): it then marks the node fragile, gives it no parse state and never
// reuses it (lib/src/parser.c, ts_parser__reduce; TS_TREE_STATE_NONE is USHRT_MAX, not
// in api.h: tests/engine/document pins it on the runtime we ship).
bool reduced_among_versions(const TSNode& node) {
  return ts_node_parse_state(node) == std::numeric_limits<TSStateId>::max();
}

std::vector<ErrorConstruct> error_constructs(const Tree& tree) {
  std::vector<ErrorConstruct> out;
  TreeCursor cursor(tree.root());
  if (!cursor.goto_first_child()) return out;
  bool open = false;  // the last one's reach goes on to a later construct
  do {
    const TSNode node = cursor.node();
    const std::uint32_t start = ts_node_start_byte(node);
    const std::uint32_t end = ts_node_end_byte(node);
    if (open && !ts_node_has_error(node) &&
        (ts_node_is_extra(node) || !ts_node_is_named(node) || reduced_among_versions(node))) {
      out.back().reach.second = end;
      continue;
    }
    if (open) {
      out.back().reach.second = end;
      open = false;
    }
    if (ts_node_has_error(node)) {
      out.push_back({{start, end}, {start, end}});
      open = true;
    }
  } while (cursor.goto_next_sibling());
  if (open) out.back().reach.second = ts_node_end_byte(tree.root());
  return out;
}

// Whether the edits in `span` (in the new text) reach the construct.
bool reached(const ErrorConstruct& construct, const EditSpan& span) {
  return touches(construct.reach, span.start > 0 ? span.start - 1 : 0, span.new_end + 1);
}

}  // namespace

DocumentTooLarge::DocumentTooLarge(std::uint64_t bytes, std::uint64_t limit)
    : ChunkError(fmt::format("the document would hold {} bytes, over the limit of {} bytes", bytes,
                             limit)) {}

Document::Document(const Language& language, std::string text, std::string path,
                   DocumentLimits limits)
    : language_(&language),
      limits_(limits),
      path_(std::move(path)),
      text_(std::move(text)),
      lines_(checked(text_, limits_)) {}

class Document::ChunkerScope {
 public:
  explicit ChunkerScope(Document& document) : document_(document) {
    if (document.chunker_) return;  // a call inside a call: already held
    outer_ = true;
    ChunkerPool* pool = document.services_.chunkers;
    const ChunkLimits& mine = document.limits_.chunks;
    if (pool && pool->limits().max_depth == mine.max_depth &&
        pool->limits().max_chunks == mine.max_chunks) {
      lease_.emplace(pool->acquire(*document.language_));
      document.chunker_ = &**lease_;
      return;
    }
    if (!document.own_chunker_) {
      document.own_chunker_ = std::make_unique<Chunker>(Chunker::Walk::kPlanned, mine);
    }
    document.chunker_ = document.own_chunker_.get();
  }
  ChunkerScope(const ChunkerScope&) = delete;
  ChunkerScope& operator=(const ChunkerScope&) = delete;
  ~ChunkerScope() {
    if (outer_) document_.chunker_ = nullptr;
  }

 private:
  Document& document_;
  bool outer_ = false;
  std::optional<ChunkerPool::Lease> lease_;
};

Document::Document(const Language& language, std::string text, std::string path,
                   DocumentLimits limits, ParsedText parsed)
    : Document(language, std::move(text), std::move(path), limits) {
  if (!parsed.chunked) throw std::invalid_argument("ParsedText without chunks");
  // Shared with a cache: copied before the first change (own_chunks()).
  chunked_ = std::const_pointer_cast<ChunkedText>(std::move(parsed.chunked));
  chunked_current_ = true;
  if (parsed.tree) {
    tree_ = parsed.tree;
    chunked_tree_ = std::move(parsed.tree);
    reparse_pending_ = false;
    // As after any reparse(): a tree with errors may not be what a fresh parse gives.
    fresh_parse_due_ = ts_node_has_error(tree_.root());
  }
}

std::optional<ParsedText> Document::parsed() const {
  if (!chunked_current_ || !chunked_) return std::nullopt;
  return ParsedText{.chunked = chunked_, .tree = chunked_tree_};
}

ChunkedText& Document::own_chunks() {
  if (chunked_.use_count() > 1) chunked_ = std::make_shared<ChunkedText>(*chunked_);
  return *chunked_;
}

void Document::parse(const Tree* old, const Deadline& deadline) {
  (void)language_->queries();  // like Chunker: query errors surface before parsing
  if (!chunker_->parser().set_language(language_->grammar())) {
    throw ChunkError(fmt::format("tree-sitter refused the grammar of '{}' (ABI version {})",
                                 language_->name(), ts_language_abi_version(language_->grammar())));
  }
  Tree tree;
  {
    const ScopedTimer timed(services_.monitor, Stage::kParse, path_);
    tree = chunker_->parser().parse(text_, old, deadline);
  }
  if (!tree) {
    if (deadline.expired()) deadline.give_up(fmt::format("parsing {} bytes", text_.size()));
    throw ChunkError(fmt::format("parsing failed for language '{}'", language_->name()));
  }
  tree_ = std::move(tree);
  reparse_pending_ = false;
  since_parsed_.reset();
  fresh_parse_due_ = false;
}

void Document::changed() {
  ++revision_;
  reparse_pending_ = true;
  chunked_current_ = false;
}

void Document::edit(const TextEdit& edit) {
  const auto size = static_cast<std::uint32_t>(text_.size());
  const std::uint32_t start = std::min(edit.start_byte, size);
  const std::uint32_t old_end = std::min(edit.old_end_byte, size);
  if (start > old_end) {
    throw std::invalid_argument(
        fmt::format("edit range [{}, {}) is reversed", edit.start_byte, edit.old_end_byte));
  }
  check_size(std::uint64_t{size} - (old_end - start) + edit.new_text.size(), limits_);
  const auto inserted = static_cast<std::uint32_t>(edit.new_text.size());
  TSInputEdit input{};
  input.start_byte = start;
  input.old_end_byte = old_end;
  input.new_end_byte = start + inserted;
  // Start and old end are points of the old text; the start is the same in the new one.
  input.start_point = to_ts(lines_.ts_point(start, text_));
  input.old_end_point = to_ts(lines_.ts_point(old_end, text_));
  text_.replace(start, old_end - start, edit.new_text);
  lines_.apply_edit(start, old_end, text_, inserted);
  input.new_end_point = to_ts(lines_.ts_point(input.new_end_byte, text_));
  if (tree_) ts_tree_edit(tree_.get(), &input);
  {
    const EditSpan span{start,
                        old_end,
                        input.new_end_byte,
                        from_ts(input.start_point),
                        from_ts(input.old_end_point),
                        from_ts(input.new_end_point)};
    if (chunked_) since_chunked_ = since_chunked_ ? since_chunked_->then(span) : span;
    since_parsed_ = since_parsed_ ? since_parsed_->then(span) : span;
  }
  parsed_whole_.clear();
  changed();
}

void Document::reparse(const Deadline& deadline) {
  if (!reparse_pending_) return;
  const ChunkerScope chunker(*this);
  // Constructs with errors that the edits reach would be parsed again without reuse
  // after this parse anyway (see update_chunks()): an identity edit over each lets this
  // one parse do both, so a keystroke in a function with errors costs one parse, not two.
  std::vector<Span> whole;
  if (tree_ && since_parsed_ && ts_node_has_error(tree_.root()) &&
      !ts_node_is_error(tree_.root())) {
    for (const ErrorConstruct& construct : error_constructs(tree_)) {
      if (reached(construct, *since_parsed_)) whole.push_back(construct.span);
    }
    forbid_reuse(whole);
  }
  // The edited tree lets tree-sitter reuse every subtree the edits did not touch.
  parse(tree_ ? &tree_ : nullptr, deadline);
  parsed_whole_ = std::move(whole);
  stats_.constructs_reparsed += parsed_whole_.size();
  // Error recovery depends on which subtrees were reused, so a tree with errors may
  // differ from a fresh parse of the same text (tree-sitter#1444, #4001).
  fresh_parse_due_ = ts_node_has_error(tree_.root());
}

void Document::forbid_reuse(const std::vector<Span>& spans) {
  for (const Span& span : spans) {
    // An edit that replaces the span with itself: its nodes cannot be reused.
    TSInputEdit again{};
    again.start_byte = span.first;
    again.old_end_byte = span.second;
    again.new_end_byte = span.second;
    again.start_point = to_ts(lines_.ts_point(span.first, text_));
    again.old_end_point = to_ts(lines_.ts_point(span.second, text_));
    again.new_end_point = again.old_end_point;
    ts_tree_edit(tree_.get(), &again);
  }
}

void Document::reparse_spans(const std::vector<Span>& spans, const Deadline& deadline) {
  const ScopedTimer timed(services_.monitor, Stage::kCanonicalParse, path_);
  forbid_reuse(spans);
  reparse_pending_ = true;  // if the parse gives up, the next one redoes them
  parse(&tree_, deadline);
  fresh_parse_due_ = ts_node_has_error(tree_.root());  // others may still be as edited
  stats_.constructs_reparsed += spans.size();
}

const Tree& Document::canonical_tree(const Deadline& deadline) {
  reparse(deadline);
  if (!fresh_parse_due_) return tree_;
  const ChunkerScope chunker(*this);
  // Parse the top-level constructs that hold errors again without reusing any of their
  // subtrees, as a fresh parse would; the error-free rest is what a fresh parse gives.
  if (ts_node_is_error(tree_.root())) {
    parse(nullptr, deadline);  // the root is the error: nothing to keep
  } else {
    std::vector<Span> refresh;
    for (const ErrorConstruct& construct : error_constructs(tree_))
      refresh.push_back(construct.span);
    if (!refresh.empty()) reparse_spans(refresh, deadline);
  }
  fresh_parse_due_ = false;
  return tree_;
}

bool Document::update_chunks(const Deadline& deadline) {
  reparse(deadline);
  if (ts_node_is_error(tree_.root())) return false;
  EditSpan dirty = *since_chunked_;
  // Whether it grew.
  auto widen = [&](std::uint32_t start, std::uint32_t end) {
    bool grew = false;
    if (start < dirty.start) {
      dirty.start = start;
      dirty.start_point = lines_.ts_point(start, text_);
      grew = true;
    }
    if (end > dirty.new_end) {
      const Point at = lines_.ts_point(end, text_);
      dirty.old_end = static_cast<std::uint32_t>(std::int64_t{end} - dirty.delta());
      dirty.old_end_point = dirty.unshift(at);
      dirty.new_end = end;
      dirty.new_end_point = at;
      grew = true;
    }
    return grew;
  };
  // The tree the chunks came from, edited like the text since.
  Tree before = chunked_tree_;
  const TSInputEdit moved = to_input(dirty);
  ts_tree_edit(before.get(), &moved);
  std::vector<Span> reparsed;
  for (int round = 0; round < 4; ++round) {
    // Constructs with errors the changes reach are parsed again as a fresh parse would;
    // the others keep the chunks their canonical parse gave before.
    std::vector<Span> touched;
    std::vector<ErrorConstruct> untouched;
    for (const ErrorConstruct& construct : error_constructs(tree_)) {
      const Span& span = construct.span;
      // Parsed without reuse: by the last reparse() (inside a span it re-parsed whole) or
      // by a round of this call (overlapping one: the constructs may have moved).
      const bool done = std::any_of(parsed_whole_.begin(), parsed_whole_.end(),
                                    [&](const Span& r) {
                                      return r.first <= span.first && span.second <= r.second;
                                    }) ||
                        std::any_of(reparsed.begin(), reparsed.end(), [&](const Span& r) {
                          return r.first < span.second && span.first < r.second;
                        });
      if (done) continue;  // parsed again in this call: as a fresh parse gives it
      if (reached(construct, dirty)) {
        touched.push_back(span);
      } else {
        untouched.push_back(construct);
      }
    }
    if (!touched.empty()) {
      // All of them in one parse: a parse breaks down every node with an error, so one
      // parsed earlier in this call would be parsed again reusing its pieces.
      reparsed.insert(reparsed.end(), touched.begin(), touched.end());
      // The ones the last reparse() made canonical too: this parse would break them down.
      reparsed.insert(reparsed.end(), parsed_whole_.begin(), parsed_whole_.end());
      parsed_whole_.clear();
      reparse_spans(reparsed, deadline);
      continue;  // the spans may have moved: look again
    }
    std::uint32_t count = 0;
    const std::unique_ptr<TSRange, decltype(&std::free)> changed(
        ts_tree_get_changed_ranges(before.get(), tree_.get(), &count), &std::free);
    bool grew = false;
    for (std::uint32_t i = 0; i < count; ++i) {
      const TSRange& r = changed.get()[i];
      grew = widen(r.start_byte, r.end_byte) || grew;
    }
    if (grew) {
      // The structure changed beyond the edits: a wider reach may touch more constructs
      // with errors, and those it reaches are parsed again. That includes a construct
      // with errors whose tree changed although no edit reached it: what comes before it
      // can change how it parses (Python's indentation stack after an error; tests/fuzz),
      // or tree-sitter recovered in it differently this time; either way its old chunks
      // are no longer known to be a fresh parse's. The old tree is edited once, by the
      // span as it ends up.
      if (std::any_of(untouched.begin(), untouched.end(),
                      [&](const ErrorConstruct& c) { return reached(c, dirty); })) {
        before = chunked_tree_;
        const TSInputEdit again = to_input(dirty);
        ts_tree_edit(before.get(), &again);
        continue;
      }
    }
    std::optional<ChunkSplice> splice =
        plan_chunk_update(*chunker_, *language_, *chunked_, tree_, text_, path_, dirty, deadline);
    if (!splice) return false;
    // The window must not read a construct whose tree is not what a fresh parse gives.
    const std::uint32_t window_start = splice->window_start;
    const std::uint32_t window_end = splice->window_end;
    if (std::any_of(untouched.begin(), untouched.end(), [&](const ErrorConstruct& c) {
          return touches(c.span, window_start, window_end);
        })) {
      widen(window_start, window_end);
      before = chunked_tree_;
      const TSInputEdit again = to_input(dirty);
      ts_tree_edit(before.get(), &again);
      continue;
    }
    stats_.chunks_rebuilt += splice->window.chunks.chunks.size();
    try {
      apply_chunk_update(own_chunks(), std::move(*splice), text_, path_, dirty);
      chunked_tree_ = tree_;
    } catch (...) {
      chunked_.reset();  // half updated
      chunked_tree_ = Tree();
      since_chunked_.reset();
      throw;
    }
    return true;
  }
  return false;
}

void Document::replace(std::string text) {
  check_size(text.size(), limits_);
  // One edit of what differs: an editor that sends whole texts still costs an edit.
  const std::size_t common = std::min(text.size(), text_.size());
  const std::size_t prefix = static_cast<std::size_t>(
      std::mismatch(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(common), text_.begin())
          .first -
      text.begin());
  std::size_t suffix = 0;
  while (suffix < common - prefix &&
         text[text.size() - 1 - suffix] == text_[text_.size() - 1 - suffix]) {
    ++suffix;
  }
  if (prefix == text.size() && text.size() == text_.size()) return;  // the same text
  edit({static_cast<std::uint32_t>(prefix), static_cast<std::uint32_t>(text_.size() - suffix),
        text.substr(prefix, text.size() - suffix - prefix)});
}

const ChunkedText& Document::chunked(const Deadline& deadline) {
  if (chunked_current_) return *chunked_;
  const ChunkerScope chunker(*this);
  // Restored chunks without their tree cannot be updated: the changed ranges need it.
  bool updated = false;
  if (chunked_ && since_chunked_ && chunked_tree_) {
    const ScopedTimer timed(services_.monitor, Stage::kChunkUpdate, path_);
    updated = update_chunks(deadline);
  }
  if (updated) {
    ++stats_.updated;
  } else {
    const ScopedTimer timed(services_.monitor, Stage::kChunkWhole, path_);
    canonical_tree(deadline);
    chunked_.reset();
    chunked_tree_ = Tree();
    since_chunked_.reset();
    ChunkedText whole = services_.constructs
                            ? chunk_by_constructs(*chunker_, *services_.constructs, *language_,
                                                  tree_, text_, path_, deadline)
                            : chunker_->chunk_tree(*language_, tree_, text_, path_, deadline);
    chunked_tree_ = std::move(whole.tree);
    whole.tree = Tree();
    chunked_ = std::make_shared<ChunkedText>(std::move(whole));
    ++stats_.whole;
  }
  since_chunked_.reset();
  chunked_current_ = true;
  return *chunked_;
}

}  // namespace chunkls
