#include "engine/syntax/query_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

namespace chunkls {
namespace {

std::string_view error_kind_name(TSQueryError error) {
  switch (error) {
    case TSQueryErrorSyntax:
      return "syntax error";
    case TSQueryErrorNodeType:
      return "unknown node type";
    case TSQueryErrorField:
      return "unknown field";
    case TSQueryErrorCapture:
      return "unknown capture";
    case TSQueryErrorStructure:
      return "impossible pattern structure";
    case TSQueryErrorLanguage:
      return "incompatible language";
    case TSQueryErrorNone:
      break;
  }
  return "error";
}

// 1-based line and column of a byte offset.
std::pair<std::uint32_t, std::uint32_t> line_column(std::string_view text, std::uint32_t offset) {
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text.size()));
  std::uint32_t line = 1, column = 1;
  for (std::uint32_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

enum class QueryFile : std::uint8_t { kChunks, kFolds };

// chunks.scm and folds.scm (each possibly preceded by an inherited file) joined into the
// text tree-sitter compiles; segments map an offset back to its file.
struct CombinedSource {
  struct Segment {
    std::string_view path;
    std::uint32_t begin;
    QueryFile file;
  };
  std::string text;
  std::vector<Segment> segments;
  std::uint32_t folds_begin = 0;

  CombinedSource(const QuerySource& chunks, const QuerySource& folds) {
    add(chunks, QueryFile::kChunks);
    text += '\n';
    folds_begin = static_cast<std::uint32_t>(text.size());
    add(folds, QueryFile::kFolds);
  }
  std::size_t segment_at(std::uint32_t offset) const {
    std::size_t i = 0;
    while (i + 1 < segments.size() && segments[i + 1].begin <= offset)
      ++i;
    return i;
  }

 private:
  void add(const QuerySource& source, QueryFile file) {
    const auto base = static_cast<std::uint32_t>(text.size());
    if (source.inherited_bytes > 0) segments.push_back({source.inherited_path, base, file});
    segments.push_back({source.path, base + source.inherited_bytes, file});
    text += source.text;
  }
};

[[noreturn]] void fail(const CombinedSource& source, std::uint32_t offset, std::string kind,
                       const std::string& detail) {
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(source.text.size()));
  const std::size_t i = source.segment_at(offset);
  const auto& segment = source.segments[i];
  const std::uint32_t end = i + 1 < source.segments.size()
                                ? source.segments[i + 1].begin
                                : static_cast<std::uint32_t>(source.text.size());
  const std::string_view text =
      std::string_view(source.text).substr(segment.begin, end - segment.begin);
  const std::uint32_t local = offset - segment.begin;
  auto [line, column] = line_column(text, local);
  throw QueryCompileError(std::string(segment.path), local, line, column, std::move(kind), detail);
}

std::optional<CaptureInfo> capture_info(std::string_view name, QueryFile file) {
  if (name.starts_with('_')) return CaptureInfo{CaptureRole::kHelper};
  if (file == QueryFile::kChunks) {
    if (name.starts_with("chunk.")) {
      auto kind = chunk_kind_from_string(name.substr(6));
      if (!kind) return std::nullopt;
      return CaptureInfo{CaptureRole::kChunk, *kind};
    }
    if (name == "name") return CaptureInfo{CaptureRole::kName};
    if (name == "body") return CaptureInfo{CaptureRole::kBody};
    if (name == "wrapper") return CaptureInfo{CaptureRole::kWrapper};
    if (name == "wrapped") return CaptureInfo{CaptureRole::kWrapped};
    if (name == "doc") return CaptureInfo{CaptureRole::kDoc};
  } else {
    if (name == "fold") return CaptureInfo{CaptureRole::kFold};
    if (name == "fold.comment") return CaptureInfo{CaptureRole::kFoldComment};
    if (name == "fold.imports") return CaptureInfo{CaptureRole::kFoldImports};
  }
  return std::nullopt;
}

std::string_view string_value(const TSQuery* query, std::uint32_t id) {
  std::uint32_t len = 0;
  const char* s = ts_query_string_value_for_id(query, id, &len);
  return {s, len};
}

std::string_view capture_name(const TSQuery* query, std::uint32_t id) {
  std::uint32_t len = 0;
  const char* s = ts_query_capture_name_for_id(query, id, &len);
  return {s, len};
}

// Splits the flat predicate step list of one pattern into its predicates and
// interprets the ones we support.
PatternInfo read_pattern(const TSQuery* query, std::uint32_t pattern,
                         const CombinedSource& source) {
  PatternInfo info;
  std::uint32_t count = 0;
  const TSQueryPredicateStep* steps = ts_query_predicates_for_pattern(query, pattern, &count);
  const std::uint32_t pattern_offset = ts_query_start_byte_for_pattern(query, pattern);
  std::uint32_t i = 0;
  while (i < count) {
    std::uint32_t end = i;
    while (end < count && steps[end].type != TSQueryPredicateStepTypeDone)
      ++end;
    std::span<const TSQueryPredicateStep> args(steps + i, end - i);
    i = end + 1;
    if (args.empty() || args[0].type != TSQueryPredicateStepTypeString) {
      fail(source, pattern_offset, "invalid predicate", "a predicate must start with its name");
    }
    const std::string_view op = string_value(query, args[0].value_id);
    if (op == "set!") {
      if (args.size() != 3 || args[1].type != TSQueryPredicateStepTypeString ||
          args[2].type != TSQueryPredicateStepTypeString) {
        fail(source, pattern_offset, "invalid predicate", "#set! takes a key and a string value");
      }
      const std::string_view key = string_value(query, args[1].value_id);
      if (key != "name") {
        fail(source, pattern_offset, "invalid predicate",
             fmt::format("unknown property '{}' (known: name)", key));
      }
      info.default_name = std::string(string_value(query, args[2].value_id));
      continue;
    }
    TextPredicate predicate;
    if (op == "eq?" || op == "not-eq?") {
      predicate.op = op == "eq?" ? TextPredicate::Op::kEq : TextPredicate::Op::kNotEq;
      if (args.size() != 3 || args[1].type != TSQueryPredicateStepTypeCapture) {
        fail(source, pattern_offset, "invalid predicate",
             fmt::format("#{} takes @capture value", op));
      }
      predicate.capture = args[1].value_id;
      if (args[2].type == TSQueryPredicateStepTypeCapture) {
        predicate.other_capture = args[2].value_id;
      } else {
        predicate.values.emplace_back(string_value(query, args[2].value_id));
      }
    } else if (op == "any-of?" || op == "not-any-of?") {
      predicate.op = op == "any-of?" ? TextPredicate::Op::kAnyOf : TextPredicate::Op::kNotAnyOf;
      if (args.size() < 3 || args[1].type != TSQueryPredicateStepTypeCapture) {
        fail(source, pattern_offset, "invalid predicate",
             fmt::format("#{} takes @capture values...", op));
      }
      predicate.capture = args[1].value_id;
      for (std::size_t k = 2; k < args.size(); ++k) {
        predicate.values.emplace_back(string_value(query, args[k].value_id));
      }
    } else {
      fail(source, pattern_offset, "unsupported predicate",
           fmt::format("#{} (supported: #eq? #not-eq? #any-of? #not-any-of? #set!)", op));
    }
    info.predicates.push_back(std::move(predicate));
  }
  return info;
}

// Every `@capture` written in a file must mean something in that file's vocabulary.
// Scans the text (skipping `;` comments and strings) so the error points at the use.
void check_capture_names(const CombinedSource& source) {
  const std::string_view text = source.text;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ';') {
      while (i < text.size() && text[i] != '\n')
        ++i;
    } else if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
      ++i;
    } else if (c == '@') {
      std::size_t end = i + 1;
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                                   text[end] == '_' || text[end] == '.' || text[end] == '-')) {
        ++end;
      }
      const std::string_view name = text.substr(i + 1, end - i - 1);
      const auto offset = static_cast<std::uint32_t>(i);
      const QueryFile file = source.segments[source.segment_at(offset)].file;
      if (!capture_info(name, file)) {
        fail(source, offset, "unknown capture",
             fmt::format("@{} has no meaning in a {} query", name,
                         file == QueryFile::kChunks ? "chunks" : "folds"));
      }
      i = end;
    } else {
      ++i;
    }
  }
}

