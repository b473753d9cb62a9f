#include "engine/chunker.h"

#include <fmt/format.h>

#include <limits>
#include <utility>

namespace chunkls {

ChunkedText Chunker::chunk(const Language& language, std::string_view text, std::string_view path,
                           const Deadline& deadline) {
  if (text.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw ChunkError("text larger than 4 GiB cannot be parsed");
  }
  const QuerySet& queries = language.queries();  // compile errors surface before parsing
  (void)queries;
  if (!parser_.set_language(language.grammar())) {
    throw ChunkError(fmt::format("tree-sitter refused the grammar of '{}' (ABI version {})",
                                 language.name(), ts_language_abi_version(language.grammar())));
  }
  Tree tree = parser_.parse(text, nullptr, deadline);
  if (!tree) {
    if (deadline.expired()) throw DeadlineExceeded(fmt::format("parsing {} bytes", text.size()));
    throw ChunkError(fmt::format("parsing failed for language '{}'", language.name()));
  }
  return chunk_tree(language, std::move(tree), text, path, deadline);
}

ChunkedText Chunker::chunk_tree(const Language& language, Tree tree, std::string_view text,
                                std::string_view path, const Deadline& deadline) {
  const QuerySet& queries = language.queries();
  ChunkedText out;
  const TSNode root = tree.root();
  // One walk for both query files: each walk costs about as much as the parse.
  cursor_.exec(queries.get(), root, deadline);
  TSQueryMatch match;
  while (cursor_.next_match(&match)) {
    if (!queries.predicates_hold(match, text)) continue;
    if (queries.is_fold_pattern(match.pattern_index)) {
      folds_.add(match, queries, text);
    } else {
      chunks_.add(match, queries);
    }
  }
  if (cursor_.cancelled()) {
    // Drop what was collected so the next document starts clean.
    chunks_.reset();
    folds_.reset();
    throw DeadlineExceeded("matching the queries");
  }
  out.chunks = chunks_.finish(queries, text, path);
  out.folds = folds_.finish(text, out.chunks);
  out.tree = std::move(tree);
  return out;
}

}  // namespace chunkls
