#include "engine/index/symbol_index.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <mutex>
#include <optional>
#include <utility>

#include "engine/cache/heap_bytes.h"

namespace chunkls {

namespace {

// ASCII case folding only: other bytes (UTF-8 sequences included) compare exactly, so a
// multi-byte character never half-matches a folded one.
constexpr std::array<unsigned char, 256> kFold = [] {
  std::array<unsigned char, 256> out{};
  for (int c = 0; c < 256; ++c)
    out[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  return out;
}();

constexpr unsigned char folded(char c) {
  return kFold[static_cast<unsigned char>(c)];
}

// Byte classes as the filters see them, case-folded: a bit per letter, one for '_', one
// for any digit, three shared by every other byte value (punctuation, UTF-8).
constexpr std::array<std::uint32_t, 256> kByteBit = [] {
  std::array<std::uint32_t, 256> out{};
  for (int c = 0; c < 256; ++c) {
    const int f = kFold[c];
    int bit = 28 + f % 3;
    if (f >= 'a' && f <= 'z') bit = f - 'a';
    if (f == '_') bit = 26;
    if (f >= '0' && f <= '9') bit = 27;
    out[c] = std::uint32_t{1} << bit;
  }
  return out;
}();

std::uint32_t bit_of(char c) {
  return kByteBit[static_cast<unsigned char>(c)];
}

std::uint32_t bits_of(std::string_view text) {
  std::uint32_t bits = 0;
  for (const char c : text)
    bits |= bit_of(c);
  return bits;
}

constexpr bool is_lower(unsigned char c) {
  return c >= 'a' && c <= 'z';
}
constexpr bool is_upper(unsigned char c) {
  return c >= 'A' && c <= 'Z';
}
constexpr bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alpha(unsigned char c) {
  return is_lower(c) || is_upper(c);
}
// ASCII punctuation and spaces; non-ASCII bytes belong to words.
constexpr bool is_separator(unsigned char c) {
  return c < 0x80 && !is_alpha(c) && !is_digit(c);
}
constexpr bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Where a word starts: the name's start, after a separator, a camelCase hump ("getName",
// and "HTTPServer"'s 'S'), between letters and digits ("i2c", "utf8String").
bool is_word_start(std::string_view name, std::size_t at) {
  if (at == 0) return true;
  const auto c = static_cast<unsigned char>(name[at]);
  const auto prev = static_cast<unsigned char>(name[at - 1]);
  if (is_separator(c)) return false;
  if (is_separator(prev)) return !is_continuation(c);
  if (is_upper(c)) {
    return is_lower(prev) || is_digit(prev) ||
           (is_upper(prev) && at + 1 < name.size() &&
            is_lower(static_cast<unsigned char>(name[at + 1])));
  }
  if (is_digit(c)) return is_alpha(prev);
  if (is_lower(c)) return is_digit(prev);
  return false;
}

// What the index keeps of each symbol to filter on: a Key of two 8-byte words, for all
// files in one array that a search streams through (a second array read only for the
// symbols that pass would cost a cache miss each):
// - the word: which byte classes occur in the name (bits 0-30), whether the symbol has
//   a container (bit 31), its first three bytes case-folded (bits 32-55), its length up
//   to 255 (bits 56-63);
// - the ref: the byte classes that start a word of the name (bits 0-30; a word-start
//   match must begin at one) and where the name is in its file's arena (bits 32-63).
// Most symbols stop there.
constexpr std::uint64_t kHasContainer = std::uint64_t{1} << 31;
constexpr int kLeadShift = 32;
constexpr int kLengthShift = 56;

// The name's length as the word has it: up to 255 (255: that or more).
std::uint32_t word_length(std::uint64_t word) {
  return static_cast<std::uint32_t>(word >> kLengthShift);
}

std::uint64_t lead_of(std::string_view text) {
  std::uint64_t lead = 0;
  for (std::size_t i = 0; i < text.size() && i < 3; ++i)
    lead |= std::uint64_t{folded(text[i])} << (kLeadShift + 8 * i);
  return lead;
}

std::uint64_t word_of(std::string_view name, bool has_container) {
  const std::uint64_t length = std::min<std::size_t>(name.size(), 255);
  return bits_of(name) | (has_container ? kHasContainer : 0) | lead_of(name) |
         length << kLengthShift;
}

std::uint64_t ref_of(std::string_view name, std::uint32_t offset) {
  std::uint32_t starts = 0;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (is_word_start(name, i)) starts |= bit_of(name[i]);
  return starts | std::uint64_t{offset} << 32;
}

bool starts_with_folded(std::string_view name, std::string_view query) {
  if (name.size() < query.size()) return false;
  for (std::size_t i = 0; i < query.size(); ++i)
    if (folded(name[i]) != static_cast<unsigned char>(query[i])) return false;
  return true;
}

bool is_subsequence(std::string_view name, std::string_view query) {
  std::size_t k = 0;
  for (std::size_t i = 0; i < name.size() && k < query.size(); ++i)
    if (folded(name[i]) == static_cast<unsigned char>(query[k])) ++k;
  return k == query.size();
}

// Whether every query byte matches either right after the previous one's match or at a
// word start after it ("gsi" in "getSymbolInfo", "tree" in "ts_tree_edit"). A table row
// per query byte: row[p] says the query so far can end with this byte at p; a word
// start may follow any earlier end, so only the row's lowest end matters for it.
// `rows` is scratch space, reused across calls.
bool matches_at_word_starts(std::string_view name, std::string_view query,
                            std::vector<std::uint8_t>& rows) {
  const std::size_t n = name.size();
  if (query.empty()) return true;
  rows.resize(2 * n);
  std::uint8_t* previous = rows.data();
  std::uint8_t* current = rows.data() + n;
  std::size_t lowest = 0;
  for (std::size_t j = 0; j < query.size(); ++j) {
    const auto want = static_cast<unsigned char>(query[j]);
    std::size_t lowest_now = n;
    for (std::size_t p = j; p < n; ++p) {
      bool reach = false;
      if (folded(name[p]) == want) {
        reach = (j == 0 || p > lowest) && is_word_start(name, p);
        reach = reach || (j > 0 && previous[p - 1] != 0);
      }
      current[p] = reach ? 1 : 0;
      if (reach && lowest_now == n) lowest_now = p;
    }
    if (lowest_now == n) return false;
    lowest = lowest_now;
    std::swap(previous, current);
  }
  return true;
}

// Positions are kept as LEB128 varints of small differences, rows and columns only
// (about 10 bytes for both ranges instead of 32; byte offsets stay in the store).
// Differences wrap modulo 2^32, so any range round-trips.
constexpr std::size_t kPositionFields = 8;

std::array<std::uint32_t, kPositionFields> position_fields(const TextRange& range,
                                                           const TextRange& selection) {
  return {range.start.row,
          range.start.column,
          range.end.row - range.start.row,
          range.end.column,
          selection.start.row - range.start.row,
          selection.start.column,
          selection.end.row - selection.start.row,
          selection.end.column};
}

std::size_t varint_bytes(std::uint32_t value) {
  std::size_t out = 1;
  for (; value >= 0x80; value >>= 7)
    ++out;
  return out;
}

char* put_varint(char* out, std::uint32_t value) {
  for (; value >= 0x80; value >>= 7)
    *out++ = static_cast<char>((value & 0x7F) | 0x80);
  *out++ = static_cast<char>(value);
  return out;
}

std::uint32_t get_varint(const char*& at) {
  std::uint32_t value = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(*at++);
    value |= static_cast<std::uint32_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
}

std::size_t positions_bytes(const TextRange& range, const TextRange& selection) {
  std::size_t out = 0;
  for (const std::uint32_t value : position_fields(range, selection))
    out += varint_bytes(value);
  return out;
}

char* put_positions(char* out, const TextRange& range, const TextRange& selection) {
  for (const std::uint32_t value : position_fields(range, selection))
    out = put_varint(out, value);
  return out;
}

void get_positions(const char* at, SymbolRange& range, SymbolRange& selection) {
  range.start.row = get_varint(at);
  range.start.column = get_varint(at);
  range.end.row = range.start.row + get_varint(at);
  range.end.column = get_varint(at);
  selection.start.row = range.start.row + get_varint(at);
  selection.start.column = get_varint(at);
  selection.end.row = selection.start.row + get_varint(at);
  selection.end.column = get_varint(at);
}

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
    std::memcpy(block_.get(), path.data(), path.size());
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
std::string qualified_name_of(const FileView& file, std::int32_t index) {
  std::vector<std::string_view> names;  // innermost first
  std::size_t bytes = 0;
  bool cut = false;
  for (std::int32_t at = index; at >= 0; at = file.parent(static_cast<std::size_t>(at))) {
    const std::string_view name = file.name(static_cast<std::size_t>(at));
    const std::size_t more = name.size() + (names.empty() ? 0 : 1);
    if (!names.empty() && bytes + more > kMaxQualifiedNameBytes) {
      cut = true;
      break;
    }
    names.push_back(name);
    bytes += more;
  }
  std::string out = cut ? "\xE2\x80\xA6." : "";  // "…."
  out.reserve(out.size() + bytes);
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    if (it != names.rbegin()) out += '.';
    out += *it;
  }
  return out;
}

// A parsed query: "a.b::c" is the container "a.b" and the name "c".
struct ParsedQuery {
  std::string name;       // as typed: the exact-case tier compares it
  std::string folded;     // `name` case-folded
  std::string container;  // folded; the earlier parts joined with '.'; empty: any
};

ParsedQuery parse_query(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  std::string dotted;  // "::" as '.'
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool scope = text[i] == ':' && i + 1 < text.size() && text[i + 1] == ':';
    dotted += scope ? '.' : text[i];
    if (scope) ++i;
  }
  ParsedQuery out;
  const std::size_t last_dot = dotted.rfind('.');
  out.name = last_dot == std::string::npos ? dotted : dotted.substr(last_dot + 1);
  for (const char c : out.name)
    out.folded += static_cast<char>(folded(c));
  if (last_dot == std::string::npos) return out;
  std::size_t start = 0;
  while (start <= last_dot) {
    const std::size_t end = dotted.find('.', start);
    if (end > start) {
      if (!out.container.empty()) out.container += '.';
      for (std::size_t i = start; i < end; ++i)
        out.container += static_cast<char>(folded(dotted[i]));
    }
    start = end + 1;
  }
  return out;
}

// Tiers of a name match, best last; a score packs the tier, the file's preference
// (2: a preferred file, 1: in the preferred directory) and the name's shortness, so
// the bounded heap compares one integer.
enum Tier : std::uint32_t {
  kNoTier = 0,
  kSubsequence = 1,
  kWordStarts = 2,
  kPrefix = 3,
  kExact = 4,
  kExactCase = 5,
};

constexpr std::uint32_t score_of(Tier tier, std::uint32_t preference, std::uint32_t length) {
  return tier << 28 | preference << 24 | (0xFFFFFF - std::min<std::uint32_t>(length, 0xFFFFFF));
}

constexpr Tier tier_of(std::uint32_t score) {
  return static_cast<Tier>(score >> 28);
}

struct Hit {
  std::uint32_t score = 0;
  std::uint32_t sequence = 0;  // the order offered in (TopHits sets it)
  FileView file;
  std::uint32_t index = 0;
};

// The order of results is score, then path, then position (pre-order index). Files are
// scanned in path order (the preferred ones first, but their scores are apart), so among
// equal scores the order of offering is that order: comparing it never reads a path.
bool ranks_before(const Hit& a, const Hit& b) {
  return a.score != b.score ? a.score > b.score : a.sequence < b.sequence;
}

// The best `limit` hits (all of them for limit 0): a heap whose top is the worst kept.
class TopHits {
 public:
  explicit TopHits(std::size_t limit) : limit_(limit) {}

