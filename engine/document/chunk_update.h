// Chunk updates: bring a document's chunks and folds up to date after an edit by
// re-walking only the part of the new tree that can differ, instead of the whole tree.
//
// Given the ChunkedText of the old text and an EditSpan that covers every byte that
// changed and every range whose syntax changed (the edits plus
// ts_tree_get_changed_ranges), plan_chunk_update() finds the window to redo: the
// deepest chunk K whose definition contains the span and whose name, signature and
// docs it leaves alone; inside K, the smallest node holding the span; of that node's
// children, those the span touches, widened over the doc comments and attributes next
// to them and over every old chunk the span reaches. The window is walked in full with
// the planned walk, plus the patterns rooted above it (only what they capture inside
// it counts), and what those patterns see above the window must be what the old list
// holds, or the window grows. apply_chunk_update() splices the window's chunks and fold
// parts in place of the old ones, moves everything after the edit by the span (bytes,
// rows, columns), fixes parent indices, rehashes the chunks around the window and
// renumbers later siblings' ids only when the window changed which names repeat; the
// folds are then combined again from their parts (a linear pass).
//
// The result equals a fresh Chunker::chunk of the new text, field for field, when the
// tree does (tests/unit/chunk_update_test.cpp checks it over tens of thousands of
// random edits in every language). When a window cannot be found (the queries have no
// plan, chunks were left out by the limits, the window keeps growing), the plan is
// empty and the caller chunks the whole text.
//
// Pure functions over values; the Chunker is used by one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/chunks/chunker.h"
#include "engine/text/edit_span.h"

namespace chunkls {

struct ChunkSplice {
  std::size_t first = 0;  // old chunks [first, last) give way to the window's
  std::size_t last = 0;
  std::int32_t parent = -1;        // the chunk K around the window, -1 for the document
  std::uint32_t window_start = 0;  // the window, in the new text
  std::uint32_t window_end = 0;
  std::uint32_t old_window_end = 0;  // its end in the old text
  WindowChunks window;
};

// The window to redo, or nothing when only a whole re-chunk will do. `edit` maps the
// text `chunked` was made from to `text`; `tree` is a tree of `text`. Throws like
// Deadline::give_up(), changing nothing.
std::optional<ChunkSplice> plan_chunk_update(Chunker& chunker, const Language& language,
                                             const ChunkedText& chunked, const Tree& tree,
                                             std::string_view text, std::string_view path,
                                             const EditSpan& edit, const Deadline& deadline);

// Applies a plan from plan_chunk_update() with the same arguments. Does not throw
// (but std::bad_alloc, after which `chunked` must be dropped).
void apply_chunk_update(ChunkedText& chunked, ChunkSplice splice, std::string_view text,
                        std::string_view path, const EditSpan& edit);

}  // namespace chunkls
