// IgnoreRules against the oracle nobody here wrote: `git check-ignore --no-index` on the
// same trees (hand-written and random), plus the user's exclude globs.
#include "engine/index/ignore/ignore_rules.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/support/file_tree.h"
#include "tests/support/temp_dir.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;

using testing::TempDir;
using testing::write_file;

// Sets (or unsets) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = ::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string quote(const std::string& s) {
  std::string quoted = "'";
  for (const char c : s) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

// Runs a shell command, returns its standard output; fails the test on a bad exit.
std::string run(const std::string& command, std::initializer_list<int> ok_exits = {0}) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return {};
  }
  std::string out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    out.append(buffer, n);
  const int status = ::pclose(pipe);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (std::find(ok_exits.begin(), ok_exits.end(), code) == ok_exits.end()) {
    ADD_FAILURE() << command << " exited with " << code;
  }
  return out;
}

void git(const fs::path& repo, const std::string& args) {
  run("git -C " + quote(repo.string()) + " " + args + " >/dev/null 2>&1");
}

struct Entry {
  std::string relative;
  bool directory;
};

// Every path below `root` (not inside .git), as the walk would name it.
std::vector<Entry> all_paths(const fs::path& root) {
  std::vector<Entry> entries;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    entries.push_back({it->path().lexically_relative(root).generic_string(),
                       it->is_directory() && !it->is_symlink()});
  }
  return entries;
}

// git's verdict on each path, from one `git check-ignore` run in `cwd`.
std::map<std::string, bool> git_verdicts(const fs::path& cwd, const std::vector<Entry>& entries,
                                         const fs::path& scratch) {
  std::string input;
  for (const Entry& e : entries)
    input += e.relative + '\0';
  const fs::path list = scratch / "check-ignore-input";
  write_file(list, input);
  const std::string out =
      run("git -C " + quote(cwd.string()) + " check-ignore --no-index -v -n -z --stdin < " +
              quote(list.string()),
          {0, 1});
  // -z -v -n: source NUL line NUL pattern NUL path NUL, empty fields when nothing matched.
  std::vector<std::string> fields;
  for (std::size_t start = 0; start < out.size();) {
    const std::size_t nul = out.find('\0', start);
    if (nul == std::string::npos) break;
    fields.push_back(out.substr(start, nul - start));
    start = nul + 1;
  }
  std::map<std::string, bool> verdicts;
  for (std::size_t i = 0; i + 3 < fields.size(); i += 4) {
    verdicts[fields[i + 3]] = !fields[i].empty() && !fields[i + 2].starts_with('!');
  }
  EXPECT_EQ(verdicts.size(), entries.size()) << "git check-ignore answered for every path";
  return verdicts;
}

// Compares git_ignored() with git for every path below `root`; returns the mismatches.
std::vector<std::string> mismatches_with_git(const fs::path& root, const fs::path& scratch,
                                             const std::vector<std::string>& globs = {}) {
  const std::vector<Entry> entries = all_paths(root);
  const std::map<std::string, bool> expected = git_verdicts(root, entries, scratch);
  const IgnoreRules rules = IgnoreRules::open(root, globs);
  EXPECT_TRUE(rules.in_repository());
  EXPECT_EQ(rules.problems(), "");
  std::vector<std::string> wrong;
  for (const Entry& e : entries) {
    const auto it = expected.find(e.relative);
    if (it == expected.end()) continue;
    const bool ours = rules.git_ignored(e.relative, e.directory);
    if (ours != it->second) {
      wrong.push_back(e.relative + (e.directory ? "/" : "") + ": git says " +
                      (it->second ? "ignored" : "not ignored"));
    }
  }
  return wrong;
}

std::string describe(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines)
    text += "  " + line + "\n";
  return text;
}

// Every test runs with HOME in its own scratch directory and XDG_CONFIG_HOME unset, so
// the user's global git configuration plays no part (libgit2 reads them when it starts,
// and every IgnoreRules of a test is gone before the next one starts). The system one,
// /etc/gitconfig, is read by git and libgit2 alike.
class IgnoreRulesTest : public ::testing::Test {
 protected:
  IgnoreRulesTest()
      : home_env_("HOME", (scratch_.path() / "home").string()),
        xdg_env_("XDG_CONFIG_HOME", std::nullopt) {
    fs::create_directories(scratch_.path() / "home");
  }

