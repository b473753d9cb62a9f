// TextRange of syntax nodes as users see them. Some grammars end a node with its line
// break (`#define X 1\n`, Rust's `/// doc\n`), which tree-sitter reports as ending at
// column 0 of the next row; such a node is taken to end at the end of its last line,
// so it neither claims nor folds the following line.
//
// Pure functions; safe from any thread.
#pragma once

#include <tree_sitter/api.h>

#include <string_view>
#include <vector>

#include "engine/chunks/chunk.h"

namespace chunkls {

TextRange node_range(TSNode node, std::string_view text);
// From the start of `first` to the end of `last`.
TextRange span_range(TSNode first, TSNode last, std::string_view text);

// A node's children (named and anonymous), in order.
std::vector<TSNode> children_of(TSNode node);

enum class CommentMarker { kNone, kRegionStart, kRegionEnd };

// `// #region Name`, `# region`, `/* #endregion */`, `-- {{{`, `# }}}`.
CommentMarker comment_marker(std::string_view comment);

}  // namespace chunkls
