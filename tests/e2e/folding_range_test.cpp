// textDocument/foldingRange: the chunker's folds as LSP folding ranges, and how the
// client's capabilities shape them: rangeLimit, lineFoldingOnly (closers stay visible,
// single-line results dropped), the foldingRangeKind value set, collapsedText.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "lsp_test_support.h"
#include "tests/cli/subprocess.h"

namespace chunkls::e2e {
namespace {

namespace fs = std::filesystem;

Json folds_of(const std::string& uri, const std::string& language_id, const std::string& text,
              const ClientOptions& options = {}) {
  LspClient client = start_initialized(options);
  open_document(client, uri, language_id, text);
  return folding_ranges(client, uri);
}

// "start-end:kind" per fold, sorted by start line (kind empty for plain blocks).
std::vector<std::string> describe(const Json& folds) {
  std::vector<std::pair<int, std::string>> rows;
  for (const Json& f : folds) {
    rows.emplace_back(f["startLine"].get<int>(), std::to_string(f["startLine"].get<int>()) + "-" +
                                                     std::to_string(f["endLine"].get<int>()) + ":" +
                                                     f.value("kind", ""));
  }
  std::sort(rows.begin(), rows.end());
  std::vector<std::string> out;
  for (auto& row : rows)
    out.push_back(std::move(row.second));
  return out;
}

std::string python_fixture() {
  return read_text_file(kSourceDir / "tests/fixtures/python/sample.py");
}

constexpr const char* kCpp = R"(namespace app {
struct Point {
  int x;
};
class Widget {
 public:
  void draw() {
    return;
  }
};
int helper(int x) {
  return x;
}
}  // namespace app
void nothing() {
}
)";

TEST(FoldingRange, PythonImportsCommentsAndBlocks) {
  const Json folds = folds_of("file:///a.py", "python", R"(import os
import sys


# first comment
# second comment
class Greeter:
    def hello(self):
        return 1


def main():
    pass
)");
  EXPECT_EQ(describe(folds),
            (std::vector<std::string>{"0-1:imports", "4-5:comment", "6-8:", "7-8:", "11-12:"}));
}

TEST(FoldingRange, PythonRegionMarkers) {
  const Json folds = folds_of("file:///fixture.py", "python", python_fixture());
  const auto rows = describe(folds);
  for (const char* expected : {"3-7:imports", "16-19:region", "22-23:comment", "0-1:"}) {
    EXPECT_NE(std::find(rows.begin(), rows.end(), expected), rows.end())
        << expected << " missing from " << folds.dump();
  }
}

TEST(FoldingRange, BraceBlocksEndOnTheClosingLineByDefault) {
  const Json folds = folds_of("file:///a.cpp", "cpp", kCpp);
  EXPECT_EQ(describe(folds),
            (std::vector<std::string>{"0-13:", "1-3:", "4-9:", "6-8:", "10-12:", "14-15:"}));
}

TEST(FoldingRange, LineFoldingOnlyKeepsClosersVisibleAndDropsSingleLines) {
  ClientOptions options;
  options.line_folding_only = true;
  const Json folds = folds_of("file:///a.cpp", "cpp", kCpp, options);
  // `void nothing() {\n}` would fold nothing once its `}` stays visible: dropped.
  EXPECT_EQ(describe(folds), (std::vector<std::string>{"0-12:", "1-2:", "4-8:", "6-7:", "10-11:"}));
  for (const Json& f : folds) {
    EXPECT_FALSE(f.contains("startCharacter")) << f.dump();
    EXPECT_FALSE(f.contains("endCharacter")) << f.dump();
  }
}

TEST(FoldingRange, LineFoldingOnlyLeavesIndentedBlocksAlone) {
  ClientOptions options;
  options.line_folding_only = true;
  const Json folds =
      folds_of("file:///b.py", "python", "def f():\n    x = 1\n    return x\n", options);
  EXPECT_EQ(describe(folds), std::vector<std::string>{"0-2:"});
}