  fs::path make_repo(const std::string& name) {
    const fs::path repo = scratch_.path() / name;
    fs::create_directories(repo);
    git(repo, "init -q");
    return repo;
  }
  const fs::path& scratch() const { return scratch_.path(); }

 private:
  TempDir scratch_{"chunkls-ignore"};
  ScopedEnv home_env_;
  ScopedEnv xdg_env_;
};

TEST_F(IgnoreRulesTest, OutsideAnyRepositoryThereAreNoGitRules) {
  const fs::path root = scratch() / "plain";
  write_file(root / ".gitignore", "*.log\n");
  write_file(root / "a.log", "");
  const IgnoreRules rules = IgnoreRules::open(root, {});
  EXPECT_FALSE(rules.in_repository());
  EXPECT_FALSE(rules.git_ignored("a.log", false));
  EXPECT_EQ(rules.problems(), "");
}

TEST_F(IgnoreRulesTest, ABareRepositoryHasNoRules) {
  const fs::path bare = scratch() / "bare.git";
  run("git init -q --bare " + quote(bare.string()));
  write_file(bare / "info" / "exclude", "*\n");
  for (const fs::path& root : {bare, bare / "info"}) {
    const IgnoreRules rules = IgnoreRules::open(root, {});
    EXPECT_FALSE(rules.in_repository()) << root;
    EXPECT_FALSE(rules.git_ignored("exclude", false)) << root;
  }
}

TEST_F(IgnoreRulesTest, HandWrittenTreeMatchesGitCheckIgnore) {
  const fs::path repo = make_repo("repo");
  write_file(repo / ".gitignore",
             "# a comment, then rules of every kind\n"
             "*.log\n"
             "!keep.log\n"
             "build/\n"
             "!build/keep.log\n"
             "/top.txt\n"
             "**/gen/**\n"
             "docs/**/*.tmp\n"
             "*.[oa]\n"
             "[Tt]emp*\n"
             "\\#hash.txt\n"
             "\\!bang.txt\n"
             "trailing.txt   \n"
             "escaped-space\\ \n"
             "lib/**/deep.c\n"
             "cache\n"
             "!cache/\n"
             "[[:digit:]]*.dat\n");
  write_file(repo / "sub" / ".gitignore", "!important.log\n*.c\n!main.c\n/anchored.txt\nnested/\n");
  write_file(repo / "sub" / "deeper" / ".gitignore", "!*.c\n");
  write_file(repo / ".git" / "info" / "exclude", "*.secret\nexcluded-dir/\n");
  write_file(scratch() / "excludes", "*.bak\n!keep.bak\n");
  git(repo, "config core.excludesFile " + quote((scratch() / "excludes").string()));
  for (const char* file : {"a.log",
                           "keep.log",
                           "sub/a.log",
                           "sub/important.log",
                           "sub/x.c",
                           "sub/main.c",
                           "sub/deeper/y.c",
                           "sub/deeper/z.log",
                           "build/out.bin",
                           "build/keep.log",
                           "sub/build/x",
                           "top.txt",
                           "sub/top.txt",
                           "src/gen/x.c",
                           "gen/y.c",
                           "sub/gen",
                           "docs/a/b/c.tmp",
                           "docs/c.tmp",
                           "x.o",
                           "x.a",
                           "x.c",
                           "temp1",
                           "Temp2",
                           "tEmp3",
                           "#hash.txt",
                           "!bang.txt",
                           "trailing.txt",
                           "trailing.txt   ",
                           "escaped-space ",
                           "escaped-space",
                           "lib/a/b/deep.c",
                           "lib/deep.c",
                           "cache",
                           "sub/cache/f",
                           "x.secret",
                           "excluded-dir/f",
                           "a.bak",
                           "keep.bak",
                           "sub/anchored.txt",
                           "sub/q/anchored.txt",
                           "sub/nested/f",
                           "sub/q/nested/f",
                           "7.dat",
                           "x7.dat"}) {
    write_file(repo / file, "");
  }
  const std::vector<std::string> wrong = mismatches_with_git(repo, scratch());
  EXPECT_TRUE(wrong.empty()) << describe(wrong);

  const IgnoreRules rules = IgnoreRules::open(repo, {});
  EXPECT_TRUE(rules.git_ignored("build", true));
  EXPECT_TRUE(rules.git_ignored("build/keep.log", false))
      << "a negation cannot re-include a file below an ignored directory";
  EXPECT_FALSE(rules.git_ignored("keep.log", false));
  EXPECT_TRUE(rules.git_ignored("x.secret", false)) << "info/exclude";
  EXPECT_TRUE(rules.git_ignored("a.bak", false)) << "core.excludesFile";
  EXPECT_FALSE(rules.git_ignored("sub/main.c", false));
}