  // Whether a hit scoring `score` (or at most `score`, for a bound) offered now could
  // be kept: it must beat the worst kept, since it comes after it among equals.
  bool could_keep(std::uint32_t score) const { return score > bar_; }
  // The tier a hit needs at least to be kept.
  Tier floor() const { return tier_of(bar_); }

  void offer(const Hit& hit) {
    hits_.push_back(hit);
    hits_.back().sequence = offered_++;
    if (limit_ == 0) return;
    std::push_heap(hits_.begin(), hits_.end(), ranks_before);
    if (hits_.size() > limit_) {
      std::pop_heap(hits_.begin(), hits_.end(), ranks_before);
      hits_.pop_back();
    }
    if (hits_.size() == limit_) bar_ = hits_.front().score;
  }

  std::vector<Hit> sorted() && {
    std::sort(hits_.begin(), hits_.end(), ranks_before);
    return std::move(hits_);
  }

 private:
  std::size_t limit_;
  std::uint32_t bar_ = 0;  // the worst kept's score once full
  std::uint32_t offered_ = 0;
  std::vector<Hit> hits_;
};

// Whether the container of a symbol (the qualified name of `parent`) holds `query` as
// a case-insensitive subsequence, walking the parent links, outermost name first.
bool container_holds(const FileView& file, std::int32_t parent, std::string_view query,
                     std::vector<std::int32_t>& chain) {
  chain.clear();
  for (std::int32_t at = parent; at >= 0; at = file.parent(static_cast<std::size_t>(at)))
    chain.push_back(at);
  std::size_t k = 0;
  const auto feed = [&](char c) {
    if (k < query.size() && folded(c) == static_cast<unsigned char>(query[k])) ++k;
  };
  for (auto it = chain.rbegin(); it != chain.rend() && k < query.size(); ++it) {
    if (it != chain.rbegin()) feed('.');
    for (const char c : file.name(static_cast<std::size_t>(*it)))
      feed(c);
  }
  return k == query.size();
}

// One search, file after file, in path order: a branch and bound over the keys. A key
// whose word lacks one of the query's byte classes is skipped (most are); then the best
// score the key allows (its first bytes may make a prefix, a word of it may start with
// the query's first byte) must beat the worst kept, then the container must match, and
// only then is the name read. Once every kept hit is a prefix (or a word-start match),
// the sieve itself skips the keys that cannot start like the query (that have no word
// starting with its first byte).
class Scanner {
 public:
  Scanner(const ParsedQuery& query, TopHits& top)
      : query_(query),
        top_(top),
        wanted_(static_cast<std::uint32_t>(query.folded.size())),
        bits_(bits_of(query.folded) | (query.container.empty() ? 0 : kHasContainer)),
        lead_(lead_of(query.folded)),
        lead_mask_(lead_of(std::string(std::min<std::size_t>(wanted_, 3), '\xFF'))),
        first_bit_(wanted_ == 0 ? 0 : bit_of(query.folded[0])) {}

