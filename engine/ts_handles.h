// RAII owners for the tree-sitter handles chunkls uses: Parser, Tree, Query, QueryCursor.
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

#include <memory>
#include <string_view>

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
  Tree parse(std::string_view text, const Tree* old = nullptr) {
    return Tree(ts_parser_parse_string(parser_.get(), old ? old->get() : nullptr, text.data(),
                                       static_cast<uint32_t>(text.size())));
  }
  TSParser* get() const { return parser_.get(); }

 private:
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

class QueryCursor {
 public:
  QueryCursor() : cursor_(ts_query_cursor_new()) {}
  TSQueryCursor* get() const { return cursor_.get(); }

 private:
  std::unique_ptr<TSQueryCursor, detail::QueryCursorDeleter> cursor_;
};

}  // namespace chunkls