TEST_F(IgnoreRulesTest, DirectoryOnlyRulesNeedADirectory) {
  const fs::path repo = make_repo("repo");
  write_file(repo / ".gitignore", "build/\n");
  write_file(repo / "sub" / "build", "");  // a file
  write_file(repo / "out" / "build" / "x", "");
  const IgnoreRules rules = IgnoreRules::open(repo, {});
  EXPECT_TRUE(rules.git_ignored("out/build", true));
  EXPECT_TRUE(rules.git_ignored("out/build/", false)) << "a trailing '/' means a directory";
  EXPECT_TRUE(rules.git_ignored("out/build/x", false));
  EXPECT_FALSE(rules.git_ignored("sub/build", false));
  EXPECT_TRUE(rules.git_ignored("never/made/build", true)) << "the path need not exist";
  EXPECT_FALSE(rules.git_ignored("never/made/build", false));
  const std::vector<std::string> wrong = mismatches_with_git(repo, scratch());
  EXPECT_TRUE(wrong.empty()) << describe(wrong);
}

TEST_F(IgnoreRulesTest, ASymlinkedGitignoreIsNotRead) {
  // git (since 2.32) does not follow a per-directory .gitignore that is a symbolic link.
  const fs::path repo = make_repo("repo");
  write_file(scratch() / "rules", "*.c\n");
  write_file(repo / "sub" / "a.c", "");
  write_file(repo / "sub" / "b.h", "");
  fs::create_symlink(scratch() / "rules", repo / "sub" / ".gitignore");
  const IgnoreRules rules = IgnoreRules::open(repo, {});
  EXPECT_FALSE(rules.git_ignored("sub/a.c", false));
  const std::vector<std::string> wrong = mismatches_with_git(repo, scratch());
  EXPECT_TRUE(wrong.empty()) << describe(wrong);
}

TEST_F(IgnoreRulesTest, GitMetadataIsIgnored) {
  const fs::path repo = make_repo("repo");
  const IgnoreRules rules = IgnoreRules::open(repo, {});
  EXPECT_TRUE(rules.git_ignored(".git", true));
  EXPECT_TRUE(rules.git_ignored(".git/config", false));
  EXPECT_TRUE(rules.git_ignored("sub/.git", false)) << "a submodule's gitfile";
}

TEST_F(IgnoreRulesTest, GlobalExcludesFileFromHomeAndXdgConfigHome) {
  const fs::path repo = make_repo("repo");
  for (const char* file : {"a.xdg", "a.home", "a.cfg", "a.c"})
    write_file(repo / file, "");
  const fs::path home = scratch() / "home";
  {
    // No core.excludesFile: git reads $HOME/.config/git/ignore...
    write_file(home / ".config" / "git" / "ignore", "*.home\n");
    const IgnoreRules rules = IgnoreRules::open(repo, {});
    EXPECT_TRUE(rules.git_ignored("a.home", false));
    EXPECT_FALSE(rules.git_ignored("a.c", false));
    const std::vector<std::string> wrong = mismatches_with_git(repo, scratch());
    EXPECT_TRUE(wrong.empty()) << describe(wrong);
  }
  {
    // ... or $XDG_CONFIG_HOME/git/ignore when that is set.
    const ScopedEnv xdg("XDG_CONFIG_HOME", (scratch() / "xdg").string());
    write_file(scratch() / "xdg" / "git" / "ignore", "*.xdg\n");
    const IgnoreRules rules = IgnoreRules::open(repo, {});
    EXPECT_TRUE(rules.git_ignored("a.xdg", false));
    EXPECT_FALSE(rules.git_ignored("a.home", false));
    const std::vector<std::string> wrong = mismatches_with_git(repo, scratch());
    EXPECT_TRUE(wrong.empty()) << describe(wrong);
  }
  {
    // core.excludesFile in the global config, with "~/" for $HOME.
    write_file(home / ".gitconfig", "[core]\n\texcludesFile = ~/my-excludes\n");
    write_file(home / "my-excludes", "*.cfg\n");
    const IgnoreRules rules = IgnoreRules::open(repo, {});
    EXPECT_TRUE(rules.git_ignored("a.cfg", false));
    EXPECT_FALSE(rules.git_ignored("a.home", false)) << "the setting replaces the default file";
    const std::vector<std::string> wrong = mismatches_with_git(repo, scratch());
    EXPECT_TRUE(wrong.empty()) << describe(wrong);
  }
}