  // Offers every symbol of `file` matching the query; `prefers` is the file's
  // preference. Cheapest first: the key alone (as strict as the worst kept allows),
  // the best score the key allows, the container, then the name.
  void scan(const FileView& file, std::uint32_t prefers) {
    if (!top_.could_keep(score_of(kExactCase, prefers, wanted_))) return;
    memo_parent_ = -2;
    Sieve sieve = sieve_for(top_.floor());
    const std::uint64_t* key = file.keys;
    for (std::size_t i = 0, n = file.size(); i < n; ++i, key += 2) {
      if (((key[0] & sieve.word_mask) ^ sieve.word) | ((key[1] & sieve.ref_mask) ^ sieve.ref)) {
        continue;
      }
      if (consider(file, i, prefers)) sieve = sieve_for(top_.floor());
    }
  }

 private:
  // Keys that may match: `(word & word_mask) == word` and the same for the ref.
  struct Sieve {
    std::uint64_t word_mask = 0;
    std::uint64_t word = 0;
    std::uint64_t ref_mask = 0;
    std::uint64_t ref = 0;
  };

  // All of the query's byte classes; once only word-start matches or better can be kept,
  // a word of the name starts with the query's first byte; once only prefixes, the name
  // starts with the query's first bytes.
  Sieve sieve_for(Tier floor) const {
    Sieve out{bits_, bits_, 0, 0};
    if (floor >= kPrefix) {
      out.word_mask |= lead_mask_;
      out.word |= lead_;
    } else if (floor == kWordStarts) {
      out.ref_mask = out.ref = first_bit_;
    }
    return out;
  }

