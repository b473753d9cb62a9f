// Shards (engine/index/shard.h): the partition puts every path in exactly one shard,
// the same on every machine; `--shard` values and the schedulers' variables; and a
// walk with a shard yields that shard's files only, the shards of one tree together
// yielding each file once.
#include "engine/index/shard.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/index/workspace_walk.h"
#include "tests/support/temp_dir.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;

TEST(Shard, EveryPathIsInExactlyOneShardAndTheShardsAreEven) {
  for (const std::uint32_t count : {1U, 2U, 3U, 4U, 7U, 64U}) {
    std::map<std::uint32_t, int> sizes;
    for (int i = 0; i < 4000; ++i) {
      const std::string path =
          "src/dir" + std::to_string(i % 37) + "/file" + std::to_string(i) + ".py";
      int owners = 0;
      for (std::uint32_t k = 0; k < count; ++k)
        owners += in_shard(path, {k, count}) ? 1 : 0;
      EXPECT_EQ(owners, 1) << path << " of " << count;
      ++sizes[shard_of(path, count)];
    }
    for (const auto& [k, size] : sizes)
      EXPECT_NEAR(size, 4000.0 / count, 4000.0 / count * 0.25 + 10) << k << " of " << count;
  }
}

// xxh3_64 is the same on every machine and build: a path's shard is part of the format
// shard stores record, so it is pinned here.
TEST(Shard, APathsShardIsFixed) {
  EXPECT_EQ(shard_of("Lib/os.py", 4), 3U);
  EXPECT_EQ(shard_of("", 4), shard_of("", 4));
  EXPECT_EQ(shard_of("anything", 1), 0U);
  EXPECT_EQ(to_string(Shard{2, 5}), "2/5");
}

const char* unset(const char*) {
  return nullptr;
}

EnvironmentLookup environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const char* name) -> const char* {
    const auto it = values.find(name);
    return it == values.end() ? nullptr : it->second.c_str();
  };
}

std::string error_of(std::string_view text, const EnvironmentLookup& lookup) {
  try {
    parse_shard(text, lookup);
  } catch (const ShardError& e) {
    return e.what();
  }
  return "";
}

TEST(Shard, KOverNIsParsedAndChecked) {
  EXPECT_EQ(parse_shard("0/4", unset), (Shard{0, 4}));
  EXPECT_EQ(parse_shard("3/4", unset), (Shard{3, 4}));
  EXPECT_EQ(parse_shard("0/1", unset), (Shard{0, 1}));
  EXPECT_NE(error_of("4/4", unset).find("shard 4 of 4 does not exist (shards are 0 to 3)"),
            std::string::npos);
  EXPECT_NE(error_of("1/0", unset).find("at least 1"), std::string::npos);
  for (const char* bad :
       {"", "1", "1/", "/4", "a/4", "1/b", "-1/4", "1/4/2", "1 /4", "99999999999/4"})
    EXPECT_NE(error_of(bad, unset).find("expected K/N"), std::string::npos) << bad;
}

TEST(Shard, AutoReadsSlurmKubernetesAndGnuParallel) {
  // A Slurm array --array=5-9:2 is tasks 5, 7, 9: task 7 is shard 1 of 3.
  EXPECT_EQ(parse_shard("auto", environment({{"SLURM_ARRAY_TASK_ID", "7"},
                                             {"SLURM_ARRAY_TASK_MIN", "5"},
                                             {"SLURM_ARRAY_TASK_STEP", "2"},
                                             {"SLURM_ARRAY_TASK_COUNT", "3"}})),
            (Shard{1, 3}));
  EXPECT_EQ(parse_shard("auto", environment({{"SLURM_ARRAY_TASK_ID", "2"},
                                             {"SLURM_ARRAY_TASK_COUNT", "4"}})),
            (Shard{2, 4}));
  EXPECT_NE(error_of("auto", environment({{"SLURM_ARRAY_TASK_ID", "6"},
                                          {"SLURM_ARRAY_TASK_MIN", "5"},
                                          {"SLURM_ARRAY_TASK_STEP", "2"},
                                          {"SLURM_ARRAY_TASK_COUNT", "3"}}))
                .find("not in the array's range"),
            std::string::npos);
  EXPECT_NE(error_of("auto", environment({{"SLURM_ARRAY_TASK_ID", "2"}}))
                .find("SLURM_ARRAY_TASK_COUNT is not set"),
            std::string::npos);
  EXPECT_EQ(parse_shard("auto",
                        environment({{"JOB_COMPLETION_INDEX", "3"}, {"CHUNKLS_SHARD_COUNT", "8"}})),
            (Shard{3, 8}));
  EXPECT_NE(error_of("auto", environment({{"JOB_COMPLETION_INDEX", "3"}}))
                .find("CHUNKLS_SHARD_COUNT is not set (set it to the Indexed Job's completions)"),
            std::string::npos);
  EXPECT_EQ(parse_shard("auto", environment({{"PARALLEL_SEQ", "1"}, {"CHUNKLS_SHARD_COUNT", "2"}})),
            (Shard{0, 2}));
  EXPECT_EQ(parse_shard("auto",
                        environment({{"CHUNKLS_SHARD_INDEX", "1"}, {"CHUNKLS_SHARD_COUNT", "2"}})),
            (Shard{1, 2}));
  EXPECT_NE(
      error_of("auto", environment({{"JOB_COMPLETION_INDEX", "x"}, {"CHUNKLS_SHARD_COUNT", "2"}}))
          .find("JOB_COMPLETION_INDEX=x is not a number"),
      std::string::npos);
  EXPECT_NE(error_of("auto", unset).find("no scheduler's task index is set"), std::string::npos);
}

TEST(Shard, TheShardsOfAWalkYieldEachFileOnceAndReportNoOtherShardsFiles) {
  testing::TempDir tree("shard-walk");
  for (int i = 0; i < 60; ++i)
    tree.write("d" + std::to_string(i % 5) + "/f" + std::to_string(i) + ".py", "x = 1\n");
  tree.write("big.py", std::string(2000, 'x'));
  const auto walk = [&](Shard shard, std::vector<std::string>& files, std::size_t& skips) {
    WalkOptions options;
    options.trusted_root = true;
    options.max_file_bytes = 1000;
    options.shard = shard;
    WorkspaceWalk(tree.path(), options)
        .run(
            [&](WalkedFile&& f) {
              files.push_back(f.relative);
              return true;
            },
            [&](WalkSkip&& s) {
              if (!s.directory) ++skips;
              return true;
            });
  };
  std::vector<std::string> whole;
  std::size_t whole_skips = 0;
  walk({0, 1}, whole, whole_skips);
  ASSERT_EQ(whole.size(), 60U);
  ASSERT_EQ(whole_skips, 1U) << "big.py, too large";
  std::multiset<std::string> together;
  std::size_t skips_together = 0;
  for (std::uint32_t k = 0; k < 3; ++k) {
    std::vector<std::string> files;
    walk({k, 3}, files, skips_together);
    EXPECT_FALSE(files.empty());
    for (const std::string& f : files) {
      EXPECT_TRUE(in_shard(f, {k, 3})) << f;
      together.insert(f);
    }
  }
  const std::set<std::string> each(whole.begin(), whole.end());
  EXPECT_EQ(std::vector<std::string>(together.begin(), together.end()),
            std::vector<std::string>(each.begin(), each.end()));
  EXPECT_EQ(skips_together, 1U) << "a file another shard takes is not reported as skipped";
}

}  // namespace
}  // namespace chunkls
