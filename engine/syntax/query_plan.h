// QueryPlan: where in a tree the combined chunks+folds query can match, so the Chunker
// need not run tree-sitter's query cursor over every node (that walk alone costs about
// 0.35 of a parse; a plain tree-cursor visit costs 0.07).
//
// Built from our own query text: each top-level pattern's root node types. Patterns
// that are a bare node type (or an alternation of them) with one capture are "simple":
// the Chunker records the capture itself. Other patterns are run by the query cursor
// only at their root nodes, with max start depth 0. The plan checks itself against
// tree-sitter (pattern count, pattern offsets, rootedness); wildcard, supertype or
// non-rooted patterns, or any disagreement, leave it unusable and the Chunker walks
// with the full query instead.
//
// Immutable after build(); shared by every thread that chunks the language.
#pragma once

#include <tree_sitter/api.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace chunkls {

class QueryPlan {
 public:
  struct SimpleCapture {
    std::uint32_t pattern;
    std::uint32_t capture;
  };
  struct NodePlan {
    bool run_query = false;               // some structured pattern is rooted here
    std::vector<SimpleCapture> captures;  // simple patterns this node matches
  };

  static QueryPlan build(const TSLanguage* language, const TSQuery* query, std::string_view source);

  bool usable() const { return usable_; }
  // nullptr when no pattern is rooted at nodes of this symbol.
  const NodePlan* at(TSNode node) const {
    const TSSymbol symbol = ts_node_symbol(node);  // one lookup: ERROR is a symbol too
    if (symbol == kErrorSymbol) {
      return error_.run_query || !error_.captures.empty() ? &error_ : nullptr;
    }
    if (symbol >= symbols_.size()) return nullptr;
    const NodePlan& p = symbols_[symbol];
    return p.run_query || !p.captures.empty() ? &p : nullptr;
  }

 private:
  // tree-sitter's ERROR node symbol (ts_builtin_sym_error, (TSSymbol)-1).
  static constexpr TSSymbol kErrorSymbol = static_cast<TSSymbol>(-1);
  bool usable_ = false;
  std::vector<NodePlan> symbols_;
  NodePlan error_;
};

}  // namespace chunkls