  // The symbol `i`, whose key passed; true when it was kept.
  bool consider(const FileView& file, std::size_t i, std::uint32_t prefers) {
    const std::uint64_t word = file.word(i);
    const std::uint32_t short_length = word_length(word);  // at most the length
    if (short_length < wanted_ && short_length < 255) return false;
    Tier best = kExactCase;
    if ((word & lead_mask_) != lead_) {
      best = (file.ref(i) & first_bit_) != 0 ? kWordStarts : kSubsequence;
    } else if (short_length != wanted_) {
      best = kPrefix;
    }
    if (!top_.could_keep(score_of(best, prefers, short_length))) return false;
    const Record record = file.record(i);
    const std::string_view name = record.name;
    const auto length = static_cast<std::uint32_t>(name.size());
    if (length < wanted_ || !container_matches(file, record.parent)) return false;
    Tier tier = kPrefix;
    if (starts_with_folded(name, query_.folded)) {
      if (length == wanted_) tier = name == query_.name ? kExactCase : kExact;
    } else {
      if (!is_subsequence(name, query_.folded)) return false;
      tier = best >= kWordStarts && matches_at_word_starts(name, query_.folded, rows_)
                 ? kWordStarts
                 : kSubsequence;
    }
    const std::uint32_t score = score_of(tier, prefers, length);
    if (!top_.could_keep(score)) return false;
    top_.offer({score, 0, file, static_cast<std::uint32_t>(i)});
    return true;
  }

