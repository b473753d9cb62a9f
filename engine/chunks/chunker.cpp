#include "engine/chunks/chunker.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "engine/chunks/node_range.h"

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
    out.origins = std::move(extracted.origins);
    out.limits = limits_;
    out.fold_parts = folds_.take();
    out.folds = combine_folds(out.fold_parts, out.chunks, text, deadline);
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

template <typename Sink>
void Chunker::run_plan_at(TSNode node, const QuerySet& queries, const Deadline& deadline,
                          Sink&& sink) {
  const QueryPlan::NodePlan* here = queries.plan().at(node);
  if (here == nullptr) return;
  if (here->run_query) {
    cursor_.exec(queries.get(), node, deadline);
    TSQueryMatch match;
    while (cursor_.next_match(&match))
      sink(match);
  }
  for (const QueryPlan::SimpleCapture& simple : here->captures) {
    TSQueryCapture capture{node, simple.capture};
    const TSQueryMatch match{0, static_cast<std::uint16_t>(simple.pattern), 1, &capture};
    sink(match);
  }
}

void Chunker::walk_planned(const QuerySet& queries, TSNode root, std::string_view text,
                           const Deadline& deadline) {
  cursor_.set_max_start_depth(0);
  cursor_.clear_cancel();  // a walk that gave up before must not stop this one
  TreeCursor walker(root);
  std::uint32_t visited = 0;
  auto to_extractors = [&](const TSQueryMatch& match) { dispatch(match, queries, text); };
  do {
    run_plan_at(walker.node(), queries, deadline, to_extractors);
    if ((++visited & 4095) == 0 && deadline.expired()) cursor_.cancel();
    if (cursor_.cancelled()) deadline.give_up("matching the queries");
  } while (walker.next());
}

WindowChunks Chunker::chunk_window(const Language& language, TSNode container,
                                   std::span<const TSNode> children, std::string_view text,
                                   const ChunkScope& scope, const Deadline& deadline) {
  const QuerySet& queries = language.queries();
  if (!queries.plan().usable()) throw ChunkError("the queries of this language have no plan");
  WindowChunks out;
  if (children.empty()) return out;
  const std::uint32_t window_start = ts_node_start_byte(children.front());
  const std::uint32_t window_end = ts_node_end_byte(children.back());
  std::vector<TSNode> chain;  // the container, then each ancestor up to the root
  for (TSNode n = container; !ts_node_is_null(n); n = ts_node_parent(n))
    chain.push_back(n);
  auto on_chain = [&](TSNode n) {
    return std::any_of(chain.begin(), chain.end(), [&](TSNode c) { return ts_node_eq(c, n); });
  };
  auto inside = [&](TSNode n) {
    return ts_node_start_byte(n) >= window_start && ts_node_end_byte(n) <= window_end &&
           !on_chain(n);
  };
  struct Found {
    TSNode node;
    AncestorChunk chunk;
  };
  std::vector<Found> ancestors;
  // What the patterns rooted on the chain capture: inside the window it goes to the
  // extractors, on the chain it is reported, elsewhere (siblings of the window) it
  // belongs to chunks the caller keeps.
  auto sort_out = [&](const TSQueryMatch& match) {
    if (!queries.predicates_hold(match, text)) return;
    if (queries.is_fold_pattern(match.pattern_index)) {
      for (std::uint16_t i = 0; i < match.capture_count; ++i) {
        const TSQueryCapture& cap = match.captures[i];
        const TSQueryMatch one{match.id, match.pattern_index, 1, &cap};
        if (inside(cap.node)) {
          folds_.add(one, queries, text);
        } else if (on_chain(cap.node)) {
          ancestor_folds_.add(one, queries, text);
        }
      }
      return;
    }
    const TSQueryCapture* core = nullptr;
    bool any_inside = false, any_chain = false;
    for (std::uint16_t i = 0; i < match.capture_count; ++i) {
      const TSQueryCapture& cap = match.captures[i];
      const CaptureRole role = queries.capture(cap.index).role;
      if (role == CaptureRole::kChunk) core = &cap;
      if (role == CaptureRole::kWrapper || role == CaptureRole::kWrapped ||
          role == CaptureRole::kDoc) {
        (inside(cap.node) ? any_inside : any_chain) = true;
      }
    }
    if (core != nullptr) {
      if (inside(core->node)) {
        chunks_.add(match, queries, text);
      } else if (on_chain(core->node)) {
        const ChunkKind kind = queries.capture(core->index).kind;
        auto same = std::find_if(ancestors.begin(), ancestors.end(),
                                 [&](const Found& f) { return ts_node_eq(f.node, core->node); });
        if (same == ancestors.end()) {
          ancestors.push_back(
              {core->node, {node_range(core->node, text), kind, match.pattern_index}});
        } else if (match.pattern_index < same->chunk.pattern) {
          same->chunk.kind = kind;
          same->chunk.pattern = match.pattern_index;
        }
      }
      return;
    }
    // Wrappers and docs: a chunk inside the window wrapped from outside it cannot be
    // rebuilt from the window alone.
    if (any_inside && any_chain) out.crossed = true;
    if (any_inside) chunks_.add(match, queries, text);
  };
  try {
    cursor_.set_max_start_depth(0);
    cursor_.clear_cancel();
    for (const TSNode& child : children)
      walk_planned(queries, child, text, deadline);
    for (const TSNode& node : chain)
      run_plan_at(node, queries, deadline, sort_out);
    if (cursor_.cancelled()) deadline.give_up("matching the queries");
    out.chunks = chunks_.finish(queries, text, scope, limits_, deadline);
    out.fold_parts = folds_.take();
    out.ancestor_fold_parts = ancestor_folds_.take();
  } catch (...) {
    chunks_.reset();
    folds_.reset();
    ancestor_folds_.reset();
    throw;
  }
  std::sort(ancestors.begin(), ancestors.end(), [](const Found& a, const Found& b) {
    return a.chunk.definition.start_byte < b.chunk.definition.start_byte;
  });
  for (const Found& found : ancestors)
    out.ancestor_chunks.push_back(found.chunk);
  return out;
}

}  // namespace chunkls
