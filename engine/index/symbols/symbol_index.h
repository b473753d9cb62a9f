// SymbolIndex: the in-memory half of the workspace index: every indexed file's symbols
// (the chunks: name, kind, container, positions) in a compact form, searched by
// workspace/symbol. Chunk bodies and details stay in the IndexStore on disk.
//
// Search is fuzzy and case-insensitive (ASCII letters fold; other bytes, UTF-8 included,
// compare exactly) over names and, when the query holds '.' or "::", over qualified
// names ("Shape.area": the last part matches the name, the parts before it, in order,
// the container's qualified name). Ranked: exact name (exact case first) > prefix >
// word boundaries (each query character at a camelCase hump, after '_', '-', '.', ':',
// at a letter-digit boundary, or right after the previous one) > subsequence; then
// symbols of preferred files (open documents), then of the preferred directory, then
// shorter names, then by path and position (so the order is deterministic). An empty
// query returns the preferred files' symbols and then top-level symbols of the
// preferred directory, up to the limit: bounded and useful, never everything.
//
// Compact and quick: per symbol 16 bytes of search keys, kept for all files in one
// array that a search streams through, and a record of about 12 bytes besides the name
// (parent, kind, rows and columns as varints); containers are built from the parent links
// when asked for. A search reads the keys and, for the few symbols they let through,
// the names. The pieces live beside this header: the keys and matchers
// (symbol_keys.h), the records and their stored form (symbol_records.h), one search
// (symbol_search.h).
//
// Thread-safety: every member is safe from any thread (a shared mutex: searches run in
// parallel; replace/remove take it exclusively for a moment, now and then a few
// milliseconds when the key array is compacted or grows; the work of building a file's
// records is done before taking it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/chunks/chunk.h"

namespace chunkls {

namespace symbols {
struct BuiltFile;  // symbol_records.h
}  // namespace symbols

// Where a symbol is: rows and byte columns (the index keeps no byte offsets; the store
// has them).
struct SymbolRange {
  Point start;
  Point end;
  friend bool operator==(const SymbolRange&, const SymbolRange&) = default;
};

// One symbol as search returns it.
struct SymbolMatch {
  std::string path;
  std::string name;
  std::string container;  // the parent's qualified name; empty at top level
  ChunkKind kind = ChunkKind::kFunction;
  SymbolRange range;       // whole chunk
  SymbolRange selection;   // the name
  std::int32_t score = 0;  // higher is better; comparable within one search only
};

struct SymbolSearch {
  std::string query;
  std::size_t limit = 100;                   // 0: no limit
  std::vector<std::string> preferred_files;  // open documents, ranked first on ties
  std::string preferred_directory;           // e.g. the active document's; may be empty
};

struct SymbolIndexStats {
  std::uint64_t files = 0;
  std::uint64_t symbols = 0;
  std::uint64_t memory_bytes = 0;  // on the heap: keys, records, paths, the index's tables
};

class SymbolIndex {
 public:
  SymbolIndex();
  ~SymbolIndex();
  SymbolIndex(const SymbolIndex&) = delete;
  SymbolIndex& operator=(const SymbolIndex&) = delete;

  // The symbols of `path` become `chunks` (pre-order, parent links set; details are not
  // kept; a parent link that does not point back to an earlier chunk files the chunk at
  // top level), but JSON's keys (ChunkKind::kKey): data, not code, and millions of them
  // in a workspace of manifests; they stay document symbols and chunks. Replaces what
  // the file had.
  void replace(const std::string& path, const std::vector<Chunk>& chunks);
  // The symbols of `chunks` as bytes for a store to keep (StoredChunking::symbols), so a
  // warm start loads them with replace_encoded() without reading chunks back.
  static std::string encode(const std::vector<Chunk>& chunks);
  // replace(path, chunks) from encode(chunks). False, and nothing changes, when `encoded`
  // is malformed (a damaged store): it is checked, never trusted.
  bool replace_encoded(const std::string& path, std::string_view encoded);
  // Changes whenever encode()'s format does: part of the stores' versions.
  static constexpr int kEncodingVersion = 2;

  void remove(const std::string& path);
  void clear();
  bool contains(const std::string& path) const;

  std::vector<SymbolMatch> search(const SymbolSearch& search) const;
  // Gives back the room the key array keeps for growth (up to a quarter of it): an idle
  // indexer calls it. The next file added grows it again.
  void shrink_to_fit();
  SymbolIndexStats stats() const;

 private:
  // One file's symbols but their keys (a symbols::FileBlock, symbol_records.h): one block
  // with its path and each symbol's record (parent, kind, name, positions).
  struct FileSymbols;
  // Takes a file built outside the lock (symbols::make_file or decode_file).
  void install(const std::string& path, symbols::BuiltFile built);
  std::vector<SymbolMatch> search_empty(const SymbolSearch& search) const;
  std::size_t position_of(std::string_view path) const;
  std::vector<std::size_t> preferred_positions(const std::vector<std::string>& paths) const;
  std::pair<std::size_t, std::size_t> directory_range(std::string_view prefix) const;
  void place_keys(FileSymbols& file, const std::vector<std::uint64_t>& keys);
  void rebuild_keys(std::size_t more, bool spare = true);
  std::uint64_t bookkeeping_bytes() const;

  mutable std::shared_mutex mutex_;
  // `files_` in no order (a removed file's slot takes the last one); `slots_` finds a
  // path's slot (its keys view the paths in the blocks, which stay put when a
  // FileSymbols moves); `order_` holds the slots by path. Searches scan in that order,
  // which makes ties cheap to break and a directory one run of it.
  std::vector<FileSymbols> files_;
  std::unordered_map<std::string_view, std::size_t> slots_;
  std::vector<std::uint32_t> order_;
  // Per symbol, a key of two 8-byte words that searches filter on (what the name holds;
  // where its words start and where it is), all files in one array that a search
  // streams through; each file knows where its run starts. The runs of replaced and
  // removed files are dead until the array is rebuilt.
  std::vector<std::uint64_t> keys_;
  std::uint64_t dead_keys_ = 0;  // symbols, two words each
  std::uint64_t symbols_ = 0;
  std::uint64_t file_bytes_ = 0;  // the blocks, summed
};

}  // namespace chunkls