  // Siblings share a parent: the last one asked about is remembered.
  bool container_matches(const FileView& file, std::int32_t parent) {
    if (query_.container.empty()) return true;
    if (parent != memo_parent_) {
      memo_parent_ = parent;
      memo_matches_ = parent >= 0 && container_holds(file, parent, query_.container, chain_);
    }
    return memo_matches_;
  }

  const ParsedQuery& query_;
  TopHits& top_;
  std::uint32_t wanted_;
  std::uint64_t bits_;
  std::uint64_t lead_;
  std::uint64_t lead_mask_;
  std::uint64_t first_bit_;
  std::int32_t memo_parent_ = -2;
  bool memo_matches_ = false;
  std::vector<std::uint8_t> rows_;
  std::vector<std::int32_t> chain_;
};

SymbolMatch match_of(const FileView& file, std::size_t index, std::int32_t score) {
  const Record record = file.record(index);
  SymbolMatch out;
  out.path = std::string(file.block->path());
  out.name = std::string(record.name);
  if (record.parent >= 0) out.container = qualified_name_of(file, record.parent);
  out.kind = record.kind;
  get_positions(record.positions, out.range, out.selection);
  out.score = score;
  return out;
}

// "dir", "dir/" -> "dir/": a file is in it (or below) when its path starts with that.
std::string directory_prefix(std::string_view directory) {
  if (directory.empty()) return {};
  std::string out(directory);
  while (out.size() > 1 && out.back() == '/')
    out.pop_back();
  if (out.back() != '/') out += '/';
  return out;
}

}  // namespace

// A file in the index's table: its block, and where its keys start.
struct SymbolIndex::FileSymbols : FileBlock {
  static constexpr std::size_t kUnplaced = std::numeric_limits<std::size_t>::max();
  FileSymbols() = default;
  explicit FileSymbols(FileBlock built) : FileBlock(std::move(built)) {}
  std::size_t first_key = kUnplaced;  // in words: keys_[first_key] is the first word
};

struct SymbolIndex::BuiltFile {
  FileBlock block;
  std::vector<std::uint64_t> keys;
};