std::string_view node_text(TSNode node, std::string_view text) {
  const std::uint32_t start = std::min<std::uint32_t>(ts_node_start_byte(node), text.size());
  const std::uint32_t end = std::min<std::uint32_t>(ts_node_end_byte(node), text.size());
  return text.substr(start, end - start);
}

}  // namespace

QueryCompileError::QueryCompileError(std::string file, std::uint32_t offset, std::uint32_t line,
                                     std::uint32_t column, std::string kind,
                                     const std::string& detail)
    : std::runtime_error(fmt::format("{}:{}:{}: query {}{}{}", file, line, column, kind,
                                     detail.empty() ? "" : ": ", detail)),
      file_(std::move(file)),
      offset_(offset),
      line_(line),
      column_(column),
      kind_(std::move(kind)) {}

bool QuerySet::predicates_hold(const TSQueryMatch& match, std::string_view text) const {
  const PatternInfo& info = patterns_[match.pattern_index];
  if (info.predicates.empty()) return true;
  auto capture_text = [&](std::uint32_t id) -> std::optional<std::string_view> {
    for (std::uint16_t c = 0; c < match.capture_count; ++c) {
      if (match.captures[c].index == id) return node_text(match.captures[c].node, text);
    }
    return std::nullopt;
  };
  for (const TextPredicate& p : info.predicates) {
    const auto subject = capture_text(p.capture);
    if (!subject) continue;  // quantified capture absent: nothing to test
    bool holds = false;
    switch (p.op) {
      case TextPredicate::Op::kEq:
      case TextPredicate::Op::kNotEq: {
        std::optional<std::string_view> other;
        if (p.other_capture >= 0) {
          other = capture_text(static_cast<std::uint32_t>(p.other_capture));
        } else {
          other = p.values.front();
        }
        const bool equal = other && *subject == *other;
        holds = p.op == TextPredicate::Op::kEq ? equal : !equal;
        break;
      }
      case TextPredicate::Op::kAnyOf:
      case TextPredicate::Op::kNotAnyOf: {
        const bool found = std::find(p.values.begin(), p.values.end(), *subject) != p.values.end();
        holds = p.op == TextPredicate::Op::kAnyOf ? found : !found;
        break;
      }
    }
    if (!holds) return false;
  }
  return true;
}

