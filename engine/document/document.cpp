#include "engine/document/document.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

namespace chunkls {

namespace {

std::uint64_t effective_limit(const DocumentLimits& limits) {
  return std::min(limits.max_bytes, kMaxDocumentBytesCeiling);
}

TSPoint to_ts(Point p) {
  return TSPoint{p.row, p.column};
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
      lines_(""),
      chunker_(Chunker::Walk::kPlanned, limits.chunks) {
  if (text_.size() > effective_limit(limits_)) {
    throw DocumentTooLarge(text_.size(), effective_limit(limits_));
  }
  lines_ = LineIndex(text_);
}

void Document::parse(const Tree* old, const Deadline& deadline) {
  (void)language_->queries();  // like Chunker: query errors surface before parsing
  if (!chunker_.parser().set_language(language_->grammar())) {
    throw ChunkError(fmt::format("tree-sitter refused the grammar of '{}' (ABI version {})",
                                 language_->name(), ts_language_abi_version(language_->grammar())));
  }
  Tree tree = chunker_.parser().parse(text_, old, deadline);
  if (!tree) {
    if (deadline.expired()) deadline.give_up(fmt::format("parsing {} bytes", text_.size()));
    throw ChunkError(fmt::format("parsing failed for language '{}'", language_->name()));
  }
  tree_ = std::move(tree);
  reparse_pending_ = false;
  fresh_parse_due_ = false;
}

void Document::changed() {
  ++revision_;
  reparse_pending_ = true;
  chunked_.reset();
}

void Document::edit(const TextEdit& edit) {
  const auto size = static_cast<std::uint32_t>(text_.size());
  const std::uint32_t start = std::min(edit.start_byte, size);
  const std::uint32_t old_end = std::min(edit.old_end_byte, size);
  if (start > old_end) {
    throw std::invalid_argument(
        fmt::format("edit range [{}, {}) is reversed", edit.start_byte, edit.old_end_byte));
  }
  const std::uint64_t new_size = std::uint64_t{size} - (old_end - start) + edit.new_text.size();
  if (new_size > effective_limit(limits_)) {
    throw DocumentTooLarge(new_size, effective_limit(limits_));
  }
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
  changed();
}

void Document::reparse(const Deadline& deadline) {
  if (!reparse_pending_) return;
  // The edited tree lets tree-sitter reuse every subtree the edits did not touch.
  parse(tree_ ? &tree_ : nullptr, deadline);
  // Error recovery depends on which subtrees were reused, so a tree with errors may
  // differ from a fresh parse of the same text (tree-sitter#1444, #4001).
  fresh_parse_due_ = ts_node_has_error(tree_.root());
}

const Tree& Document::canonical_tree(const Deadline& deadline) {
  reparse(deadline);
  if (!fresh_parse_due_) return tree_;
  // Parse the top-level constructs that hold errors again without reusing any of their
  // subtrees, as a fresh parse would; the error-free rest is what a fresh parse gives.
  std::vector<ByteSpan> refresh;
  const bool root_is_error = ts_node_is_error(tree_.root());
  TreeCursor cursor(tree_.root());
  if (!root_is_error && cursor.goto_first_child()) {
    do {
      const TSNode node = cursor.node();
      if (ts_node_has_error(node)) {
        refresh.push_back({ts_node_start_byte(node), ts_node_end_byte(node)});
      }
    } while (cursor.goto_next_sibling());
  }
  if (root_is_error) {
    parse(nullptr, deadline);  // the root is the error: nothing to keep
  } else if (!refresh.empty()) {
    for (const ByteSpan& span : refresh) {
      // An edit that replaces the span with itself: its nodes cannot be reused.
      TSInputEdit again{};
      again.start_byte = span.start;
      again.old_end_byte = span.end;
      again.new_end_byte = span.end;
      again.start_point = to_ts(lines_.ts_point(span.start, text_));
      again.old_end_point = to_ts(lines_.ts_point(span.end, text_));
      again.new_end_point = again.old_end_point;
      ts_tree_edit(tree_.get(), &again);
    }
    parse(&tree_, deadline);
  }
  fresh_parse_due_ = false;
  return tree_;
}

void Document::replace(std::string text) {
  if (text.size() > effective_limit(limits_)) {
    throw DocumentTooLarge(text.size(), effective_limit(limits_));
  }
  LineIndex lines(text);
  text_ = std::move(text);
  lines_ = std::move(lines);
  tree_ = Tree();
  changed();
}

const ChunkedText& Document::chunked(const Deadline& deadline) {
  if (!chunked_) {
    canonical_tree(deadline);
    chunked_ = chunker_.chunk_tree(*language_, tree_, text_, path_, deadline);
  }
  return *chunked_;
}

}  // namespace chunkls
