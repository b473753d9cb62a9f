#include "engine/syntax/query_set.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace chunkls {
namespace {

const TSLanguage* python() {
  return testing::language("python").grammar();
}

QueryCompileError compile_error(std::string text) {
  try {
    QuerySet::compile(python(), {"q/chunks.scm", std::move(text)}, {"q/folds.scm", ""});
  } catch (const QueryCompileError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a compile error";
  return QueryCompileError("", 0, 0, 0, "", "");
}

TEST(QuerySet, SyntaxErrorNamesFileLineColumnAndKind) {
  const auto e = compile_error("; comment\n(function_definition\n  name: (identifier @name)\n");
  EXPECT_EQ(e.file(), "q/chunks.scm");
  EXPECT_EQ(e.kind(), "syntax error");
  EXPECT_GE(e.line(), 3u);
  EXPECT_NE(std::string(e.what()).find("q/chunks.scm:"), std::string::npos) << e.what();
}

TEST(QuerySet, UnknownNodeTypeIsReportedAtItsOffset) {
  const std::string text = "(function_definition) @chunk.function\n(no_such_node) @chunk.class\n";
  const auto e = compile_error(text);
  EXPECT_EQ(e.kind(), "unknown node type");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.column(), 2u);
  EXPECT_EQ(e.offset(), text.find("no_such_node"));
  EXPECT_NE(std::string(e.what()).find("no_such_node"), std::string::npos) << e.what();
}

TEST(QuerySet, UnknownFieldAndCaptureAreErrors) {
  EXPECT_EQ(compile_error("(function_definition colour: (_)) @chunk.function").kind(),
            "unknown field");
  EXPECT_EQ(compile_error("(function_definition) @chunk.gadget").kind(), "unknown capture");
  EXPECT_EQ(compile_error("(function_definition) @whatever").kind(), "unknown capture");
}

TEST(QuerySet, UnsupportedPredicateIsAnErrorNotSilentlyIgnored) {
  const auto e = compile_error(
      "((function_definition name: (identifier) @name) @chunk.function (#match? @name \"^_\"))");
  EXPECT_EQ(e.kind(), "unsupported predicate");
  EXPECT_NE(std::string(e.what()).find("#match?"), std::string::npos) << e.what();
}

QueryCompileError compile_error(const QuerySource& chunks, const QuerySource& folds) {
  try {
    QuerySet::compile(python(), chunks, folds);
  } catch (const QueryCompileError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a compile error";
  return QueryCompileError("", 0, 0, 0, "", "");
}

TEST(QuerySet, ErrorsInTheFoldsFileNameThatFileAndItsOwnLines) {
  // Both files compile as one query; positions must still be the folds file's own.
  const auto e = compile_error({"q/chunks.scm", "(function_definition) @chunk.function\n"},
                               {"q/folds.scm", "(block) @fold\n(nonsense) @fold\n"});
  EXPECT_EQ(e.file(), "q/folds.scm");
  EXPECT_EQ(e.kind(), "unknown node type");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_EQ(e.column(), 2u);
}

TEST(QuerySet, EachFileKeepsItsOwnCaptureVocabulary) {
  auto e = compile_error({"q/chunks.scm", "(block) @fold\n"}, {"q/folds.scm", ""});
  EXPECT_EQ(e.file(), "q/chunks.scm");
  EXPECT_EQ(e.kind(), "unknown capture");
  EXPECT_EQ(e.column(), 9u);
  e = compile_error({"q/chunks.scm", ""},
                    {"q/folds.scm", "; @name in a comment is fine\n(block) @name\n"});
  EXPECT_EQ(e.file(), "q/folds.scm");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_NE(std::string(e.what()).find("@name has no meaning in a folds query"), std::string::npos)
      << e.what();
}

TEST(QuerySet, ErrorsInAnInheritedPartNameTheInheritedFile) {
  QuerySource chunks{"q/tsx/chunks.scm", "(oops) @chunk.class\n; inherits: base\n(block) @doc\n",
                     "q/base/chunks.scm", 20};
  auto e = compile_error(chunks, {"q/folds.scm", ""});
  EXPECT_EQ(e.file(), "q/base/chunks.scm");
  EXPECT_EQ(e.line(), 1u);
  chunks.text = "(block) @doc\n\n\n\n\n\n; own\n(oops) @doc\n";
  chunks.inherited_bytes = 13;
  e = compile_error(chunks, {"q/folds.scm", ""});
  EXPECT_EQ(e.file(), "q/tsx/chunks.scm");
  EXPECT_EQ(e.line(), 7u);
}

TEST(QuerySet, FoldPatternsComeAfterChunkPatterns) {
  const QuerySet set = QuerySet::compile(
      python(), {"c", "(function_definition) @chunk.function\n(class_definition) @chunk.class\n"},
      {"f", "(block) @fold\n"});
  EXPECT_FALSE(set.is_fold_pattern(0));
  EXPECT_FALSE(set.is_fold_pattern(1));
  EXPECT_TRUE(set.is_fold_pattern(2));
}

TEST(QuerySet, CaptureRolesAreResolvedOnce) {
  const QuerySet set = QuerySet::compile(
      python(),
      {"c", "(function_definition name: (identifier) @name body: (_) @body) @chunk.method"},
      {"f", "(comment) @fold.comment (import_statement) @fold.imports (block) @fold"});
  const TSQuery* q = set.get();
  for (std::uint32_t id = 0; id < ts_query_capture_count(q); ++id) {
    std::uint32_t len = 0;
    const std::string name = ts_query_capture_name_for_id(q, id, &len);
    const CaptureInfo& info = set.capture(id);
    if (name == "chunk.method") {
      EXPECT_EQ(info.role, CaptureRole::kChunk);
      EXPECT_EQ(info.kind, ChunkKind::kMethod);
    } else if (name == "name") {
      EXPECT_EQ(info.role, CaptureRole::kName);
    } else if (name == "body") {
      EXPECT_EQ(info.role, CaptureRole::kBody);
    } else if (name == "fold.comment") {
      EXPECT_EQ(info.role, CaptureRole::kFoldComment);
    } else if (name == "fold.imports") {
      EXPECT_EQ(info.role, CaptureRole::kFoldImports);
    } else {
      EXPECT_EQ(name, "fold");
      EXPECT_EQ(info.role, CaptureRole::kFold);
    }
  }
}

TEST(QuerySet, PredicatesFilterMatches) {
  LanguageRegistry registry = LanguageRegistry::with_builtins();
  registry.set_queries("python",
                       {"c",
                        "((function_definition name: (identifier) @name) @chunk.constructor"
                        " (#eq? @name \"__init__\"))\n"
                        "((function_definition name: (identifier) @name) @chunk.function"
                        " (#not-any-of? @name \"__init__\" \"skip_me\"))\n"},
                       {"f", ""});
  Chunker chunker;
  const auto out = chunker.chunk(*registry.find("python"),
                                 "def __init__(): pass\ndef skip_me(): pass\ndef keep(): pass\n");
  ASSERT_EQ(out.chunks.size(), 2u);
  EXPECT_EQ(out.chunks[0].name, "__init__");
  EXPECT_EQ(out.chunks[0].kind, ChunkKind::kConstructor);
  EXPECT_EQ(out.chunks[1].name, "keep");
}

TEST(QuerySet, SetNameNamesAnonymousChunks) {
  LanguageRegistry registry = LanguageRegistry::with_builtins();
  registry.set_queries("python", {"c", "((lambda) @chunk.function (#set! name \"<lambda>\"))"},
                       {"f", ""});
  Chunker chunker;
  const auto out = chunker.chunk(*registry.find("python"), "f = lambda x: x\n");
  ASSERT_EQ(out.chunks.size(), 1u);
  EXPECT_EQ(out.chunks[0].name, "<lambda>");
  EXPECT_EQ(out.chunks[0].selection.start_byte, 4u) << "selects the first token of the lambda";
}

}  // namespace
}  // namespace chunkls
