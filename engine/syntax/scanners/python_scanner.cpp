// The Python external scanner (contract in python_scanner.h). Token rules, from the
// grammar and Python's lexical analysis:
// - At a line start the scanner measures the indentation (space 1, tab 8, \r and \f
//   restart it) of the next line of code, skipping blank lines, comment lines and
//   backslash continuations, and answers _indent (deeper), _dedent (shallower, one per
//   level popped) or _newline, all zero-width at the end of the previous line.
// - A comment line that is no shallower than the current block belongs to it: a dedent
//   waits until after such comments.
// - Strings: string_start reads the prefix letters and the quote(s); _string_content
//   runs up to an escape, an interpolation brace of an f/t-string or the closing quote;
//   string_end the closing quote(s); escape_interpolation `{{` or `}}` in f/t-strings.
#include "engine/syntax/scanners/python_scanner.h"

#include <tree_sitter/parser.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace chunkls::python {
namespace {

// The grammar's `externals`, in its order.
enum Token : TSSymbol {
  kNewline,
  kIndent,
  kDedent,
  kStringStart,
  kStringContent,
  kEscapeInterpolation,
  kStringEnd,
  kComment,
  kCloseBracket,
  kCloseParen,
  kCloseBrace,
  kExcept,
};

// One open string literal, as one byte so the serialized state stays small.
enum DelimiterFlag : std::uint8_t {
  kSingleQuote = 1U << 0U,
  kDoubleQuote = 1U << 1U,
  kBackQuote = 1U << 2U,
  kRaw = 1U << 3U,
  kFormat = 1U << 4U,
  kTriple = 1U << 5U,
  kBytes = 1U << 6U,
};

struct Delimiter {
  std::uint8_t flags = 0;

  [[nodiscard]] bool has(DelimiterFlag flag) const { return (flags & flag) != 0; }
  void add(DelimiterFlag flag) { flags |= flag; }

  [[nodiscard]] std::int32_t closing_quote() const {
    if (has(kSingleQuote)) return '\'';
    if (has(kDoubleQuote)) return '"';
    if (has(kBackQuote)) return '`';
    return 0;
  }
};

DelimiterFlag quote_flag(std::int32_t quote) {
  if (quote == '\'') return kSingleQuote;
  if (quote == '"') return kDoubleQuote;
  return kBackQuote;
}

// What a scan function decided: a token, no token, or "not mine, go on".
enum class Outcome { kToken, kNone, kContinue };

class Scanner {
 public:
  Scanner() { reset(); }

  bool scan(TSLexer& lexer, const bool* valid) {
    const bool error_recovery = valid[kStringContent] && valid[kIndent];
    if (!error_recovery && !delimiters_.empty()) {
      if (valid[kEscapeInterpolation]) {
        const Outcome escape = scan_escape_interpolation(lexer);
        if (escape != Outcome::kContinue) return escape == Outcome::kToken;
      }
      if (valid[kStringContent]) {
        const Outcome content = scan_string_content(lexer);
        if (content != Outcome::kContinue) return content == Outcome::kToken;
      }
    }
    return scan_line_start(lexer, valid, error_recovery);
  }

  unsigned serialize(char* buffer) const {
    unsigned size = 0;
    buffer[size++] = static_cast<char>(inside_interpolated_string_);
    const std::size_t delimiter_count = std::min<std::size_t>(delimiters_.size(), UINT8_MAX);
    buffer[size++] = static_cast<char>(delimiter_count);
    for (std::size_t i = 0; i < delimiter_count; ++i) {
      buffer[size++] = static_cast<char>(delimiters_[i].flags);
    }
    // indents_[0] is the implicit 0 of the module; deeper levels as little-endian
    // pairs, as many as fit.
    for (std::size_t i = 1;
         i < indents_.size() && size + 2 <= TREE_SITTER_SERIALIZATION_BUFFER_SIZE; ++i) {
      buffer[size++] = static_cast<char>(indents_[i] & 0xFFU);
      buffer[size++] = static_cast<char>((indents_[i] >> 8U) & 0xFFU);
    }
    return size;
  }

  void deserialize(const char* buffer, unsigned length) {
    reset();
    if (length == 0) return;
    unsigned size = 0;
    inside_interpolated_string_ = buffer[size++] != 0;
    if (size >= length) return;
    const unsigned delimiter_count = static_cast<std::uint8_t>(buffer[size++]);
    for (unsigned i = 0; i < delimiter_count && size < length; ++i) {
      delimiters_.push_back(Delimiter{static_cast<std::uint8_t>(buffer[size++])});
    }
    for (; size + 1 < length; size += 2) {
      indents_.push_back(static_cast<std::uint16_t>(
          static_cast<unsigned char>(buffer[size]) |
          (static_cast<unsigned>(static_cast<unsigned char>(buffer[size + 1])) << 8U)));
    }
  }

 private:
  void reset() {
    indents_.assign(1, 0);
    delimiters_.clear();
    inside_interpolated_string_ = false;
  }

  static void advance(TSLexer& lexer) { lexer.advance(&lexer, false); }
  static void skip(TSLexer& lexer) { lexer.advance(&lexer, true); }

