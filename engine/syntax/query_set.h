// QuerySet: one language's chunk and fold queries compiled together, with the meaning of
// each capture resolved once at compile time so the hot path never compares strings.
//
// Capture vocabulary (documented for query authors in engine/queries/README.md):
//   chunks.scm  @chunk.<kind> @name @body @wrapper @wrapped @doc, property `name`
//   folds.scm   @fold @fold.comment @fold.imports
//   either      captures starting with `_` are helpers for predicates only
// Predicates evaluated: #eq? #not-eq? #any-of? #not-any-of?; #set! sets properties.
// Anything else is a compile error naming the file, line, column and error kind.
//
// Immutable after compile(); shared by every thread that chunks the language.
#pragma once

#include <tree_sitter/api.h>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/syntax/chunk_kind.h"
#include "engine/syntax/query_plan.h"
#include "engine/syntax/ts_handles.h"

namespace chunkls {

struct QuerySource {
  std::string path;  // where the text came from, for error messages
  std::string text;
  // `; inherits: LANG` puts LANG's query first: its bytes [0, inherited_bytes) come from
  // inherited_path, so errors there name that file.
  std::string inherited_path;
  std::uint32_t inherited_bytes = 0;
};

class QueryCompileError : public std::runtime_error {
 public:
  QueryCompileError(std::string file, std::uint32_t offset, std::uint32_t line,
                    std::uint32_t column, std::string kind, const std::string& detail);
  const std::string& file() const { return file_; }
  std::uint32_t offset() const { return offset_; }
  std::uint32_t line() const { return line_; }      // 1-based
  std::uint32_t column() const { return column_; }  // 1-based, bytes
  const std::string& kind() const { return kind_; }

 private:
  std::string file_;
  std::uint32_t offset_, line_, column_;
  std::string kind_;
};

enum class CaptureRole : std::uint8_t {
  kHelper,
  kChunk,
  kName,
  kBody,
  kWrapper,
  kWrapped,
  kDoc,
  kFold,
  kFoldComment,
  kFoldImports,
};

struct CaptureInfo {
  CaptureRole role = CaptureRole::kHelper;
  ChunkKind kind = ChunkKind::kFunction;  // meaningful for kChunk only
};

struct TextPredicate {
  enum class Op : std::uint8_t { kEq, kNotEq, kAnyOf, kNotAnyOf };
  Op op = Op::kEq;
  std::uint32_t capture = 0;
  std::int64_t other_capture = -1;  // #eq? @a @b compares two captures
  std::vector<std::string> values;
};

struct PatternInfo {
  std::string default_name;  // (#set! name "...") for chunks without @name
  std::vector<TextPredicate> predicates;
};

// The chunks and folds files compiled as ONE tree-sitter query, so a document is walked
// once for both (each walk costs about as much as parsing). Patterns keep their file
// order: chunks.scm's first, then folds.scm's from first_fold_pattern on.
class QuerySet {
 public:
  // Throws QueryCompileError naming the file (chunks, folds or an inherited one).
  static QuerySet compile(const TSLanguage* language, const QuerySource& chunks,
                          const QuerySource& folds);
  const TSQuery* get() const { return query_.get(); }
  const CaptureInfo& capture(std::uint32_t id) const { return captures_[id]; }
  const PatternInfo& pattern(std::uint32_t index) const { return patterns_[index]; }
  bool is_fold_pattern(std::uint32_t index) const { return index >= first_fold_pattern_; }
  // Where patterns can match; the Chunker walks with it when it is usable.
  const QueryPlan& plan() const { return plan_; }
  // True when every text predicate of the match's pattern holds on `text`.
  bool predicates_hold(const TSQueryMatch& match, std::string_view text) const;

 private:
  Query query_;
  std::vector<CaptureInfo> captures_;
  std::vector<PatternInfo> patterns_;
  std::uint32_t first_fold_pattern_ = 0;
  QueryPlan plan_;
};

}  // namespace chunkls