TEST_F(IgnoreRulesTest, RootBelowTheTopLevelGetsTheRulesAbove) {
  const fs::path repo = make_repo("repo");
  write_file(repo / ".gitignore", "*.tmp\n/project/anchored.txt\nproject/sub/*.o\n");
  write_file(repo / "project" / ".gitignore", "!keep.tmp\n");
  for (const char* file : {"project/a.tmp", "project/keep.tmp", "project/anchored.txt",
                           "project/sub/x.o", "project/sub/x.c", "project/sub/anchored.txt"}) {
    write_file(repo / file, "");
  }
  const fs::path root = repo / "project";
  const IgnoreRules rules = IgnoreRules::open(root, {});
  EXPECT_TRUE(rules.git_ignored("a.tmp", false));
  EXPECT_FALSE(rules.git_ignored("keep.tmp", false));
  EXPECT_TRUE(rules.git_ignored("anchored.txt", false));
  EXPECT_TRUE(rules.git_ignored("sub/x.o", false));
  EXPECT_FALSE(rules.git_ignored("sub/anchored.txt", false));
  const std::vector<std::string> wrong = mismatches_with_git(root, scratch());
  EXPECT_TRUE(wrong.empty()) << describe(wrong);
}

// Unlike git: a root its repository ignores was chosen on purpose (the Python standard
// library under ~/.pyenv/versions, which pyenv's repository ignores): walked as if it
// were outside the repository, with the user's globs only.
TEST_F(IgnoreRulesTest, ARootItsRepositoryIgnoresIsWalkedAsIfOutsideIt) {
  const fs::path repo = make_repo("repo");
  write_file(repo / ".gitignore", "vendor/\n*.c\n");
  write_file(repo / "vendor" / "pkg" / "a.c", "");
  write_file(repo / "vendor" / "pkg" / "src" / "b.c", "");
  const fs::path root = repo / "vendor" / "pkg";
  const IgnoreRules rules = IgnoreRules::open(root, {"src/"});
  EXPECT_FALSE(rules.in_repository());
  EXPECT_FALSE(rules.git_ignored("a.c", false));
  EXPECT_FALSE(rules.git_ignored("src", true));
  EXPECT_TRUE(rules.excluded("src", true));
  // A root the repository does not ignore keeps its rules.
  const IgnoreRules top = IgnoreRules::open(repo, {});
  EXPECT_TRUE(top.in_repository());
  EXPECT_TRUE(top.git_ignored("vendor", true));
}

TEST_F(IgnoreRulesTest, RulesAreMovable) {
  const fs::path repo = make_repo("repo");
  write_file(repo / ".gitignore", "*.o\n");
  IgnoreRules rules = IgnoreRules::open(repo, {"*.tmp"});
  IgnoreRules moved = std::move(rules);
  EXPECT_TRUE(moved.git_ignored("x.o", false));
  rules = std::move(moved);
  EXPECT_TRUE(rules.git_ignored("x.o", false));
  EXPECT_TRUE(rules.excluded("x.tmp", false));
}