  static bool accept(TSLexer& lexer, Token token) {
    lexer.result_symbol = token;
    return true;
  }

  // `{{` or `}}` inside an f-string.
  Outcome scan_escape_interpolation(TSLexer& lexer) const {
    if (lexer.lookahead != '{' && lexer.lookahead != '}') return Outcome::kContinue;
    if (!delimiters_.back().has(kFormat)) return Outcome::kContinue;
    const std::int32_t brace = lexer.lookahead;
    lexer.mark_end(&lexer);
    advance(lexer);
    if (lexer.lookahead != brace) return Outcome::kNone;
    advance(lexer);
    lexer.mark_end(&lexer);
    return accept(lexer, kEscapeInterpolation) ? Outcome::kToken : Outcome::kNone;
  }

  // The literal text of the innermost open string, or its closing quote(s). Runs out
  // (kContinue) only at the end of the input or a NUL byte.
  Outcome scan_string_content(TSLexer& lexer) {
    const Delimiter delimiter = delimiters_.back();
    const std::int32_t quote = delimiter.closing_quote();
    bool has_content = false;
    const auto content_so_far = [&]() {
      lexer.result_symbol = kStringContent;
      return has_content ? Outcome::kToken : Outcome::kNone;
    };
    while (lexer.lookahead != 0) {
      const std::int32_t c = lexer.lookahead;
      if ((c == '{' || c == '}') && delimiter.has(kFormat)) {
        lexer.mark_end(&lexer);
        return content_so_far();
      }
      if (c == '\\') {
        if (delimiter.has(kRaw)) {
          // A raw string keeps its backslashes; one still protects a quote, a
          // backslash or a line break from ending the string.
          advance(lexer);
          if (lexer.lookahead == quote || lexer.lookahead == '\\') advance(lexer);
          if (lexer.lookahead == '\r') {
            advance(lexer);
            if (lexer.lookahead == '\n') advance(lexer);
          } else if (lexer.lookahead == '\n') {
            advance(lexer);
          }
          continue;
        }
        lexer.mark_end(&lexer);
        if (!delimiter.has(kBytes)) return content_so_far();
        // In bytes, \N{…}, \u and \U are not escapes but text.
        advance(lexer);
        if (lexer.lookahead != 'N' && lexer.lookahead != 'u' && lexer.lookahead != 'U') {
          return content_so_far();
        }
        advance(lexer);
      } else if (c == quote) {
        return scan_closing_quote(lexer, delimiter, has_content);
      } else if (c == '\n' && has_content && !delimiter.has(kTriple)) {
        return Outcome::kNone;  // an unterminated one-line string
      }
      advance(lexer);
      has_content = true;
    }
    return Outcome::kContinue;
  }

  // At a closing quote character: the content before it, the string's end, or (in a
  // triple-quoted string, one or two quotes) more content.
  Outcome scan_closing_quote(TSLexer& lexer, Delimiter delimiter, bool has_content) {
    const std::int32_t quote = delimiter.closing_quote();
    if (!delimiter.has(kTriple)) {
      if (has_content) {
        lexer.result_symbol = kStringContent;
      } else {
        advance(lexer);
        end_string(lexer);
      }
      lexer.mark_end(&lexer);
      return Outcome::kToken;
    }
    lexer.mark_end(&lexer);
    advance(lexer);
    if (lexer.lookahead == quote) {
      advance(lexer);
      if (lexer.lookahead == quote) {
        if (has_content) {
          lexer.result_symbol = kStringContent;
        } else {
          advance(lexer);
          lexer.mark_end(&lexer);
          end_string(lexer);
        }
        return Outcome::kToken;
      }
    }
    lexer.mark_end(&lexer);
    lexer.result_symbol = kStringContent;
    return Outcome::kToken;
  }

  void end_string(TSLexer& lexer) {
    delimiters_.pop_back();
    inside_interpolated_string_ = false;
    lexer.result_symbol = kStringEnd;
  }