QuerySet QuerySet::compile(const TSLanguage* language, const QuerySource& chunks,
                           const QuerySource& folds) {
  const CombinedSource source(chunks, folds);
  std::uint32_t error_offset = 0;
  TSQueryError error = TSQueryErrorNone;
  Query query(ts_query_new(language, source.text.data(),
                           static_cast<std::uint32_t>(source.text.size()), &error_offset, &error));
  if (!query) {
    // Name the token at the error offset: it is what the author must look at.
    std::string_view rest = std::string_view(source.text)
                                .substr(std::min<std::size_t>(error_offset, source.text.size()));
    const auto token_end = rest.find_first_of(" \t\r\n()[]:");
    fail(source, error_offset, std::string(error_kind_name(error)),
         std::string(rest.substr(0, std::min<std::size_t>(token_end, 40))));
  }
  check_capture_names(source);

  QuerySet set;
  const std::uint32_t capture_count = ts_query_capture_count(query.get());
  set.captures_.reserve(capture_count);
  for (std::uint32_t id = 0; id < capture_count; ++id) {
    // The two vocabularies share no name, and check_capture_names vetted each use.
    const std::string_view name = capture_name(query.get(), id);
    auto info = capture_info(name, QueryFile::kChunks);
    if (!info) info = capture_info(name, QueryFile::kFolds);
    set.captures_.push_back(info.value_or(CaptureInfo{}));
  }
  const std::uint32_t pattern_count = ts_query_pattern_count(query.get());
  set.patterns_.reserve(pattern_count);
  set.first_fold_pattern_ = pattern_count;
  for (std::uint32_t p = 0; p < pattern_count; ++p) {
    set.patterns_.push_back(read_pattern(query.get(), p, source));
    if (set.first_fold_pattern_ == pattern_count &&
        ts_query_start_byte_for_pattern(query.get(), p) >= source.folds_begin) {
      set.first_fold_pattern_ = p;
    }
  }
  set.plan_ = QueryPlan::build(language, query.get(), source.text);
  set.query_ = std::move(query);
  return set;
}

}  // namespace chunkls
