#include "engine/index/symbols/symbol_records.h"

#include <algorithm>
#include <array>
#include <limits>

namespace chunkls::symbols {

namespace {

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

}  // namespace

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

std::string encode_file(const std::vector<Chunk>& chunks) {
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

}  // namespace chunkls::symbols