// Random rules from a vocabulary of every construct, in random trees: all paths must
// get git's verdict.
struct RandomTree {
  std::mt19937 rng;
  explicit RandomTree(unsigned seed) : rng(seed) {}

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng); }

  std::string rules(std::size_t max_rules) {
    static const std::vector<std::string> kRules = {
        "*.log",        "!keep.log",   "build/",      "!build/",
        "/top.txt",     "**/gen",      "gen/**",      "a/**/b",
        "src/*.o",      "*.[oa]",      "[!a-c]*.c",   "\\#h",
        "#comment",     "x.log   ",    "sp\\ ace",    "sp ace",
        "sp ace\\ ",    "doc/",        "!doc/",       "b",
        "/a",           "a/b/",        "*",           "!*/",
        "!*.c",         "?.c",         "**/a/*.c",    "x.log/",
        "[[:upper:]]*", "t~",          "*~",          ".*",
        "!.gitignore",  "**",          "a/**",        "/b/*",
        "deep",         "!deep/",      "c.*",         "!c.c",
        "\\!bang",      "[x]",         "\\[x\\]",     "*/",
        "/*/",          "a/*/c.c",     "**/doc/*",    "!**/keep.log",
        "Foo.C",        "*.C",         "gen/",        "!gen/a",
        "src/",         "!src/*.c",    "a**",         "**b",
        "a**b",         "[]x]*",       "[!]]*",       "[a-c]",
        "[^a]*",        "\\*",         "[[:bogus:]]", "[[:alpha:]-z]*",
        "**/",          "/**",         "doc/**/",     "  leading",
        "X.LOG",        "[A-Z]*",      "*.tar.*",     "*.gz",
        "!a.tar.gz",    "deep/**/c.c", "/*.c",        "*/c.o",
        "\\ "};
    std::string text = chance(0.2) ? "\xEF\xBB\xBF" : "";  // a UTF-8 BOM
    const char* eol = chance(0.2) ? "\r\n" : "\n";
    const std::size_t n = 1 + pick(max_rules);
    for (std::size_t i = 0; i < n; ++i)
      text += kRules[pick(kRules.size())] + eol;
    if (chance(0.2)) text.resize(text.size() - std::strlen(eol));  // no final line end
    return text;
  }

  void fill(const fs::path& dir, int depth, std::map<fs::path, std::string>& ignore_files) {
    static const std::vector<std::string> kFiles = {
        "a",     "b",       "c.c",       "c.o",     "x.log", "keep.log", "build", "doc",
        "Foo.C", ".hidden", "#h",        "sp ace",  "t~",    "a.tar.gz", "gen",   "deep",
        "[x]",   "!bang",   "main.c",    "top.txt", "?.c",   "ab",       "axb",   "A",
        "X.LOG", "]x",      "  leading", "sp ace ", "*",     " ",        "x",     "z"};
    static const std::vector<std::string> kDirs = {"a",   "b",    "build", "doc",    "src",
                                                   "gen", "deep", "x.log", "sp ace", ".hidden"};
    std::set<std::string> used;
    const std::size_t files = pick(5);
    for (std::size_t i = 0; i < files; ++i) {
      const std::string& name = kFiles[pick(kFiles.size())];
      if (used.insert(name).second) write_file(dir / name, "");
    }
    if (depth > 0) {
      const std::size_t dirs = pick(4);
      for (std::size_t i = 0; i < dirs; ++i) {
        const std::string& name = kDirs[pick(kDirs.size())];
        if (!used.insert(name).second) continue;
        fs::create_directories(dir / name);
        fill(dir / name, depth - 1, ignore_files);
      }
    }
    if (chance(0.5)) {
      ignore_files[dir / ".gitignore"] = rules(5);
      write_file(dir / ".gitignore", ignore_files[dir / ".gitignore"]);
    }
  }
};

TEST_F(IgnoreRulesTest, RandomRulesInRandomTreesMatchGitCheckIgnore) {
  for (unsigned seed = 1; seed <= 60; ++seed) {
    const fs::path repo = make_repo("random-" + std::to_string(seed));
    RandomTree random(seed);
    std::map<fs::path, std::string> ignore_files;
    random.fill(repo, 3, ignore_files);
    if (random.chance(0.25)) {
      git(repo, "config core.ignoreCase true");
      ignore_files[repo / ".git/config"] = "core.ignoreCase = true\n";
    }
    if (random.chance(0.5)) {
      ignore_files[repo / ".git/info/exclude"] = random.rules(3);
      write_file(repo / ".git" / "info" / "exclude", ignore_files[repo / ".git/info/exclude"]);
    }
    if (random.chance(0.5)) {
      const fs::path global = scratch() / ("global-" + std::to_string(seed));
      ignore_files[global] = random.rules(3);
      write_file(global, ignore_files[global]);
      git(repo, "config core.excludesFile " + quote(global.string()));
    }
    // The root, and a directory below the top level when there is one that git does not
    // ignore (an ignored root is walked as if outside the repository: see above).
    std::vector<fs::path> roots = {repo};
    for (const auto& entry : fs::directory_iterator(repo)) {
      const std::string ignored = "git -C " + quote(repo.string()) + " check-ignore -q " +
                                  quote(entry.path().filename().string() + "/");
      if (entry.is_directory() && entry.path().filename() != ".git" &&
          std::system(ignored.c_str()) != 0) {
        roots.push_back(entry.path());
        break;
      }
    }
    for (const fs::path& root : roots) {
      const std::vector<std::string> wrong = mismatches_with_git(root, scratch());
      if (!wrong.empty()) {
        std::string rules;
        for (const auto& [file, text] : ignore_files)
          rules += file.string() + ":\n" + text;
        ADD_FAILURE() << "seed " << seed << ", root " << root << ":\n" << describe(wrong) << rules;
      }
    }
  }
}