namespace {

using BuiltFile = SymbolIndex::BuiltFile;

// A chunk that is a workspace symbol, and how far back its parent is (0: top level).
struct Kept {
  const Chunk* chunk;
  std::uint32_t back;
};

// The chunks search keeps: all but JSON's keys (data, not code: a workspace of package
// manifests and API descriptions holds millions, and VS Code's own JSON support offers
// no workspace symbols either; they stay document symbols and chunks). A kept chunk's
// parent is its nearest kept ancestor. Parent links that do not point back to an
// earlier chunk are broken: such a chunk is filed at top level.
std::vector<Kept> kept_symbols(const std::vector<Chunk>& chunks) {
  std::vector<std::int32_t> kept_index(chunks.size(), -1);
  std::vector<Kept> out;
  out.reserve(chunks.size());
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (chunks[i].kind == ChunkKind::kKey) continue;
    std::int32_t parent = chunks[i].parent;
    std::size_t below = i;  // links must keep pointing back, or the walk could loop
    while (parent >= 0 && static_cast<std::size_t>(parent) < below &&
           kept_index[static_cast<std::size_t>(parent)] < 0) {
      below = static_cast<std::size_t>(parent);
      parent = chunks[below].parent;
    }
    const bool linked = parent >= 0 && static_cast<std::size_t>(parent) < below;
    kept_index[i] = static_cast<std::int32_t>(out.size());
    out.push_back(
        {&chunks[i], linked ? static_cast<std::uint32_t>(
                                  out.size() - static_cast<std::size_t>(
                                                   kept_index[static_cast<std::size_t>(parent)]))
                            : 0});
  }
  return out;
}

// Built before the index's lock is taken.
BuiltFile make_file(std::string_view path, const std::vector<Chunk>& chunks) {
  const std::vector<Kept> kept = kept_symbols(chunks);
  const auto record_bytes = [&](const Kept& symbol) {
    const Chunk& chunk = *symbol.chunk;
    const std::size_t length = chunk.name.size();
    return varint_bytes(symbol.back) + 1 +
           (length >= 255 ? varint_bytes(static_cast<std::uint32_t>(length)) : 0) + length +
           positions_bytes(chunk.range, chunk.selection);
  };
  // Offsets are 32-bit: a file whose records would pass 4 GiB keeps those before (no
  // source file comes near it).
  std::size_t count = 0;
  std::size_t arena_bytes = 0;
  for (; count < kept.size(); ++count) {
    const std::size_t more = record_bytes(kept[count]);
    if (arena_bytes + more > std::numeric_limits<std::uint32_t>::max()) break;
    arena_bytes += more;
  }
  BuiltFile out{FileBlock(path, count, arena_bytes), {}};
  out.keys.reserve(2 * count);
  char* const arena = out.block.arena();
  char* at = arena;
  for (std::size_t i = 0; i < count; ++i) {
    const Chunk& chunk = *kept[i].chunk;
    const std::string_view name = chunk.name;
    const std::uint32_t back = kept[i].back;
    out.keys.push_back(word_of(name, back != 0));
    out.keys.push_back(ref_of(name, static_cast<std::uint32_t>(at - arena)));
    at = put_varint(at, back);
    *at++ = static_cast<char>(chunk.kind);
    if (name.size() >= 255) at = put_varint(at, static_cast<std::uint32_t>(name.size()));
    at = std::copy(name.begin(), name.end(), at);
    at = put_positions(at, chunk.range, chunk.selection);
  }
  return out;
}

// The stored form (SymbolIndex::encode): a varint count, then per symbol the varint
// back to its parent (0: top level), the kind's byte, the name's length as a varint, the
// name, and the eight position varints of the arena. Unlike the arena it holds every
// length, so it reads without the keys.
constexpr std::size_t kMaxVarintBytes = 5;

struct EncodedSymbol {
  std::uint32_t back = 0;
  char kind = 0;
  std::string_view name;
  std::string_view positions;  // the eight varints as they are
};

