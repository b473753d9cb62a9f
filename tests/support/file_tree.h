// Trees on disk for the tests that walk or index them: files written with their
// directories, real git repositories (git's ignore rules apply only inside one), and
// stamps made old. Usually under a TempDir (temp_dir.h).
//
// Free functions on paths; a tree is built by one thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace chunkls::testing {

// Writes `content` to `path` (replacing what was there), creating its directories.
inline void write_file(const std::filesystem::path& path, std::string_view content = {}) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// Makes `dir` (created if need be) a git repository.
inline void git_init(const std::filesystem::path& dir) {
  const std::string command = "git init -q '" + dir.string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

// Stamps from the last two seconds are never trusted (git's racily-clean rule): an old
// stamp lets a restart trust the file.
inline void age_file(const std::filesystem::path& file) {
  std::filesystem::last_write_time(
      file, std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
}

// age_file() on every regular file below `root`.
inline void age_tree(const std::filesystem::path& root) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) age_file(entry.path());
  }
}

}  // namespace chunkls::testing