// A real tree, when one is at hand: a git work tree with many .gitignore files (a Linux
// kernel checkout by default), every path of it against git check-ignore.
TEST_F(IgnoreRulesTest, RealTreeMatchesGitCheckIgnore) {
  const char* env = ::getenv("CHUNKLS_IGNORE_TREE");
  const fs::path root = env != nullptr ? env : "/tmp/linux-git";
  if (!fs::exists(root / ".git")) GTEST_SKIP() << "no git work tree at " << root;
  const std::vector<std::string> wrong = mismatches_with_git(root, scratch());
  EXPECT_TRUE(wrong.empty()) << wrong.size() << " mismatches, the first ones:\n"
                             << describe({wrong.begin(),
                                          wrong.begin() + std::min<std::size_t>(wrong.size(), 50)});
}

// Runs `body`; stops the whole process if it is not done within `limit`: generous, not a
// speed test (a backtracking matcher takes minutes or more on some inputs below, such as
// "**/**/**/**/**/**/**/b/**" against a path 2,500 components deep; ours, milliseconds).
template <typename Body>
void with_watchdog(std::chrono::seconds limit, Body body) {
  std::mutex mutex;
  std::condition_variable done_changed;
  bool done = false;
  std::thread watchdog([&] {
    std::unique_lock lock(mutex);
    if (!done_changed.wait_for(lock, limit, [&] { return done; })) {
      std::fprintf(stderr, "watchdog: a glob was still matching after %lld s\n",
                   static_cast<long long>(limit.count()));
      std::abort();
    }
  });
  body();
  {
    const std::lock_guard lock(mutex);
    done = true;
  }
  done_changed.notify_one();
  watchdog.join();
}

TEST_F(IgnoreRulesTest, PathologicalGlobsAreMatchedWithoutBacktracking) {
  const std::string many_a(5000, 'a');
  std::string deep;  // a/a/.../a, 2,500 components
  for (int i = 0; i < 2500; ++i)
    deep += i == 0 ? "a" : "/a";
  std::string long_glob;  // over 64 steps
  for (int i = 0; i < 40; ++i)
    long_glob += "a*";
  long_glob += "b";
  const std::vector<std::string> globs = {"a*a*a*a*a*a*a*a*a*a*a*b",
                                          "a*a*a*a*a*a*a*a*a*a*a*b*",
                                          "*a*a*a*a*a*a*a*a*a*a*?b",
                                          "**/a*a*a*a*a*a*a*a*a*a*b",
                                          "a/**/a/**/a/**/a/**/b",
                                          "**/**/**/**/**/**/**/b/**",
                                          long_glob,
                                          long_glob + "*"};
  const fs::path repo = make_repo("repo");
  std::string gitignore;
  for (const std::string& glob : globs)
    gitignore += glob + "\n";
  write_file(repo / ".gitignore", gitignore);
  with_watchdog(std::chrono::seconds(60), [&] {
    for (const std::string& glob : globs) {
      const IgnoreRules rules = IgnoreRules::open(scratch() / "home", {glob});
      EXPECT_EQ(rules.problems(), "");
      EXPECT_FALSE(rules.excluded(many_a, false)) << glob;
      EXPECT_FALSE(rules.excluded(deep, false)) << glob;
    }
    const IgnoreRules rules = IgnoreRules::open(repo, {});
    EXPECT_FALSE(rules.git_ignored(many_a, false));
    EXPECT_FALSE(rules.git_ignored(many_a, true));
  });
}

