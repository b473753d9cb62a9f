// Glob: the pattern of one ignore rule (or user glob), compiled once, when its file is
// read (ignore_glob_syntax.h), and matched against paths. The literal bytes at either end
// are compared in place; the common shapes between them ("*.o", "build/**", "a/**/b")
// have shortcuts; the rest runs the automaton (ignore_glob_automaton.h), so nothing
// backtracks. last_bytes() lets a file of many rules be indexed by the last byte a
// matching path can have.
//
// Part of IgnoreRules (ignore_rules.h). Immutable once made; copies share the automaton:
// matches() is safe from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/index/ignore/ignore_glob_syntax.h"

namespace chunkls::ignore {

class Automaton;

class Glob {
 public:
  Glob() = default;

  // Never matches when the glob is malformed; `problem`, when given, says why.
  static Glob make(std::string_view text, bool casefold, std::string* problem = nullptr);

  // The bytes a text the glob matches can end with; nullopt when it may end with any.
  std::optional<ByteSet> last_bytes() const;

  bool matches(std::string_view text) const;

 private:
  enum class Shape : std::uint8_t {
    kNever,             // malformed
    kLiteral,           // head only
    kHeadThenAnything,  // head, then a trailing "/**" (or "**" alone)
    kOneRun,            // head '*' tail
    kDirectories,       // head "**/" tail
    kGeneral,
  };

  // `literal` is kept in lower case when the glob folds case.
  bool same(std::string_view literal, const char* text) const;

  Shape shape_ = Shape::kNever;
  bool casefold_ = false;
  std::string head_;
  std::string tail_;
  unsigned char last_literal_ = 0;              // the last byte of the tail, else of the head
  std::shared_ptr<const Automaton> automaton_;  // kGeneral
};

}  // namespace chunkls::ignore