TEST(FoldingRange, CharactersGivenWithoutLineFoldingOnly) {
  const Json folds = folds_of("file:///a.cpp", "cpp", "int f() {\n  return 1;\n}\n");
  ASSERT_EQ(folds.size(), 1u) << folds.dump();
  EXPECT_EQ(folds[0]["startLine"], 0);
  EXPECT_EQ(folds[0]["endLine"], 2);
  EXPECT_EQ(folds[0]["startCharacter"], 0) << folds.dump();
  EXPECT_EQ(folds[0]["endCharacter"], 1) << folds.dump();
}

TEST(FoldingRange, RangeLimitCapsTheCount) {
  ClientOptions options;
  options.folding_range_limit = 3;
  const Json folds = folds_of("file:///fixture.py", "python", python_fixture(), options);
  EXPECT_LE(folds.size(), 3u) << folds.dump();
  EXPECT_GE(folds.size(), 1u);
}

TEST(FoldingRange, KindsOutsideTheValueSetAreOmittedButTheFoldStays) {
  ClientOptions options;
  options.folding_kinds = std::vector<std::string>{"comment"};
  const Json folds = folds_of("file:///fixture.py", "python", python_fixture(), options);
  const auto rows = describe(folds);
  for (const char* expected : {"3-7:", "16-19:", "22-23:comment"}) {
    EXPECT_NE(std::find(rows.begin(), rows.end(), expected), rows.end())
        << expected << " missing from " << folds.dump();
  }
  EXPECT_EQ(rows.size(), describe(folds_of("file:///f.py", "python", python_fixture())).size());
}

TEST(FoldingRange, CollapsedTextOnlyWhenTheClientSupportsIt) {
  for (const Json& f : folds_of("file:///fixture.py", "python", python_fixture())) {
    EXPECT_FALSE(f.contains("collapsedText")) << f.dump();
  }
  ClientOptions options;
  options.collapsed_text = true;
  const Json folds = folds_of("file:///fixture.py", "python", python_fixture(), options);
  int with_text = 0;
  for (const Json& f : folds) {
    if (!f.contains("collapsedText")) continue;
    EXPECT_TRUE(f["collapsedText"].is_string()) << f.dump();
    EXPECT_FALSE(f["collapsedText"].get<std::string>().empty()) << f.dump();
    ++with_text;
  }
  EXPECT_GT(with_text, 0) << folds.dump();
}

// --- every fixture ---------------------------------------------------------------

class FixtureFolds : public ::testing::TestWithParam<FixtureFile> {};

TEST_P(FixtureFolds, OneFoldPerStartLineAndTheChunkersLines) {
  const fs::path file = GetParam().path();
  const auto cli =
      chunkls::testing::run_process({kBinary, "chunk", "--format", "json", "--folds", "--language",
                                     GetParam().language_id, file.string()});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  std::vector<std::string> expected;
  const Json document = Json::parse(cli.out);
  for (const Json& f : document["files"][0]["folds"]) {
    const std::string kind = f["kind"] == "block" ? "" : f["kind"].get<std::string>();
    expected.push_back(std::to_string(f["start_line"].get<int>()) + "-" +
                       std::to_string(f["end_line"].get<int>()) + ":" + kind);
  }
  const Json folds = folds_of(file_uri(file), GetParam().language_id, read_text_file(file));
  std::set<int> starts;
  for (const Json& f : folds) {
    EXPECT_TRUE(starts.insert(f["startLine"].get<int>()).second) << "shared start: " << f.dump();
    EXPECT_LT(f["startLine"].get<int>(), f["endLine"].get<int>()) << f.dump();
  }
  EXPECT_EQ(describe(folds), expected);

  ClientOptions line_only;
  line_only.line_folding_only = true;
  starts.clear();
  for (const Json& f :
       folds_of(file_uri(file), GetParam().language_id, read_text_file(file), line_only)) {
    EXPECT_TRUE(starts.insert(f["startLine"].get<int>()).second) << "shared start: " << f.dump();
    EXPECT_LT(f["startLine"].get<int>(), f["endLine"].get<int>()) << f.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(FoldingRange, FixtureFolds, ::testing::ValuesIn(fixture_files()),
                         [](const auto& test) { return test.param.name(); });

}  // namespace
}  // namespace chunkls::e2e
