#include "engine/syntax/query_plan.h"

#include <cctype>
#include <string>

namespace chunkls {
namespace {

struct Root {
  std::string name;
  bool named;
};

// What one query element (node pattern, alternation, string) can be rooted at.
struct Element {
  std::vector<Root> roots;
  bool bare = true;       // nothing but node types: no children, fields, captures, predicates
  bool unusable = false;  // wildcard, MISSING, sibling sequence, or text we do not follow
};

class PatternReader {
 public:
  explicit PatternReader(std::string_view text) : text_(text) {}

  void skip_space() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ';') {
        while (pos_ < text_.size() && text_[pos_] != '\n')
          ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else {
        break;
      }
    }
  }
  bool done() {
    skip_space();
    return pos_ >= text_.size();
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  std::size_t pos() const { return pos_; }

  std::string word() {
    const std::size_t start = pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (std::isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')' || c == '[' ||
          c == ']' || c == '"' || c == ';') {
        break;
      }
      ++pos_;
    }
    if (pos_ == start && pos_ < text_.size()) ++pos_;  // always make progress
    return std::string(text_.substr(start, pos_ - start));
  }

  std::string string_literal() {
    std::string out;
    ++pos_;  // opening quote
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) {
        const char e = text_[++pos_];
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == '0' ? '\0' : e;
      } else {
        out += text_[pos_];
      }
      ++pos_;
    }
    ++pos_;  // closing quote
    return out;
  }

  // One element at the current position: `( ... )`, `[ ... ]`, `"..."` or `_`.
  Element element() {
    skip_space();
    Element e;
    const char c = peek();
    if (c == '"') {
      e.roots.push_back({string_literal(), false});
    } else if (c == '[') {
      ++pos_;
      while (!done() && peek() != ']') {
        if (peek() == '@' || is_suffix(peek())) {
          word();
          e.bare = false;
          continue;
        }
        Element alt = element();
        e.roots.insert(e.roots.end(), alt.roots.begin(), alt.roots.end());
        e.bare = e.bare && alt.bare;
        e.unusable = e.unusable || alt.unusable;
      }
      ++pos_;
    } else if (c == '(') {
      ++pos_;
      skip_space();
      if (peek() == '(' || peek() == '[' || peek() == '"') {
        // A group: a pattern followed by predicates; two patterns make a sibling sequence.
        e = element();
        e.bare = false;
        int patterns = 1;
        while (!done() && peek() != ')') {
          if (peek() == '(') {
            const std::size_t save = pos_;
            ++pos_;
            skip_space();
            const bool predicate = peek() == '#';
            pos_ = save;
            if (!predicate) ++patterns;
            skip_balanced();
          } else if (peek() == '[' || peek() == '"') {
            ++patterns;
            element();
          } else {
            word();
          }
        }
        ++pos_;
        if (patterns > 1) e.unusable = true;
      } else {
        const std::string name = word();
        if (name == "_" || name == "MISSING" || name.empty() || name.starts_with('#')) {
          e.unusable = true;
        } else {
          e.roots.push_back({name, true});
        }
        // Anything inside the node pattern makes it structured.
        skip_space();
        if (peek() != ')') e.bare = false;
        while (!done() && peek() != ')') {
          if (peek() == '(' || peek() == '[') {
            skip_balanced();
          } else if (peek() == '"') {
            string_literal();
          } else {
            word();
          }
        }
        ++pos_;
      }
    } else {
      // `_` or something we do not follow.
      word();
      e.unusable = true;
    }
    return e;
  }

  static bool is_suffix(char c) { return c == '*' || c == '+' || c == '?'; }

 private:
  void skip_balanced() {
    int depth = 0;
    do {
      const char c = peek();
      if (c == '"') {
        string_literal();
        continue;
      }
      if (c == ';') {
        skip_space();
        continue;
      }
      if (c == '(' || c == '[') ++depth;
      if (c == ')' || c == ']') --depth;
      ++pos_;
    } while (depth > 0 && pos_ < text_.size());
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

std::uint32_t capture_id(const TSQuery* query, std::string_view name) {
  const std::uint32_t count = ts_query_capture_count(query);
  for (std::uint32_t id = 0; id < count; ++id) {
    std::uint32_t len = 0;
    const char* s = ts_query_capture_name_for_id(query, id, &len);
    if (std::string_view(s, len) == name) return id;
  }
  return UINT32_MAX;
}

}  // namespace

QueryPlan QueryPlan::build(const TSLanguage* language, const TSQuery* query,
                           std::string_view source) {
  QueryPlan plan;
  const std::uint32_t symbol_count = ts_language_symbol_count(language);
  plan.symbols_.resize(symbol_count);
  const std::uint32_t pattern_count = ts_query_pattern_count(query);

  // Symbols by (name, named); aliases have their own symbols with the alias's name.
  auto symbols_for = [&](const Root& root, bool& ok) {
    std::vector<TSSymbol> out;
    for (TSSymbol s = 0; s < symbol_count; ++s) {
      const TSSymbolType type = ts_language_symbol_type(language, s);
      const bool named = type == TSSymbolTypeRegular || type == TSSymbolTypeSupertype;
      if (named != root.named || root.name != ts_language_symbol_name(language, s)) continue;
      if (type == TSSymbolTypeSupertype) ok = false;  // matches its subtypes: not followed
      out.push_back(s);
    }
    return out;
  };

  PatternReader reader(source);
  std::uint32_t pattern = 0;
  while (!reader.done()) {
    if (pattern >= pattern_count ||
        reader.pos() != ts_query_start_byte_for_pattern(query, pattern) ||
        !ts_query_is_pattern_rooted(query, pattern)) {
      return plan;  // we read the file differently than tree-sitter: do not guess
    }
    Element e = reader.element();
    // Captures and quantifiers that follow the element at the top level.
    std::vector<std::string> captures;
    bool quantified = false;
    while (!reader.done() && (reader.peek() == '@' || PatternReader::is_suffix(reader.peek()))) {
      std::string w = reader.word();
      if (w.starts_with('@')) {
        captures.push_back(w.substr(1));
      } else {
        quantified = true;
      }
    }
    if (e.unusable || quantified || e.roots.empty()) return plan;
    const bool simple = e.bare && captures.size() == 1;
    const std::uint32_t simple_capture = simple ? capture_id(query, captures[0]) : UINT32_MAX;
    if (simple && simple_capture == UINT32_MAX) return plan;
    for (const Root& root : e.roots) {
      std::vector<NodePlan*> nodes;
      if (root.named && root.name == "ERROR") {
        nodes.push_back(&plan.error_);
      } else {
        bool ok = true;
        for (TSSymbol s : symbols_for(root, ok))
          nodes.push_back(&plan.symbols_[s]);
        if (!ok || nodes.empty()) return plan;
      }
      for (NodePlan* node : nodes) {
        if (simple) {
          node->captures.push_back({pattern, simple_capture});
        } else {
          node->run_query = true;
        }
      }
    }
    ++pattern;
  }
  plan.usable_ = pattern == pattern_count;
  return plan;
}

}  // namespace chunkls