// get_varint for bytes nobody vouches for: false past `end` or past 32 bits.
bool read_varint(const char*& at, const char* end, std::uint32_t& out) {
  out = 0;
  for (std::size_t i = 0; i < kMaxVarintBytes && at < end; ++i) {
    const auto byte = static_cast<unsigned char>(*at++);
    if (i == kMaxVarintBytes - 1 && byte > 0x0F) return false;
    out |= static_cast<std::uint32_t>(byte & 0x7F) << (7 * i);
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

// Symbol `index` at `at`; false when malformed.
bool read_encoded(const char*& at, const char* end, std::size_t index, EncodedSymbol& out) {
  std::uint32_t length = 0;
  if (!read_varint(at, end, out.back) || out.back > index || at == end) return false;
  out.kind = *at++;
  if (static_cast<unsigned char>(out.kind) > static_cast<unsigned char>(ChunkKind::kKey)) {
    return false;
  }
  if (!read_varint(at, end, length) || length == 0 || length > end - at) return false;
  out.name = {at, length};
  at += length;
  const char* const positions = at;
  for (std::size_t i = 0; i < kPositionFields; ++i) {
    std::uint32_t ignored = 0;
    if (!read_varint(at, end, ignored)) return false;
  }
  out.positions = {positions, static_cast<std::size_t>(at - positions)};
  return true;
}

std::size_t arena_bytes_of(const EncodedSymbol& symbol) {
  return varint_bytes(symbol.back) + 1 +
         (symbol.name.size() >= 255 ? varint_bytes(static_cast<std::uint32_t>(symbol.name.size()))
                                    : 0) +
         symbol.name.size() + symbol.positions.size();
}

// Two passes over checked bytes: the sizes, then the block and its keys.
std::optional<BuiltFile> decode_file(std::string_view path, std::string_view encoded) {
  const char* at = encoded.data();
  const char* const end = at + encoded.size();
  std::uint32_t count = 0;
  if (!read_varint(at, end, count) || count > encoded.size()) return std::nullopt;
  const char* const first = at;
  std::size_t arena_bytes = 0;
  EncodedSymbol symbol;
  for (std::size_t i = 0; i < count; ++i) {
    if (!read_encoded(at, end, i, symbol)) return std::nullopt;
    arena_bytes += arena_bytes_of(symbol);
  }
  if (at != end || arena_bytes > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  BuiltFile out{FileBlock(path, count, arena_bytes), {}};
  out.keys.reserve(2 * std::size_t{count});
  char* const arena = out.block.arena();
  char* put = arena;
  at = first;
  for (std::size_t i = 0; i < count; ++i) {
    read_encoded(at, end, i, symbol);
    out.keys.push_back(word_of(symbol.name, symbol.back != 0));
    out.keys.push_back(ref_of(symbol.name, static_cast<std::uint32_t>(put - arena)));
    put = put_varint(put, symbol.back);
    *put++ = symbol.kind;
    if (symbol.name.size() >= 255) {
      put = put_varint(put, static_cast<std::uint32_t>(symbol.name.size()));
    }
    put = std::copy(symbol.name.begin(), symbol.name.end(), put);
    put = std::copy(symbol.positions.begin(), symbol.positions.end(), put);
  }
  return out;
}

}  // namespace

SymbolIndex::SymbolIndex() = default;
SymbolIndex::~SymbolIndex() = default;

void SymbolIndex::replace(const std::string& path, const std::vector<Chunk>& chunks) {
  install(path, make_file(path, chunks));
}

std::string SymbolIndex::encode(const std::vector<Chunk>& chunks) {
  // The file's records as make_file() lays them out, each with its name's length.
  const BuiltFile built = make_file({}, chunks);
  std::string out;
  out.reserve(kMaxVarintBytes + built.block.size() * 2 + 64);
  char varint[kMaxVarintBytes];
  const auto put = [&](std::uint32_t value) {
    out.append(varint, static_cast<std::size_t>(put_varint(varint, value) - varint));
  };
  put(static_cast<std::uint32_t>(built.block.size()));
  const FileView file(built.block, built.keys.data());
  for (std::size_t i = 0; i < file.size(); ++i) {
    const Record record = file.record(i);
    put(record.parent < 0
            ? 0
            : static_cast<std::uint32_t>(i - static_cast<std::size_t>(record.parent)));
    out += static_cast<char>(record.kind);
    put(static_cast<std::uint32_t>(record.name.size()));
    out += record.name;
    const char* end = record.positions;
    for (std::size_t field = 0; field < kPositionFields; ++field)
      get_varint(end);
    out.append(record.positions, end);
  }
  return out;
}

bool SymbolIndex::replace_encoded(const std::string& path, std::string_view encoded) {
  std::optional<BuiltFile> built = decode_file(path, encoded);
  if (!built) return false;
  install(path, std::move(*built));
  return true;
}

void SymbolIndex::install(const std::string& path, BuiltFile built) {
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
