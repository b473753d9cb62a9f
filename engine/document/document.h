// Document: one open document as the engine sees it: its text, line index, syntax tree
// and, computed on demand, its chunks and folds. Edits update the text and line index
// and edit the tree in place; reparse() then reparses incrementally from the edited tree,
// and chunked() updates the chunk and fold lists from the part of the tree that can have
// changed (engine/document/chunk_update.h), so an edit costs about what it touched.
//
// The text is the source of truth and is never lost to slow parsing: construction and
// replace() only store it, edit() applies whatever the state of the tree, and a parse
// that gives up (time limit, cancellation) leaves the reparse pending for the next call.
//
// Parses and chunks with a Chunker (parser + query cursor) leased from a ChunkerPool
// for each call, or one of its own; no parser state outlives a call. Not thread-safe: one thread at
// a time per document (the server serializes work per document). The Language must outlive the
// document.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cache/construct_chunking.h"
#include "engine/chunks/chunker.h"
#include "engine/chunks/chunker_pool.h"
#include "engine/document/enclosing_ranges.h"
#include "engine/metrics/monitor.h"
#include "engine/syntax/deadline.h"
#include "engine/syntax/language.h"
#include "engine/syntax/ts_handles.h"
#include "engine/text/edit_span.h"
#include "engine/text/line_index.h"
#include "engine/text/text_edit.h"

namespace chunkls {

// The largest text a Document holds, by default and at most (tree-sitter's offsets
// are 32-bit).
inline constexpr std::uint64_t kDefaultMaxDocumentBytes = std::uint64_t{1} << 30;  // 1 GiB
inline constexpr std::uint64_t kMaxDocumentBytesCeiling = 0xFFFF'FFFEull;

struct DocumentLimits {
  std::uint64_t max_bytes = kDefaultMaxDocumentBytes;  // capped at the ceiling
  ChunkLimits chunks;
};

// A text over DocumentLimits::max_bytes; nothing was changed.
class DocumentTooLarge : public ChunkError {
 public:
  DocumentTooLarge(std::uint64_t bytes, std::uint64_t limit);
};

// What chunked() did so far: how often it chunked the whole text and how often it
// updated a window, and what that cost. Tests read it to prove which path ran.
struct ChunkingStats {
  std::uint64_t whole = 0;                // chunked from scratch
  std::uint64_t updated = 0;              // brought up to date from a window
  std::uint64_t chunks_rebuilt = 0;       // chunks the windows built again
  std::uint64_t constructs_reparsed = 0;  // top-level constructs with errors parsed again
};

// What a Document can start from instead of parsing: the chunks of exactly its text
// (as Chunker::chunk gives them for its path) and, when known, the tree they came from.
// The caches (engine/cache/source_caches.h) keep these for closed documents and files.
struct ParsedText {
  std::shared_ptr<const ChunkedText> chunked;  // required
  Tree tree;                                   // empty: parsed when first needed
};

// What a Document borrows from whoever serves it; all optional, all outlive it.
struct DocumentServices {
  // Chunkers leased for each parse or chunking instead of one kept per document (used
  // when its ChunkLimits are the document's).
  ChunkerPool* chunkers = nullptr;
  Monitor* monitor = nullptr;  // times parses and chunkings
  // Whole chunkings re-query only the top-level constructs not found here.
  ConstructCache* constructs = nullptr;
};

class Document {
 public:
  // Stores the text; parsing waits for reparse() (or chunked()). Throws
  // DocumentTooLarge.
  Document(const Language& language, std::string text, std::string path,
           DocumentLimits limits = {});
  // Starts from `parsed`, which must be of this very text: chunked() answers without
  // parsing, and with the tree, edits reparse and update the chunks incrementally at
  // once. Throws DocumentTooLarge.
  Document(const Language& language, std::string text, std::string path, DocumentLimits limits,
           ParsedText parsed);

  const Language& language() const { return *language_; }
  const std::string& path() const { return path_; }
  std::string_view text() const { return text_; }
  const LineIndex& lines() const { return lines_; }
  // The tree of the last parse, edited by every edit() since. Empty until the first
  // reparse() succeeds, and after replace() until the next one does.
  const Tree& tree() const { return tree_; }
  // Increments on every edit() and replace().
  std::uint64_t revision() const { return revision_; }
  // Whether tree() lags behind the text (edits not reparsed yet, or a parse gave up).
  bool reparse_pending() const { return reparse_pending_; }

