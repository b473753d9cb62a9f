// The records of the symbol index: one file's symbols but their keys, in one heap block
// (FileBlock: the path, then per symbol its parent, kind, name and positions as varints),
// how a search reads them (FileView, Record), how they are built from chunks
// (make_file) and the stored form a warm start loads instead (encode_file, decode_file).
//
// Part of SymbolIndex (symbol_index.h), which owns the blocks in its file table. A block
// is written once, before the index shares it, and only read afterwards: reading is safe
// from any thread, the index's mutex keeps it alive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cache/heap_bytes.h"
#include "engine/chunks/chunk.h"
#include "engine/index/symbols/symbol_index.h"
#include "engine/index/symbols/symbol_keys.h"

namespace chunkls::symbols {

// Reads an LEB128 varint (parent links, long names' lengths, positions) from bytes the
// index wrote itself: unchecked. Per record a search reads: inline.
inline std::uint32_t get_varint(const char*& at) {
  std::uint32_t value = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(*at++);
    value |= static_cast<std::uint32_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
}

// The eight position varints at `at`, back into ranges.
void get_positions(const char* at, SymbolRange& range, SymbolRange& selection);

// One file's symbols but their keys, in one heap block: the path, then the arena where
// each symbol's record lies (the ref says where):
//   varint  how far back its parent is (0: top level)
//   byte    kind
//   varint  the name's length, only when the word's says 255 (or more)
//   bytes   the name
//   varints its positions
// The parent sits next to the name, so matching a qualified query reads one place.
class FileBlock {
 public:
  FileBlock() = default;
  FileBlock(std::string_view path, std::size_t count, std::size_t arena_bytes)
      : count_(static_cast<std::uint32_t>(count)),
        path_bytes_(static_cast<std::uint32_t>(path.size())),
        bytes_(path.size() + arena_bytes),
        block_(std::make_unique_for_overwrite<char[]>(bytes_)) {
    // encode() builds a block without a path: memcpy must not see its null pointer.
    if (!path.empty()) std::memcpy(block_.get(), path.data(), path.size());
  }

  std::string_view path() const { return {block_.get(), path_bytes_}; }
  std::size_t size() const { return count_; }
  // Written once by make_file, before the file is shared.
  char* arena() const { return block_.get() + path_bytes_; }
  // The block as allocated (this object itself is in the index's file table).
  std::uint64_t memory_bytes() const { return heap_block_bytes(bytes_); }

 private:
  std::uint32_t count_ = 0;
  std::uint32_t path_bytes_ = 0;
  std::size_t bytes_ = 0;
  std::unique_ptr<char[]> block_;
};

struct Record {
  std::int32_t parent = -1;  // index within the file; -1 at top level
  ChunkKind kind = ChunkKind::kFunction;
  std::string_view name;
  const char* positions = nullptr;
};

// A file as a search reads it: its block and its run of keys (word, ref, word, ...).
struct FileView {
  const FileBlock* block = nullptr;
  const std::uint64_t* keys = nullptr;
  const char* arena = nullptr;

  FileView(const FileBlock& file, const std::uint64_t* file_keys)
      : block(&file), keys(file_keys), arena(file.arena()) {}

  std::size_t size() const { return block->size(); }
  std::uint64_t word(std::size_t index) const { return keys[2 * index]; }
  std::uint64_t ref(std::size_t index) const { return keys[2 * index + 1]; }

  Record record(std::size_t index) const {
    const char* at = arena + (ref(index) >> 32);
    Record out;
    const std::uint32_t back = get_varint(at);
    out.parent = back == 0 ? -1 : static_cast<std::int32_t>(index - back);
    out.kind = static_cast<ChunkKind>(static_cast<unsigned char>(*at++));
    std::uint32_t length = word_length(word(index));
    if (length == 255) length = get_varint(at);
    out.name = {at, length};
    out.positions = at + length;
    return out;
  }
  std::string_view name(std::size_t index) const { return record(index).name; }
  std::int32_t parent(std::size_t index) const { return record(index).parent; }
};

// The qualified name of `index` (names joined with '.'), cut like qualified_name(): past
// kMaxQualifiedNameBytes only the innermost whole names that fit, after "…".
std::string qualified_name_of(const FileView& file, std::int32_t index);

// A file's symbols built outside the index's lock: its block and its keys (word, ref per
// symbol), which the index copies into its key array.
struct BuiltFile {
  FileBlock block;
  std::vector<std::uint64_t> keys;
};

// The workspace symbols of `chunks` (SymbolIndex::replace says which), built before the
// index's lock is taken.
BuiltFile make_file(std::string_view path, const std::vector<Chunk>& chunks);

// The stored form of `chunks`' symbols (SymbolIndex::encode).
std::string encode_file(const std::vector<Chunk>& chunks);
// The file a stored form describes; nullopt when `encoded` is malformed: it is checked,
// never trusted.
std::optional<BuiltFile> decode_file(std::string_view path, std::string_view encoded);

}  // namespace chunkls::symbols
