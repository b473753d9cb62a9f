// The planned walk (tree cursor + query only where patterns are rooted) must give exactly
// what the reference walk (the query cursor over the whole tree) gives: same chunks in the
// same order, same folds. Checked on every fixture and on real code nobody here wrote.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "engine/text/source_file.h"
#include "test_support.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;

// Real files per language: fixtures, the tree-sitter sources and .d.ts/.js in
// node_modules, C headers, the Python standard library (a sample), shell scripts.
std::vector<fs::path> corpus() {
  std::vector<fs::path> out;
  const fs::path source = CHUNKLS_SOURCE_DIR;
  auto add_tree = [&](const fs::path& dir, std::size_t limit) {
    if (!fs::is_directory(dir)) return;
    std::size_t n = 0;
    for (auto it =
             fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied);
         it != fs::recursive_directory_iterator() && n < limit; ++it) {
      if (!it->is_regular_file() || it->file_size() > (256u << 10)) continue;
      if (it->path().filename() == "parser.c") continue;  // generated tables: slow, not code
      if (testing::builtin_registry().detect(
              {.language_id = {}, .path = it->path().string(), .content = {}})) {
        out.push_back(it->path());
        ++n;
      }
    }
  };
  add_tree(source / "tests/fixtures", 1000);
  add_tree(source / "node_modules", 400);
  add_tree("/usr/include/x86_64-linux-gnu/sys", 60);
  add_tree("/usr/include/c++/12/bits", 40);
  add_tree("/usr/lib/node_modules/npm/lib", 100);
  const fs::path stdlib = CHUNKLS_PYTHON_STDLIB;  // asked once by CMake (tests/CMakeLists.txt)
  add_tree(stdlib / "email", 200);
  add_tree(stdlib / "asyncio", 200);
  return out;
}

TEST(WalkEquivalence, PlannedWalkEqualsTheFullQueryWalk) {
  Chunker planned(Chunker::Walk::kPlanned);
  Chunker full(Chunker::Walk::kFullQuery);
  std::map<std::string, int> per_language;
  for (const fs::path& file : corpus()) {
    SourceRead source = read_source(file, 0);
    if (!source) continue;
    const Language* language = testing::builtin_registry().detect(
        {.language_id = {}, .path = file.string(), .content = source.bytes});
    ASSERT_NE(language, nullptr) << file;
    const ChunkedText a = planned.chunk(*language, source.bytes, file.string());
    const ChunkedText b = full.chunk(*language, source.bytes, file.string());
    ASSERT_EQ(a.chunks.size(), b.chunks.size()) << file;
    for (std::size_t i = 0; i < a.chunks.size(); ++i) {
      ASSERT_EQ(a.chunks[i], b.chunks[i])
          << file << ": chunk " << i << " " << qualified_name(b.chunks, i);
    }
    ASSERT_EQ(a.folds, b.folds) << file;
    ++per_language[language->name()];
  }
  for (const auto& [name, count] : per_language)
    std::cout << name << ": " << count << " files\n";
  EXPECT_GE(per_language.size(), 12u) << "every language is compared on at least its fixture";
}

}  // namespace
}  // namespace chunkls