TEST_F(IgnoreRulesTest, LongGlobsMatch) {
  // Over 64 steps: the matcher's state sets span several words.
  std::string glob = "top";
  std::string path = "top";
  for (int i = 0; i < 30; ++i) {
    glob += "/?*[0-9]";
    path += "/x" + std::to_string(i % 10);
  }
  glob += "/**/end";
  const IgnoreRules rules = IgnoreRules::open(scratch(), {glob});
  EXPECT_EQ(rules.problems(), "");
  EXPECT_TRUE(rules.excluded(path + "/end", false));
  EXPECT_TRUE(rules.excluded(path + "/a/b/end", false));
  EXPECT_FALSE(rules.excluded(path + "/a/bend", false));
  EXPECT_FALSE(rules.excluded(path + "x/end", true));
  EXPECT_FALSE(rules.excluded("top/x1/end", false));
}

// ---------------------------------------------------------------------------------------
// User exclude globs

TEST_F(IgnoreRulesTest, NameGlobsMatchAtAnyDepth) {
  const IgnoreRules rules = IgnoreRules::open(scratch(), {"node_modules", "*.min.js"});
  EXPECT_EQ(rules.problems(), "");
  EXPECT_TRUE(rules.excluded("node_modules", true));
  EXPECT_TRUE(rules.excluded("a/b/node_modules", true));
  EXPECT_TRUE(rules.excluded("a/node_modules/x/y.js", false)) << "below an excluded directory";
  EXPECT_TRUE(rules.excluded("app.min.js", false));
  EXPECT_TRUE(rules.excluded("x/y/app.min.js", false));
  EXPECT_FALSE(rules.excluded("app.js", false));
  EXPECT_FALSE(rules.excluded("node_modules.txt", false));
  EXPECT_FALSE(rules.git_ignored("node_modules", true)) << "globs are not git's rules";
}

TEST_F(IgnoreRulesTest, PathGlobsMatchFromTheRoot) {
  const IgnoreRules rules = IgnoreRules::open(scratch(), {"src/*.c", "/top.txt", "lib/gen"});
  EXPECT_TRUE(rules.excluded("src/a.c", false));
  EXPECT_FALSE(rules.excluded("src/x/a.c", false)) << "'*' does not match '/'";
  EXPECT_FALSE(rules.excluded("a/src/a.c", false));
  EXPECT_TRUE(rules.excluded("top.txt", false));
  EXPECT_FALSE(rules.excluded("a/top.txt", false));
  EXPECT_TRUE(rules.excluded("lib/gen", true));
  EXPECT_TRUE(rules.excluded("lib/gen/x.c", false));
  EXPECT_FALSE(rules.excluded("x/lib/gen", true));
}

TEST_F(IgnoreRulesTest, DoubleStarSpansDirectories) {
  const IgnoreRules rules =
      IgnoreRules::open(scratch(), {"docs/**/*.md", "**/gen", "out/**", "a/**/b"});
  EXPECT_TRUE(rules.excluded("docs/a.md", false));
  EXPECT_TRUE(rules.excluded("docs/x/y/a.md", false));
  EXPECT_FALSE(rules.excluded("x/docs/a.md", false));
  EXPECT_FALSE(rules.excluded("docs/a.txt", false));
  EXPECT_TRUE(rules.excluded("gen", true));
  EXPECT_TRUE(rules.excluded("x/y/gen", false));
  EXPECT_TRUE(rules.excluded("out/x", false));
  EXPECT_TRUE(rules.excluded("out/x/y", true));
  EXPECT_FALSE(rules.excluded("out", true)) << "a trailing /** matches inside, not the directory";
  EXPECT_TRUE(rules.excluded("a/b", false));
  EXPECT_TRUE(rules.excluded("a/x/y/b", false));
  EXPECT_FALSE(rules.excluded("a/x/y/c", false));
}

TEST_F(IgnoreRulesTest, DirectoryOnlyAndNegatedGlobs) {
  const IgnoreRules rules =
      IgnoreRules::open(scratch(), {"build/", "*.log", "!keep.log", "logs/", "!logs/keep.log"});
  EXPECT_TRUE(rules.excluded("build", true));
  EXPECT_TRUE(rules.excluded("x/build", true));
  EXPECT_TRUE(rules.excluded("build/", false)) << "a trailing '/' means a directory";
  EXPECT_FALSE(rules.excluded("build", false)) << "a file named build";
  EXPECT_TRUE(rules.excluded("a.log", false));
  EXPECT_FALSE(rules.excluded("keep.log", false));
  EXPECT_FALSE(rules.excluded("x/keep.log", false));
  EXPECT_TRUE(rules.excluded("logs/keep.log", false))
      << "a negation cannot re-include a file below an excluded directory";
}