  // Whitespace, line breaks, comment lines and continuations before the next token,
  // then the line structure they imply, then a string's start.
  bool scan_line_start(TSLexer& lexer, const bool* valid, bool error_recovery) {
    lexer.mark_end(&lexer);  // indent, dedent and newline are zero-width tokens
    const bool within_brackets = valid[kCloseBrace] || valid[kCloseParen] || valid[kCloseBracket];
    const bool comments_matter =
        valid[kIndent] || valid[kDedent] || valid[kNewline] || valid[kExcept];
    // Widths are 16-bit, as the serialized state stores them; wider ones wrap.
    const std::uint16_t block_indent = indents_.back();

    bool found_end_of_line = false;
    std::uint16_t indent = 0;
    std::int32_t first_comment_indent = -1;
    for (;;) {
      const std::int32_t c = lexer.lookahead;
      if (c == '\n') {
        found_end_of_line = true;
        indent = 0;
        skip(lexer);
      } else if (c == ' ') {
        ++indent;
        skip(lexer);
      } else if (c == '\r' || c == '\f') {
        indent = 0;
        skip(lexer);
      } else if (c == '\t') {
        indent = static_cast<std::uint16_t>(indent + 8);
        skip(lexer);
      } else if (c == '#' && comments_matter) {
        // A comment after code on the same line yields no line structure here.
        if (!found_end_of_line) return false;
        if (first_comment_indent == -1) first_comment_indent = indent;
        while (lexer.lookahead != 0 && lexer.lookahead != '\n')
          skip(lexer);
        skip(lexer);
        indent = 0;
        // The one place this differs from a plain reading: once the first comment line
        // is known, if no indent or dedent can come out of this scan and no newline is
        // wanted, nothing can, so the rest of the run need not be read. Reading it at
        // every comment line is what made long comment runs quadratic.
        const bool indent_possible = valid[kIndent];
        const bool dedent_possible = (valid[kDedent] || (!valid[kNewline] && !within_brackets)) &&
                                     !inside_interpolated_string_ &&
                                     first_comment_indent < block_indent;
        const bool newline_wanted = valid[kNewline] && !error_recovery;
        if (!indent_possible && !dedent_possible && !newline_wanted) return false;
      } else if (c == '\\') {
        // A line continuation is whitespace; any other backslash is not ours.
        skip(lexer);
        if (lexer.lookahead == '\r') skip(lexer);
        if (lexer.lookahead != '\n' && !lexer.eof(&lexer)) return false;
        skip(lexer);
      } else if (lexer.eof(&lexer)) {
        indent = 0;
        found_end_of_line = true;
        break;
      } else {
        break;
      }
    }

    if (found_end_of_line) {
      if (valid[kIndent] && indent > block_indent) {
        indents_.push_back(indent);
        return accept(lexer, kIndent);
      }
      const std::int32_t next = lexer.lookahead;
      const bool string_follows = next == '"' || next == '\'' || next == '`';
      const bool dedent_allowed =
          valid[kDedent] ||
          (!valid[kNewline] && !(valid[kStringStart] && string_follows) && !within_brackets);
      if (dedent_allowed && indent < block_indent && !inside_interpolated_string_ &&
          first_comment_indent < block_indent) {
        indents_.pop_back();
        return accept(lexer, kDedent);
      }
      if (valid[kNewline] && !error_recovery) return accept(lexer, kNewline);
    }

    if (first_comment_indent == -1 && valid[kStringStart]) return scan_string_start(lexer);
    return false;
  }

  // Prefix letters (f, t, r, b, u in either case) and one or three quotes.
  bool scan_string_start(TSLexer& lexer) {
    Delimiter delimiter;
    for (; lexer.lookahead != 0; advance(lexer)) {
      const std::int32_t c = lexer.lookahead;
      if (c == 'f' || c == 'F' || c == 't' || c == 'T') {
        delimiter.add(kFormat);
      } else if (c == 'r' || c == 'R') {
        delimiter.add(kRaw);
      } else if (c == 'b' || c == 'B') {
        delimiter.add(kBytes);
      } else if (c != 'u' && c != 'U') {
        break;
      }
    }
    const std::int32_t quote = lexer.lookahead;
    if (quote != '\'' && quote != '"' && quote != '`') return false;
    delimiter.add(quote_flag(quote));
    advance(lexer);
    lexer.mark_end(&lexer);
    if (quote != '`' && lexer.lookahead == quote) {
      advance(lexer);
      if (lexer.lookahead == quote) {
        advance(lexer);
        lexer.mark_end(&lexer);
        delimiter.add(kTriple);
      }
    }
    delimiters_.push_back(delimiter);
    inside_interpolated_string_ = delimiter.has(kFormat);
    return accept(lexer, kStringStart);
  }

  std::vector<std::uint16_t> indents_;  // [0] is the module's 0
  std::vector<Delimiter> delimiters_;   // open strings, innermost last
  bool inside_interpolated_string_ = false;
};

}  // namespace
}  // namespace chunkls::python

// The C entry points the grammar's parser.c calls. The payload crosses the C ABI as a
// void*: create() releases a unique_ptr into it, destroy() takes it back.
extern "C" {

void* tree_sitter_python_external_scanner_create(void) {
  return std::make_unique<chunkls::python::Scanner>().release();
}

void tree_sitter_python_external_scanner_destroy(void* payload) {
  std::unique_ptr<chunkls::python::Scanner> owned(static_cast<chunkls::python::Scanner*>(payload));
}

bool tree_sitter_python_external_scanner_scan(void* payload, TSLexer* lexer,
                                              const bool* valid_symbols) {
  return static_cast<chunkls::python::Scanner*>(payload)->scan(*lexer, valid_symbols);
}

unsigned tree_sitter_python_external_scanner_serialize(void* payload, char* buffer) {
  return static_cast<chunkls::python::Scanner*>(payload)->serialize(buffer);
}

void tree_sitter_python_external_scanner_deserialize(void* payload, const char* buffer,
                                                     unsigned length) {
  static_cast<chunkls::python::Scanner*>(payload)->deserialize(buffer, length);
}

}  // extern "C"
