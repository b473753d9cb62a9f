// GitWorkTree: the git work tree a workspace root lies in, as libgit2 finds it, and what
// git's configuration says about ignoring there: core.ignoreCase, and the ignore files git
// reads besides the .gitignore files (core.excludesFile, by default "ignore" in the XDG
// configuration directory; $GIT_COMMON_DIR/info/exclude). Where those files lie is where
// git's subtleties are, so libgit2 answers it; reading and matching the files is ours
// (ignore_rule_file.h), see ignore_rules.cpp for why.
//
// Part of IgnoreRules (ignore_rules.h), which owns one. Holds a reference on libgit2's
// global state (a LibGit2Hold) and the repository handle while it lives. Not
// thread-safe: one thread at a time.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

struct git_repository;

namespace chunkls::ignore {

// One reference on libgit2's global state (git_libgit2_init/shutdown). The last one's
// shutdown frees only the calling thread's libgit2 state (its last error) and deletes
// the thread-local key: another thread that used libgit2 and outlives it leaks its state
// (LeakSanitizer saw it). So whatever runs threads that read ignore rules (the
// WorkspaceIndexer) keeps a hold until they are joined.
class LibGit2Hold {
 public:
  LibGit2Hold();
  ~LibGit2Hold();
  LibGit2Hold(const LibGit2Hold&) = delete;
  LibGit2Hold& operator=(const LibGit2Hold&) = delete;
};

class GitWorkTree {
  struct Made {  // only find() makes one (a constructor callable by make_unique)
    explicit Made() = default;
  };

 public:
  // The work tree around `root`; null when there is none (outside any repository, or in a
  // bare one, where git applies no rules) or when libgit2 fails (`problems` says why).
  static std::unique_ptr<GitWorkTree> find(const std::filesystem::path& root,
                                           std::vector<std::string>& problems);
  explicit GitWorkTree(Made);
  ~GitWorkTree();
  GitWorkTree(const GitWorkTree&) = delete;
  GitWorkTree& operator=(const GitWorkTree&) = delete;

  // The top level, canonical.
  const std::filesystem::path& top() const { return top_; }
  // The root relative to top(): "" or "sub/dir/".
  const std::string& prefix() const { return prefix_; }

  struct IgnoreConfiguration {
    bool ignore_case = false;  // core.ignoreCase
    // The global excludes file, then info/exclude: the later one wins.
    std::vector<std::filesystem::path> exclude_files;
  };
  // Nothing when the configuration cannot be read (`problems` says why).
  IgnoreConfiguration ignore_configuration(std::vector<std::string>& problems) const;

 private:
  struct RepositoryFree {
    void operator()(git_repository* repo) const;
  };
  LibGit2Hold libgit2_;  // first: released after the repository
  std::unique_ptr<git_repository, RepositoryFree> repo_;
  std::filesystem::path top_;
  std::string prefix_;
};

}  // namespace chunkls::ignore
