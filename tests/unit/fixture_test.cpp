// Golden outlines: for each tests/fixtures/<language>/<file> with a <file>.expected next
// to it, the text outline (chunks and folds, as `chunkls chunk --folds` prints it) must
// equal the expected file. The expected files were checked by hand against the sources.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "server/cli/chunk_output.h"
#include "test_support.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(CHUNKLS_SOURCE_DIR) / "tests" / "fixtures";

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> fixture_files() {
  std::vector<fs::path> out;
  for (const auto& dir : fs::directory_iterator(kFixtures)) {
    if (!dir.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(dir.path())) {
      if (f.path().extension() == ".expected") continue;
      if (fs::exists(f.path().string() + ".expected")) out.push_back(f.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string outline(const fs::path& file) {
  const std::string text = read_file(file);
  const Language* language = testing::builtin_registry().detect(
      {.language_id = {}, .path = file.string(), .content = text});
  if (!language) return "<no language>";
  Chunker chunker;
  const ChunkedText chunked = chunker.chunk(*language, text, file.filename().string());
  std::ostringstream out;
  ChunkOutput output(out, OutputFormat::kText, false, true);
  output.begin();
  output.file({file.filename().string(), language->name(), text, &chunked.chunks, &chunked.folds});
  output.end();
  return out.str();
}

class FixtureTest : public ::testing::TestWithParam<fs::path> {};

TEST_P(FixtureTest, OutlineMatchesExpected) {
  const fs::path& file = GetParam();
  const std::string expected = read_file(file.string() + ".expected");
  const std::string actual = outline(file);
  if (actual == expected) return;
  std::istringstream e(expected), a(actual);
  std::string el, al;
  int line = 1;
  while (true) {
    const bool he = static_cast<bool>(std::getline(e, el));
    const bool ha = static_cast<bool>(std::getline(a, al));
    if (!he && !ha) break;
    if (!he || !ha || el != al) {
      ADD_FAILURE() << file << ": first difference at outline line " << line
                    << "\n  expected: " << (he ? el : "<end>")
                    << "\n  actual:   " << (ha ? al : "<end>")
                    << "\n(to review: build/chunkls chunk --folds " << file.filename().string()
                    << ")";
      return;
    }
    ++line;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureTest, ::testing::ValuesIn(fixture_files()),
                         [](const ::testing::TestParamInfo<fs::path>& param) {
                           std::string name = param.param.parent_path().filename().string() + "_" +
                                              param.param.filename().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(Fixtures, EveryBuiltinLanguageHasAGoldenFixture) {
  std::set<std::string> covered;
  for (const fs::path& f : fixture_files())
    covered.insert(f.parent_path().filename().string());
  for (const Language* l : testing::builtin_registry().languages()) {
    EXPECT_TRUE(covered.contains(l->name())) << "no golden fixture for " << l->name();
  }
}

}  // namespace
}  // namespace chunkls