TEST_F(IgnoreRulesTest, ClassesEscapesAndBlanks) {
  const IgnoreRules rules = IgnoreRules::open(
      scratch(),
      {"[abc].txt", "\\#notes", "file\\*", "  padded.txt  ", "[!0-9]x", "[[:upper:]]*.h"});
  EXPECT_EQ(rules.problems(), "");
  EXPECT_TRUE(rules.excluded("b.txt", false));
  EXPECT_FALSE(rules.excluded("d.txt", false));
  EXPECT_TRUE(rules.excluded("#notes", false));
  EXPECT_TRUE(rules.excluded("file*", false));
  EXPECT_FALSE(rules.excluded("file1", false));
  EXPECT_TRUE(rules.excluded("padded.txt", false)) << "surrounding blanks are trimmed";
  EXPECT_TRUE(rules.excluded("ax", false));
  EXPECT_FALSE(rules.excluded("1x", false));
  EXPECT_TRUE(rules.excluded("Foo.h", false));
  EXPECT_FALSE(rules.excluded("foo.h", false));
}

TEST_F(IgnoreRulesTest, BadGlobsAreReportedAndLeftOut) {
  const IgnoreRules rules =
      IgnoreRules::open(scratch(), {"", "!", "/", "a\\", "[ab", "a//b", "*.o"});
  const std::string problems = rules.problems();
  for (const char* bad : {"\"\"", "\"!\"", "\"/\"", "\"a\\\"", "\"[ab\"", "\"a//b\""}) {
    EXPECT_NE(problems.find(bad), std::string::npos) << bad << " in: " << problems;
  }
  EXPECT_TRUE(rules.excluded("x.o", false)) << "the good glob still applies";
  EXPECT_FALSE(rules.excluded("ab", false));
}

// User globs follow .gitignore syntax: the same lines in info/exclude must give git's
// verdict (surrounding blanks aside, which user globs trim).
TEST_F(IgnoreRulesTest, GlobsAgreeWithGitOnTheSameLines) {
  const std::vector<std::string> globs = {
      "*.log",    "!keep.log",    "build/", "/top.txt", "**/gen",  "out/**",   "a/**/b", "src/*.o",
      "*.[oa]",   "[!a-c]*.c",    "\\#h",   "doc/",     "!doc/",   "/a",       "a/b/",   "?.c",
      "**/a/*.c", "[[:upper:]]*", "t~",     "!c.c",     "a/*/c.c", "**/doc/*", "deep",   "!deep/"};
  for (unsigned seed = 1; seed <= 20; ++seed) {
    const fs::path repo = make_repo("globs-" + std::to_string(seed));
    RandomTree random(seed);
    std::map<fs::path, std::string> unused;
    random.fill(repo, 3, unused);
    for (const auto& entry : fs::recursive_directory_iterator(repo)) {
      if (entry.path().filename() == ".gitignore") fs::remove(entry.path());
    }
    std::vector<std::string> chosen;
    const std::size_t n = 1 + random.pick(6);
    for (std::size_t i = 0; i < n; ++i)
      chosen.push_back(globs[random.pick(globs.size())]);
    std::string exclude;
    for (const std::string& glob : chosen)
      exclude += glob + "\n";
    write_file(repo / ".git" / "info" / "exclude", exclude);

    const std::vector<Entry> entries = all_paths(repo);
    const std::map<std::string, bool> expected = git_verdicts(repo, entries, scratch());
    // A scratch root outside the repository: only the globs apply.
    const IgnoreRules rules = IgnoreRules::open(scratch() / "home", chosen);
    for (const Entry& e : entries) {
      const auto it = expected.find(e.relative);
      if (it == expected.end()) continue;
      EXPECT_EQ(rules.excluded(e.relative, e.directory), it->second)
          << "seed " << seed << ": " << e.relative << (e.directory ? "/" : "") << " with\n"
          << exclude;
    }
  }
}

}  // namespace
}  // namespace chunkls
