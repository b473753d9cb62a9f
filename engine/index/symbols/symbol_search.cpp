#include "engine/index/symbols/symbol_search.h"

#include "engine/index/symbols/symbol_keys.h"

namespace chunkls::symbols {

namespace {

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

}  // namespace

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

Scanner::Scanner(const ParsedQuery& query, TopHits& top)
    : query_(query),
      top_(top),
      wanted_(static_cast<std::uint32_t>(query.folded.size())),
      bits_(bits_of(query.folded) | (query.container.empty() ? 0 : kHasContainer)),
      lead_(lead_of(query.folded)),
      lead_mask_(lead_of(std::string(std::min<std::size_t>(wanted_, 3), '\xFF'))),
      first_bit_(wanted_ == 0 ? 0 : bit_of(query.folded[0])) {}

void Scanner::scan(const FileView& file, std::uint32_t prefers) {
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

// All of the query's byte classes; once only word-start matches or better can be kept,
// a word of the name starts with the query's first byte; once only prefixes, the name
// starts with the query's first bytes.
Scanner::Sieve Scanner::sieve_for(Tier floor) const {
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
bool Scanner::consider(const FileView& file, std::size_t i, std::uint32_t prefers) {
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
    tier = best >= kWordStarts && matches_at_word_starts(name, query_.folded, rows_) ? kWordStarts
                                                                                     : kSubsequence;
  }
  const std::uint32_t score = score_of(tier, prefers, length);
  if (!top_.could_keep(score)) return false;
  top_.offer({score, 0, file, static_cast<std::uint32_t>(i)});
  return true;
}

// Siblings share a parent: the last one asked about is remembered.
bool Scanner::container_matches(const FileView& file, std::int32_t parent) {
  if (query_.container.empty()) return true;
  if (parent != memo_parent_) {
    memo_parent_ = parent;
    memo_matches_ = parent >= 0 && container_holds(file, parent, query_.container, chain_);
  }
  return memo_matches_;
}

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

std::string directory_prefix(std::string_view directory) {
  if (directory.empty()) return {};
  std::string out(directory);
  while (out.size() > 1 && out.back() == '/')
    out.pop_back();
  if (out.back() != '/') out += '/';
  return out;
}

}  // namespace chunkls::symbols
