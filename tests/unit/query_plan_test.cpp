// QueryPlan: which nodes run the query and which patterns are captured directly, and
// the fallback to the full query walk when a pattern cannot be planned.
#include "engine/syntax/query_plan.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace chunkls {
namespace {

const TSLanguage* python() {
  return testing::language("python").grammar();
}

TSNode first_of_type(TSNode node, std::string_view type) {
  if (type == ts_node_type(node)) return node;
  for (std::uint32_t i = 0; i < ts_node_child_count(node); ++i) {
    const TSNode found = first_of_type(ts_node_child(node, i), type);
    if (!ts_node_is_null(found)) return found;
  }
  return TSNode{};
}

TEST(QueryPlan, StructuredPatternsRunTheQueryBarePatternsAreCapturedDirectly) {
  const QuerySet set = QuerySet::compile(
      python(),
      {"c", "(function_definition name: (identifier) @name) @chunk.function\n(comment) @doc\n"},
      {"f", "[(block) (comment)] @fold.comment\n((string) @fold (#eq? @fold \"x\"))\n"});
  ASSERT_TRUE(set.plan().usable());
  Parser parser;
  ASSERT_TRUE(parser.set_language(python()));
  const Tree tree = parser.parse("# c\ndef f():\n    return 'x'\n");
  const TSNode root = tree.root();

  const QueryPlan::NodePlan* def = set.plan().at(first_of_type(root, "function_definition"));
  ASSERT_NE(def, nullptr);
  EXPECT_TRUE(def->run_query);
  EXPECT_TRUE(def->captures.empty());

  const QueryPlan::NodePlan* comment = set.plan().at(first_of_type(root, "comment"));
  ASSERT_NE(comment, nullptr);
  EXPECT_FALSE(comment->run_query);
  ASSERT_EQ(comment->captures.size(), 2u) << "@doc (pattern 1) and @fold.comment (pattern 2)";
  EXPECT_EQ(comment->captures[0].pattern, 1u);
  EXPECT_EQ(comment->captures[1].pattern, 2u);

  const QueryPlan::NodePlan* block = set.plan().at(first_of_type(root, "block"));
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(block->captures.size(), 1u);

  const QueryPlan::NodePlan* string = set.plan().at(first_of_type(root, "string"));
  ASSERT_NE(string, nullptr);
  EXPECT_TRUE(string->run_query) << "a predicate makes the pattern structured";

  EXPECT_EQ(set.plan().at(first_of_type(root, "identifier")), nullptr);
  EXPECT_EQ(set.plan().at(root), nullptr);
}

TEST(QueryPlan, UnplannablePatternsFallBackToTheFullWalkWithTheSameAnswer) {
  // A wildcard root and a sibling sequence cannot be planned; the answer must not change.
  for (const char* extra : {"(_) @_any\n", "((comment) @doc . (function_definition))\n"}) {
    LanguageRegistry registry = LanguageRegistry::with_builtins();
    const Language& builtin = *registry.find("python");
    QuerySource chunks = builtin.spec().chunks_query;
    chunks.text += extra;
    QuerySource folds = builtin.spec().folds_query;
    registry.set_queries("python", chunks, folds);
    const Language& python_lang = *registry.find("python");
    EXPECT_FALSE(python_lang.queries().plan().usable()) << extra;
    const std::string text = "# doc\ndef f(a):\n    return [\n        a,\n    ]\n";
    Chunker planned(Chunker::Walk::kPlanned);
    Chunker full(Chunker::Walk::kFullQuery);
    const auto a = planned.chunk(python_lang, text);
    const auto b = full.chunk(python_lang, text);
    EXPECT_EQ(a.chunks, b.chunks);
    EXPECT_EQ(a.folds, b.folds);
    ASSERT_EQ(a.chunks.size(), 1u);
    EXPECT_EQ(a.chunks[0].range.start.row, 0u) << "the doc comment still attaches";
  }
}

}  // namespace
}  // namespace chunkls