  // Applies one edit to the text as it is now; the range is clamped to the text. Throws,
  // changing nothing, std::invalid_argument when start_byte > old_end_byte after
  // clamping and DocumentTooLarge when the text would outgrow the limit. Any other
  // exception (std::bad_alloc) leaves the document unusable: drop it. Does not reparse.
  void edit(const TextEdit& edit);
  // Incremental reparse from the edited tree (a fresh parse when there is no tree);
  // nothing to do when no change is pending. Throws like Deadline::give_up() when the
  // deadline passes first: the edited tree is kept and the next reparse() or chunked()
  // tries again.
  void reparse(const Deadline& deadline = Deadline::never());
  // Replaces the whole text as one edit of what differs (the common prefix and suffix
  // stay), so the tree and the chunks update like after any edit. Throws
  // DocumentTooLarge (changing nothing).
  void replace(std::string text);

  // The tree a fresh parse of the current text gives. After reparse() the tree is the
  // incremental one; when it has errors, tree-sitter's error recovery may have chosen
  // differently than a fresh parse would (it depends on the reused subtrees), so this
  // parses the top-level constructs holding errors again, reusing none of their
  // subtrees, each on its own (the error-free ones between them are reused; a fresh
  // parse when the whole text is one error). Answers built on it do
  // not depend on the edit history: tests/differential/ checks it after every edit.
  // Throws like reparse().
  const Tree& canonical_tree(const Deadline& deadline = Deadline::never());
  // Chunks and folds of the current text, reparsing first when needed: equal, field
  // for field, to Chunker::chunk of the text. Updated on the first call after a change
  // from the window of the tree the changes reach (the whole text the first time, or
  // when no window will do), then the same object until the next change. Top-level
  // constructs holding errors are parsed again (see canonical_tree()) only where the
  // changes reach them or the constructs after them that their error recovery read
  // (document.cpp, error_constructs()). Throws like Deadline::give_up() (changing nothing) when the
  // deadline passes first.
  const ChunkedText& chunked(const Deadline& deadline = Deadline::never());
  // Whether chunked() has a result for the current text (calling it costs nothing).
  bool has_chunked() const { return chunked_current_; }
  // The chunks of the current text and their tree, shared (not copied) for a cache;
  // empty unless has_chunked(). The document copies its chunks before it next changes
  // them while they are shared.
  std::optional<ParsedText> parsed() const;
  const ChunkingStats& chunking_stats() const { return stats_; }
  // From the next parse or chunking on.
  void set_services(const DocumentServices& services) { services_ = services; }

 private:
  class ChunkerScope;  // chunker_ for the length of one public call
  void parse(const Tree* old, const Deadline& deadline);
  void changed();
  // Identity edits over the spans: the next parse reuses none of their nodes.
  void forbid_reuse(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& spans);
  // Parses the given spans of the tree again, reusing none of their nodes.
  void reparse_spans(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& spans,
                     const Deadline& deadline);
  // chunked() from a window; false when only the whole text will do.
  bool update_chunks(const Deadline& deadline);
  // chunked_, copied first when a cache shares it.
  ChunkedText& own_chunks();

  const Language* language_;
  DocumentLimits limits_;
  std::string path_;
  std::string text_;
  LineIndex lines_;
  DocumentServices services_;
  std::unique_ptr<Chunker> own_chunker_;  // made when there is no pool
  Chunker* chunker_ = nullptr;            // during a call: leased or own_chunker_
  Tree tree_;
  bool reparse_pending_ = true;
  bool fresh_parse_due_ = false;  // the incremental tree has errors: see canonical_tree()
  // The chunks of the text as it was before the edits in since_chunked_ (of the
  // current text when chunked_current_), and the tree they came from (kept here, not in
  // ChunkedText::tree, which stays empty so a cache sharing the chunks keeps no tree).
  std::shared_ptr<ChunkedText> chunked_;
  Tree chunked_tree_;
  bool chunked_current_ = false;
  std::optional<EditSpan> since_chunked_;
  // The edits since the last parse, and the top-level constructs with errors the last
  // reparse() parsed without reuse (in the current text; cleared by any edit).
  std::optional<EditSpan> since_parsed_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> parsed_whole_;
  ChunkingStats stats_;
  std::uint64_t revision_ = 0;
};

}  // namespace chunkls
