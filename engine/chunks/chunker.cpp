#include "engine/chunks/chunker.h"

#include <fmt/format.h>

#include <limits>
#include <utility>

namespace chunkls {

std::string ChunkedText::omission() const {
  std::string out;
  if (omitted_too_deep > 0) {
    out = fmt::format("{} chunks nested deeper than {} levels are not listed", omitted_too_deep,
                      limits.max_depth);
  }
  if (omitted_over_the_count > 0) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{} chunks past the first {} are not listed", omitted_over_the_count,
                       limits.max_chunks);
  }
  return out;
}

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
    if (deadline.expired()) deadline.give_up(fmt::format("parsing {} bytes", text.size()));
    throw ChunkError(fmt::format("parsing failed for language '{}'", language.name()));
  }
  return chunk_tree(language, std::move(tree), text, path, deadline);
}

ChunkedText Chunker::chunk_tree(const Language& language, Tree tree, std::string_view text,
                                std::string_view path, const Deadline& deadline) {
  const QuerySet& queries = language.queries();
  ChunkedText out;
  const TSNode root = tree.root();
  // One walk for both query files: each query-cursor walk costs about a third of a parse.
  try {
    if (walk_ == Walk::kPlanned && queries.plan().usable()) {
      walk_planned(queries, root, text, deadline);
    } else {
      walk_full(queries, root, text, deadline);
    }
    ExtractedChunks extracted = chunks_.finish(queries, text, path, limits_, deadline);
    out.chunks = std::move(extracted.chunks);
    out.omitted_too_deep = extracted.too_deep;
    out.omitted_over_the_count = extracted.over_the_count;
    out.limits = limits_;
    out.folds = folds_.finish(text, out.chunks, deadline);
  } catch (...) {
    // Drop what was collected so the next document starts clean.
    chunks_.reset();
    folds_.reset();
    throw;
  }
  out.tree = std::move(tree);
  return out;
}

void Chunker::dispatch(const TSQueryMatch& match, const QuerySet& queries, std::string_view text) {
  if (!queries.predicates_hold(match, text)) return;
  if (queries.is_fold_pattern(match.pattern_index)) {
    folds_.add(match, queries, text);
  } else {
    chunks_.add(match, queries, text);
  }
}

void Chunker::walk_full(const QuerySet& queries, TSNode root, std::string_view text,
                        const Deadline& deadline) {
  cursor_.set_max_start_depth(UINT32_MAX);
  cursor_.exec(queries.get(), root, deadline);
  TSQueryMatch match;
  while (cursor_.next_match(&match))
    dispatch(match, queries, text);
  if (cursor_.cancelled()) deadline.give_up("matching the queries");
}

void Chunker::walk_planned(const QuerySet& queries, TSNode root, std::string_view text,
                           const Deadline& deadline) {
  const QueryPlan& plan = queries.plan();
  cursor_.set_max_start_depth(0);
  TreeCursor walker(root);
  std::uint32_t visited = 0;
  do {
    const TSNode node = walker.node();
    if (const QueryPlan::NodePlan* here = plan.at(node)) {
      if (here->run_query) {
        cursor_.exec(queries.get(), node, deadline);
        TSQueryMatch match;
        while (cursor_.next_match(&match))
          dispatch(match, queries, text);
      }
      for (const QueryPlan::SimpleCapture& simple : here->captures) {
        TSQueryCapture capture{node, simple.capture};
        const TSQueryMatch match{0, static_cast<std::uint16_t>(simple.pattern), 1, &capture};
        dispatch(match, queries, text);
      }
    }
    if ((++visited & 4095) == 0 && deadline.expired()) cursor_.cancel();
    if (cursor_.cancelled()) deadline.give_up("matching the queries");
  } while (walker.next());
}

}  // namespace chunkls
