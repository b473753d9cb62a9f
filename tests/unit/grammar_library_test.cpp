// Extra languages at run time: a grammar shared library built by the test suite
// (tree-sitter-json renamed "jsonx") plus a directory of our queries.
#include "engine/syntax/grammar_library.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_support.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;

const fs::path kJsonxQueries = fs::path(CHUNKLS_SOURCE_DIR) / "tests/fixtures/queries/jsonx";

LanguageSpec jsonx_spec() {
  LanguageSpec spec;
  spec.name = "jsonx";
  spec.extensions = {".jsonx"};
  return spec;
}

TEST(GrammarLibrary, LoadsAGrammarAndChunksWithItsQueries) {
  LanguageRegistry registry = LanguageRegistry::with_builtins();
  const Language& jsonx =
      registry.add_from_library(jsonx_spec(), CHUNKLS_JSONX_GRAMMAR, kJsonxQueries);
  EXPECT_EQ(registry.detect({.language_id = {}, .path = "data.jsonx", .content = {}}), &jsonx);
  EXPECT_EQ(registry.find("jsonx"), &jsonx) << "the name is also a languageId";
  Chunker chunker;
  const auto out = chunker.chunk(jsonx, "{\n  \"outer\": {\n    \"inner\": [1,\n 2]\n  }\n}\n");
  ASSERT_EQ(out.chunks.size(), 2u);
  EXPECT_EQ(qualified_name(out.chunks, 0), "outer");
  EXPECT_EQ(qualified_name(out.chunks, 1), "outer.inner");
  EXPECT_EQ(out.chunks[1].kind, ChunkKind::kKey);
  ASSERT_FALSE(out.folds.empty());
  EXPECT_EQ(out.folds[0].start_row, 0u);
}

TEST(GrammarLibrary, MissingFileIsAClearError) {
  try {
    GrammarLibrary::load("/nonexistent/libnothing.so", "nothing");
    FAIL() << "expected an error";
  } catch (const GrammarLoadError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot load grammar library /nonexistent/libnothing.so"),
              std::string::npos)
        << e.what();
  }
}

TEST(GrammarLibrary, MissingEntryPointNamesTheSymbol) {
  try {
    GrammarLibrary::load(CHUNKLS_JSONX_GRAMMAR, "yaml");
    FAIL() << "expected an error";
  } catch (const GrammarLoadError& e) {
    EXPECT_NE(std::string(e.what()).find("no entry point tree_sitter_yaml()"), std::string::npos)
        << e.what();
  }
}

TEST(GrammarLibrary, AbiVersionOutOfRangeIsRefusedWithTheSupportedRange) {
  try {
    GrammarLibrary::load(CHUNKLS_OLD_ABI_GRAMMAR, "old-abi");
    FAIL() << "expected an error";
  } catch (const GrammarLoadError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("ABI version 9"), std::string::npos) << what;
    EXPECT_NE(what.find(std::to_string(TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION) + " to " +
                        std::to_string(TREE_SITTER_LANGUAGE_VERSION)),
              std::string::npos)
        << what;
  }
}

TEST(GrammarLibrary, SymbolNameUsesUnderscores) {
  EXPECT_EQ(grammar_symbol("old-abi"), "tree_sitter_old_abi");
  EXPECT_EQ(grammar_symbol("python"), "tree_sitter_python");
}

TEST(GrammarLibrary, MissingQueryDirectoryIsAnError) {
  LanguageRegistry registry;
  EXPECT_THROW(
      registry.add_from_library(jsonx_spec(), CHUNKLS_JSONX_GRAMMAR, "/nonexistent/queries"),
      std::runtime_error);
}

TEST(GrammarLibrary, ABrokenUserQueryReportsItsFile) {
  const fs::path dir = fs::temp_directory_path() / "chunkls-broken-query";
  fs::create_directories(dir);
  {
    std::ofstream(dir / "chunks.scm")
        << "(pair key: (string) @name) @chunk.key\n(nonsense) @chunk.key\n";
  }
  LanguageRegistry registry;
  const Language& jsonx = registry.add_from_library(jsonx_spec(), CHUNKLS_JSONX_GRAMMAR, dir);
  try {
    (void)jsonx.queries();
    FAIL() << "expected a compile error";
  } catch (const QueryCompileError& e) {
    EXPECT_EQ(e.file(), (dir / "chunks.scm").string());
    EXPECT_EQ(e.line(), 2u);
    EXPECT_EQ(e.kind(), "unknown node type");
  }
  const auto failures = registry.warm_up();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].language, "jsonx");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace chunkls
