// RAII owners for the tree-sitter handles chunkls uses: Parser, Tree, Query, TreeCursor,
// QueryCursor.
//
// Each wrapper owns exactly one tree-sitter object and frees it with the matching
// ts_*_delete call; none of them is ever freed by hand elsewhere. Tree is a value type:
// copying it is ts_tree_copy (a reference-count bump), so a tree can be handed to
// another thread while the original keeps being edited.
//
// Thread-safety: as tree-sitter's own. A Parser or QueryCursor is used by one thread at
// a time. A Tree may be read by several threads at once, but ts_tree_edit needs
// exclusive access: copy first. A compiled Query is immutable and shared freely.
#pragma once

#include <tree_sitter/api.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "engine/syntax/deadline.h"

namespace chunkls {

namespace detail {
struct ParserDeleter {
  void operator()(TSParser* p) const { ts_parser_delete(p); }
};
struct TreeDeleter {
  void operator()(TSTree* t) const { ts_tree_delete(t); }
};
struct QueryDeleter {
  void operator()(TSQuery* q) const { ts_query_delete(q); }
};
struct QueryCursorDeleter {
  void operator()(TSQueryCursor* c) const { ts_query_cursor_delete(c); }
};
}  // namespace detail

class Tree {
 public:
  Tree() = default;
  explicit Tree(TSTree* owned) : tree_(owned) {}
  Tree(const Tree& other) : tree_(other.tree_ ? ts_tree_copy(other.tree_.get()) : nullptr) {}
  Tree& operator=(const Tree& other) {
    if (this != &other) tree_.reset(other.tree_ ? ts_tree_copy(other.tree_.get()) : nullptr);
    return *this;
  }
  Tree(Tree&&) noexcept = default;
  Tree& operator=(Tree&&) noexcept = default;
  ~Tree() = default;

  explicit operator bool() const { return tree_ != nullptr; }
  TSTree* get() const { return tree_.get(); }
  TSNode root() const { return ts_tree_root_node(tree_.get()); }

 private:
  std::unique_ptr<TSTree, detail::TreeDeleter> tree_;
};

class Parser {
 public:
  Parser() : parser_(ts_parser_new()) {}
  // Returns false when the runtime refuses the grammar (ABI version out of range).
  bool set_language(const TSLanguage* language) {
    if (language == language_) return true;
    if (!ts_parser_set_language(parser_.get(), language)) return false;
    language_ = language;
    return true;
  }
  const TSLanguage* language() const { return language_; }
  // Parses `text` (UTF-8). `old` is an edited previous tree for incremental reparsing.
  // Returns an empty Tree when the deadline passes first.
  Tree parse(std::string_view text, const Tree* old = nullptr,
             const Deadline& deadline = Deadline::never()) {
    TSInput input{&text, &read_string, TSInputEncodingUTF8, nullptr};
    TSParseOptions options{const_cast<Deadline*>(&deadline), &past_deadline};
    Tree tree(ts_parser_parse_with_options(parser_.get(), old ? old->get() : nullptr, input,
                                           deadline.is_never() ? TSParseOptions{} : options));
    // A cancelled parse would otherwise resume on the next call, with other text.
    if (!tree) ts_parser_reset(parser_.get());
    return tree;
  }
  TSParser* get() const { return parser_.get(); }

 private:
  static bool past_deadline(TSParseState* state) {
    return static_cast<const Deadline*>(state->payload)->expired();  // true cancels
  }
  static const char* read_string(void* payload, uint32_t byte, TSPoint, uint32_t* length) {
    const auto* text = static_cast<const std::string_view*>(payload);
    if (byte >= text->size()) {
      *length = 0;
      return "";
    }
    *length = static_cast<uint32_t>(text->size() - byte);
    return text->data() + byte;
  }

  std::unique_ptr<TSParser, detail::ParserDeleter> parser_;
  const TSLanguage* language_ = nullptr;
};

class Query {
 public:
  Query() = default;
  explicit Query(TSQuery* owned) : query_(owned) {}
  explicit operator bool() const { return query_ != nullptr; }
  TSQuery* get() const { return query_.get(); }

 private:
  std::unique_ptr<TSQuery, detail::QueryDeleter> query_;
};

// A tree cursor over a node's subtree: the cheap way to visit every node.
class TreeCursor {
 public:
  explicit TreeCursor(TSNode root) : cursor_(ts_tree_cursor_new(root)) {}
  TreeCursor(const TreeCursor&) = delete;
  TreeCursor& operator=(const TreeCursor&) = delete;
  ~TreeCursor() { ts_tree_cursor_delete(&cursor_); }

  TSNode node() const { return ts_tree_cursor_current_node(&cursor_); }
  bool goto_first_child() { return ts_tree_cursor_goto_first_child(&cursor_); }
  bool goto_next_sibling() { return ts_tree_cursor_goto_next_sibling(&cursor_); }
  bool goto_parent() { return ts_tree_cursor_goto_parent(&cursor_); }
  // The field the current node fills in its parent, or null.
  const char* field_name() const { return ts_tree_cursor_current_field_name(&cursor_); }
  // Pre-order step: first child, else next sibling, else an ancestor's next sibling.
  // False when the walk is over.
  bool next() {
    if (ts_tree_cursor_goto_first_child(&cursor_)) return true;
    while (!ts_tree_cursor_goto_next_sibling(&cursor_)) {
      if (!ts_tree_cursor_goto_parent(&cursor_)) return false;
    }
    return true;
  }

 private:
  TSTreeCursor cursor_;
};

class QueryCursor {
 public:
  QueryCursor() : cursor_(ts_query_cursor_new()) {}
  QueryCursor(const QueryCursor&) = delete;  // tree-sitter holds pointers into this object
  QueryCursor& operator=(const QueryCursor&) = delete;
  QueryCursor(QueryCursor&&) = delete;
  QueryCursor& operator=(QueryCursor&&) = delete;

  // Starts matching `query` under `node`; matching stops early (next_match returns
  // false and cancelled() true) once the deadline passes.
  void exec(const TSQuery* query, TSNode node, const Deadline& deadline = Deadline::never()) {
    deadline_ = deadline;
    cancelled_ = false;
    // tree-sitter keeps the options pointer while matching: it must outlive this call.
    ts_query_cursor_exec_with_options(cursor_.get(), query, node, &options_);
  }
  bool next_match(TSQueryMatch* match) { return ts_query_cursor_next_match(cursor_.get(), match); }
  // 0: matches must start at the node given to exec(); UINT32_MAX: anywhere below it.
  void set_max_start_depth(std::uint32_t depth) {
    ts_query_cursor_set_max_start_depth(cursor_.get(), depth);
  }
  bool cancelled() const { return cancelled_; }
  void cancel() { cancelled_ = true; }
  // A walk that gave up leaves cancelled() set until the next exec(); a new walk that
  // may run no exec() before it checks calls this first.
  void clear_cancel() { cancelled_ = false; }
  TSQueryCursor* get() const { return cursor_.get(); }

 private:
  static bool past_deadline(TSQueryCursorState* state) {
    auto* self = static_cast<QueryCursor*>(state->payload);
    if (self->deadline_.expired()) self->cancelled_ = true;
    return self->cancelled_;
  }

  std::unique_ptr<TSQueryCursor, detail::QueryCursorDeleter> cursor_;
  TSQueryCursorOptions options_{this, &past_deadline};
  Deadline deadline_ = Deadline::never();
  bool cancelled_ = false;
};

}  // namespace chunkls
