#include "engine/index/symbols/symbol_index.h"

#include <algorithm>
#include <limits>
#include <mutex>
#include <optional>
#include <utility>

#include "engine/cache/heap_bytes.h"
#include "engine/index/symbols/symbol_records.h"
#include "engine/index/symbols/symbol_search.h"

namespace chunkls {

using symbols::directory_prefix;
using symbols::FileBlock;
using symbols::FileView;
using symbols::Hit;
using symbols::match_of;
using symbols::parse_query;
using symbols::ParsedQuery;
using symbols::Scanner;
using symbols::TopHits;

// A file in the index's table: its block, and where its keys start.
struct SymbolIndex::FileSymbols : FileBlock {
  static constexpr std::size_t kUnplaced = std::numeric_limits<std::size_t>::max();
  FileSymbols() = default;
  explicit FileSymbols(FileBlock built) : FileBlock(std::move(built)) {}
  std::size_t first_key = kUnplaced;  // in words: keys_[first_key] is the first word
};

SymbolIndex::SymbolIndex() = default;
SymbolIndex::~SymbolIndex() = default;

void SymbolIndex::replace(const std::string& path, const std::vector<Chunk>& chunks) {
  install(path, symbols::make_file(path, chunks));
}

std::string SymbolIndex::encode(const std::vector<Chunk>& chunks) {
  return symbols::encode_file(chunks);
}

bool SymbolIndex::replace_encoded(const std::string& path, std::string_view encoded) {
  std::optional<symbols::BuiltFile> built = symbols::decode_file(path, encoded);
  if (!built) return false;
  install(path, std::move(*built));
  return true;
}

void SymbolIndex::install(const std::string& path, symbols::BuiltFile built) {
  FileSymbols file(std::move(built.block));
  FileSymbols old;  // freed after the lock
  const std::unique_lock lock(mutex_);
  std::size_t slot = files_.size();
  if (const auto it = slots_.find(path); it != slots_.end()) {
    slot = it->second;
    slots_.erase(it);
    old = std::move(files_[slot]);
    symbols_ -= old.size();
    file_bytes_ -= old.memory_bytes();
    dead_keys_ += old.size();
    files_[slot] = std::move(file);
  } else {
    order_.insert(order_.begin() + static_cast<std::ptrdiff_t>(position_of(path)),
                  static_cast<std::uint32_t>(slot));
    files_.push_back(std::move(file));
  }
  slots_.emplace(files_[slot].path(), slot);
  symbols_ += files_[slot].size();
  file_bytes_ += files_[slot].memory_bytes();
  place_keys(files_[slot], built.keys);
}

void SymbolIndex::remove(const std::string& path) {
  FileSymbols old;  // freed after the lock
  const std::unique_lock lock(mutex_);
  const auto it = slots_.find(path);
  if (it == slots_.end()) return;
  const std::size_t slot = it->second;
  slots_.erase(it);
  order_.erase(order_.begin() + static_cast<std::ptrdiff_t>(position_of(path)));
  old = std::move(files_[slot]);
  symbols_ -= old.size();
  file_bytes_ -= old.memory_bytes();
  dead_keys_ += old.size();
  if (slot + 1 != files_.size()) {
    // The last file moves into the slot; the map's key views its block, which stays.
    order_[position_of(files_.back().path())] = static_cast<std::uint32_t>(slot);
    files_[slot] = std::move(files_.back());
    slots_[files_[slot].path()] = slot;
  }
  files_.pop_back();
  if (dead_keys_ * 4 > keys_.size()) rebuild_keys(0);
}

void SymbolIndex::clear() {
  std::vector<FileSymbols> old;  // freed after the lock
  const std::unique_lock lock(mutex_);
  slots_.clear();
  order_.clear();
  old.swap(files_);
  std::vector<std::uint64_t>().swap(keys_);
  dead_keys_ = 0;
  symbols_ = 0;
  file_bytes_ = 0;
}

bool SymbolIndex::contains(const std::string& path) const {
  const std::shared_lock lock(mutex_);
  return slots_.contains(path);
}

// Where `path` is or would go in `order_`.
std::size_t SymbolIndex::position_of(std::string_view path) const {
  const auto it = std::lower_bound(
      order_.begin(), order_.end(), path,
      [&](std::uint32_t slot, std::string_view p) { return files_[slot].path() < p; });
  return static_cast<std::size_t>(it - order_.begin());
}

// New keys go at the end of the array. Those of replaced and removed files stay until
// they are half of it or the array must grow anyway; then the live ones are copied in
// path order, which the scan follows.
void SymbolIndex::place_keys(FileSymbols& file, const std::vector<std::uint64_t>& keys) {
  if (keys_.size() + keys.size() > keys_.capacity() || dead_keys_ * 4 > keys_.size()) {
    rebuild_keys(keys.size());
  }
  file.first_key = keys_.size();
  keys_.insert(keys_.end(), keys.begin(), keys.end());
}

// The live keys in path order, with room for `more` words and a quarter to spare:
// growth copies the array about every quarter, which amortizes it.
void SymbolIndex::rebuild_keys(std::size_t more, bool spare) {
  const std::size_t wanted = keys_.size() - 2 * dead_keys_ + more;
  std::vector<std::uint64_t> keys;
  keys.reserve(spare ? wanted + wanted / 4 : wanted);
  for (const std::uint32_t slot : order_) {
    FileSymbols& file = files_[slot];
    if (file.first_key == FileSymbols::kUnplaced) continue;  // being placed
    const auto first = keys_.begin() + static_cast<std::ptrdiff_t>(file.first_key);
    file.first_key = keys.size();
    keys.insert(keys.end(), first, first + static_cast<std::ptrdiff_t>(2 * file.size()));
  }
  keys_.swap(keys);
  dead_keys_ = 0;
}

void SymbolIndex::shrink_to_fit() {
  const std::unique_lock lock(mutex_);
  if (keys_.capacity() > keys_.size() - 2 * dead_keys_) rebuild_keys(0, false);
}

// The positions in `order_` of the preferred files that are indexed, ascending, once each.
std::vector<std::size_t> SymbolIndex::preferred_positions(
    const std::vector<std::string>& paths) const {
  std::vector<std::size_t> out;
  for (const std::string& path : paths)
    if (slots_.contains(path)) out.push_back(position_of(path));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The positions in `order_` of the files in `prefix` (a directory_prefix()) or below:
// in path order they are one run, up to the first path past every "prefix...".
std::pair<std::size_t, std::size_t> SymbolIndex::directory_range(std::string_view prefix) const {
  if (prefix.empty()) return {0, 0};
  std::string past(prefix);
  past.back() = static_cast<char>('/' + 1);
  return {position_of(prefix), position_of(past)};
}

std::vector<SymbolMatch> SymbolIndex::search(const SymbolSearch& search) const {
  const ParsedQuery query = parse_query(search.query);
  if (query.folded.empty() && query.container.empty()) return search_empty(search);
  const std::string directory = directory_prefix(search.preferred_directory);
  TopHits top(search.limit);
  Scanner scanner(query, top);
  const std::shared_lock lock(mutex_);
  const auto scan = [&](std::size_t position, std::uint32_t prefers) {
    const FileSymbols& file = files_[order_[position]];
    scanner.scan(FileView(file, keys_.data() + file.first_key), prefers);
  };
  // Preferred files first: their hits raise the bar the others must pass.
  const std::vector<std::size_t> preferred = preferred_positions(search.preferred_files);
  for (const std::size_t position : preferred)
    scan(position, 2);
  const auto [near_begin, near_end] = directory_range(directory);
  auto next_preferred = preferred.begin();
  for (std::size_t position = 0; position < order_.size(); ++position) {
    if (next_preferred != preferred.end() && *next_preferred == position) {
      ++next_preferred;
      continue;
    }
    scan(position, position >= near_begin && position < near_end ? 1 : 0);
  }
  std::vector<SymbolMatch> out;
  for (const Hit& hit : std::move(top).sorted())
    out.push_back(match_of(hit.file, hit.index, static_cast<std::int32_t>(hit.score)));
  return out;
}

// The preferred files' symbols in pre-order, in the order given, then the top-level
// symbols of the other files of the preferred directory, by path.
std::vector<SymbolMatch> SymbolIndex::search_empty(const SymbolSearch& search) const {
  const std::size_t limit =
      search.limit == 0 ? std::numeric_limits<std::size_t>::max() : search.limit;
  std::vector<SymbolMatch> out;
  const std::shared_lock lock(mutex_);
  const auto view = [&](std::size_t slot) {
    const FileSymbols& file = files_[slot];
    return FileView(file, keys_.data() + file.first_key);
  };
  std::vector<std::size_t> taken;  // slots of the preferred files listed
  for (const std::string& path : search.preferred_files) {
    const auto it = slots_.find(path);
    if (it == slots_.end() || std::find(taken.begin(), taken.end(), it->second) != taken.end()) {
      continue;
    }
    taken.push_back(it->second);
    const FileView file = view(it->second);
    for (std::size_t i = 0; i < file.size() && out.size() < limit; ++i)
      out.push_back(match_of(file, i, 2));
  }
  const auto [near_begin, near_end] = directory_range(directory_prefix(search.preferred_directory));
  for (std::size_t position = near_begin; position < near_end && out.size() < limit; ++position) {
    if (std::find(taken.begin(), taken.end(), order_[position]) != taken.end()) continue;
    const FileView file = view(order_[position]);
    for (std::size_t i = 0; i < file.size() && out.size() < limit; ++i)
      if (file.parent(i) < 0) out.push_back(match_of(file, i, 1));
  }
  return out;
}

// The index's own structures: the keys, the file table and order, and the
// path map's nodes and buckets (a node: the next link, the key, the slot, the hash).
std::uint64_t SymbolIndex::bookkeeping_bytes() const {
  return buffer_bytes(keys_) + buffer_bytes(files_) + buffer_bytes(order_) +
         slots_.size() * heap_block_bytes(sizeof(void*) + sizeof(std::string_view) +
                                          sizeof(std::size_t) + sizeof(std::size_t)) +
         heap_block_bytes(slots_.bucket_count() * sizeof(void*));
}

SymbolIndexStats SymbolIndex::stats() const {
  const std::shared_lock lock(mutex_);
  SymbolIndexStats out;
  out.files = files_.size();
  out.symbols = symbols_;
  out.memory_bytes = file_bytes_ + bookkeeping_bytes();
  return out;
}

}  // namespace chunkls
