// IgnoreRules: which paths under a workspace root the walk leaves out: what git ignores
// there (nested .gitignore files with negations, .git/info/exclude, the global excludes
// file core.excludesFile, core.ignoreCase), with git's documented semantics, and the
// user's exclude globs.
//
// Git's rules apply only inside a git work tree (as git itself applies them); a root
// outside any repository, or in a bare one, has the user's globs only. A root below a
// repository's top level still gets the rules of the directories above it. As in git,
// everything below an ignored directory is ignored (a negation cannot re-include it);
// but a root that its repository ignores was chosen on purpose and is walked as if
// outside the repository (user globs only). ".git" itself, and all below it, counts as
// ignored.
//
// libgit2 finds the repository and reads its configuration; the matching is our own,
// written from gitignore(5) and checked against `git check-ignore` (libgit2's ignore
// API lets a top-level .gitignore beat a nested one, see the .cpp). Each directory's .gitignore is
// read, and its verdict decided, once per IgnoreRules and cached: open a new one to see edited
// ignore files.
//
// User globs use .gitignore syntax: one without '/' matches the name of a file or
// directory at any depth ("node_modules", "*.min.js"); one with '/' matches the path
// from the root ("build/", "docs/**/*.md", a leading '/' anchors it); "**" spans
// directories; a trailing '/' matches directories only; a leading '!' re-includes what
// an earlier glob excluded (not below an excluded directory). Surrounding blanks are
// trimmed (a trailing one escaped with '\' stays).
//
// Not thread-safe (the caches fill as paths are asked): one walk uses one IgnoreRules.
// Movable; owns its libgit2 handles.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace chunkls {

class IgnoreRules {
 public:
  // Never throws for a missing repository or a bad glob (a glob that cannot be compiled
  // is left out and reported by problems(), as is a repository libgit2 cannot open).
  static IgnoreRules open(const std::filesystem::path& root,
                          const std::vector<std::string>& exclude_globs);
  IgnoreRules(IgnoreRules&&) noexcept;
  IgnoreRules& operator=(IgnoreRules&&) noexcept;
  ~IgnoreRules();

  // Whether the root is inside a git work tree (its rules apply).
  bool in_repository() const;
  // `relative`: a path below the root, '/'-separated, no leading "./"; a trailing '/'
  // means a directory, as does is_directory.
  // git_ignored: ignored by git's rules; excluded: by a user glob.
  bool git_ignored(std::string_view relative, bool is_directory) const;
  bool excluded(std::string_view relative, bool is_directory) const;
  std::string problems() const;

 private:
  struct State;
  explicit IgnoreRules(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace chunkls
