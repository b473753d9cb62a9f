#include "engine/index/ignore/ignore_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <optional>
#include <unordered_map>
#include <utility>

#include "engine/index/ignore/git_work_tree.h"
#include "engine/index/ignore/ignore_rule_file.h"

// Why not git_ignore_path_is_ignored: libgit2 (1.5 here, and still in 1.9) lets the
// top-level .gitignore win over a nested one ("*.log" at the top, "!keep.log" in sub/:
// libgit2 ignores sub/keep.log, git does not), and drops a negation whose positive rule
// is in another file (libgit2 issue #7284). It also re-reads the whole ignore stack on
// every call (~20 us: a stat per directory level). So the matching is our own
// (ignore_glob.h, ignore_rule_file.h), written from the pattern format and precedence
// gitignore(5) documents and checked against `git check-ignore` by the tests (hand-written
// trees, random rules in random trees, a real kernel tree when one is at hand). libgit2
// finds the repository and reads its configuration (git_work_tree.h), which is where
// git's subtleties lie. This file holds the precedence: which file decides, directories
// before what they hold, and the caches.

namespace chunkls {

using ignore::GitWorkTree;
using ignore::read_ignore_file;
using ignore::Rule;
using ignore::RuleFile;
using ignore::without_trailing_spaces;

namespace {

// ---------------------------------------------------------------------------------------
// Paths: '/'-separated.

struct Split {
  std::string_view parent;  // "" at the top
  std::string_view name;
};

Split split_last(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {.parent = {}, .name = path};
  return {.parent = path.substr(0, slash), .name = path.substr(slash + 1)};
}

// A trailing '/' says "directory", as in git's own path arguments.
std::string_view strip_trailing_slashes(std::string_view relative, bool& is_directory) {
  while (!relative.empty() && relative.back() == '/') {
    relative.remove_suffix(1);
    is_directory = true;
  }
  return relative;
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// Why a user glob can never match a path, if it cannot (besides the glob errors
// Rule::parse reports).
std::optional<std::string> glob_problem(std::string_view glob) {
  std::string_view body = glob;
  if (body.starts_with('!')) body.remove_prefix(1);
  while (body.ends_with('/'))
    body.remove_suffix(1);
  if (body.starts_with('/')) body.remove_prefix(1);
  if (body.empty()) return "matches nothing";
  if (body.find('\n') != std::string_view::npos) return "has a line break";
  if (body.find('\0') != std::string_view::npos) return "has a NUL byte";
  if (body.find("//") != std::string_view::npos) return "has an empty path component";
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------------------

struct IgnoreRules::State {
  // The rule files that apply inside one directory: its .gitignore, then its parent's
  // level, up to the top of the work tree (deepest first: a deeper file wins).
  struct Level {
    std::shared_ptr<const Level> parent;
    RuleFile file;
  };
  // What git says of one directory (cached: each is decided once).
  struct Directory {
    bool ignored = false;                // it, or a directory above it
    std::shared_ptr<const Level> level;  // the rules inside it; null when ignored
  };

  std::unique_ptr<GitWorkTree> git;  // null: outside any work tree (or its rules do not apply)
  bool casefold = false;
  std::vector<RuleFile> globals;  // the global excludes file, then info/exclude
  RuleFile user_globs;            // base "": relative to the root
  mutable std::string problems;
  mutable StringMap<Directory> directories;  // keyed relative to the work tree
  mutable StringMap<bool> excluded_directories;

  void add_problem(std::string_view problem) const {
    if (!problems.empty()) problems += "; ";
    problems += problem;
  }

  // Whether git's rules ignore a path, given the level of its directory (the path itself
  // not below an ignored directory): the first file with a rule matching the path decides,
  // the .gitignore files from the deepest up, then info/exclude, then the global excludes
  // file; within a file, its last matching rule.
  bool git_verdict(std::string_view path, bool is_directory, const Level* level) const {
    const std::string_view name = split_last(path).name;
    if (name == ".git") return true;  // never part of the work tree
    for (; level != nullptr; level = level->parent.get()) {
      if (const Rule* rule = level->file.last_match(path, name, is_directory)) {
        return !rule->negated;
      }
    }
    for (auto file = globals.rbegin(); file != globals.rend(); ++file) {
      if (const Rule* rule = file->last_match(path, name, is_directory)) return !rule->negated;
    }
    return false;
  }

  // A directory is ignored when one above it is, or when the rules of the directories
  // above it (not its own .gitignore) ignore it; its own .gitignore applies inside it.
  const Directory& directory(std::string_view path) const {
    if (const auto it = directories.find(path); it != directories.end()) return it->second;
    Directory entry;
    if (path.empty()) {
      entry.level = read_level("", nullptr);
    } else {
      const Directory& parent = directory(split_last(path).parent);  // map nodes stay put
      const std::string full(path);
      entry.ignored = parent.ignored || git_verdict(full, true, parent.level.get());
      if (!entry.ignored) entry.level = read_level(full + "/", parent.level);
    }
    return directories.emplace(std::string(path), std::move(entry)).first->second;
  }

  std::shared_ptr<const Level> read_level(const std::string& base,
                                          std::shared_ptr<const Level> parent) const {
    std::string error;
    const std::optional<std::string> content =
        read_ignore_file(git->top() / base / ".gitignore", /*follow_link=*/false, error);
    if (!error.empty()) add_problem(error);
    if (!content) return parent;  // nothing new: share the parent's level
    auto level = std::make_shared<Level>();
    level->parent = std::move(parent);
    level->file.base = base;
    level->file.read(*content, casefold);
    return level;
  }

  bool user_verdict(std::string_view relative, bool is_directory) const {
    const Rule* rule = user_globs.last_match(relative, split_last(relative).name, is_directory);
    return rule != nullptr && !rule->negated;
  }

  bool directory_excluded(std::string_view relative) const {
    if (relative.empty()) return false;
    if (const auto it = excluded_directories.find(relative); it != excluded_directories.end()) {
      return it->second;
    }
    const bool excluded =
        directory_excluded(split_last(relative).parent) || user_verdict(relative, true);
    excluded_directories.emplace(std::string(relative), excluded);
    return excluded;
  }

  void add_problems(const std::vector<std::string>& found) const {
    for (const std::string& problem : found)
      add_problem(problem);
  }

  // What git reads besides the .gitignore files: core.ignoreCase, the global excludes file
  // and info/exclude.
  void read_configuration() {
    std::vector<std::string> found;
    const GitWorkTree::IgnoreConfiguration configuration = git->ignore_configuration(found);
    add_problems(found);
    casefold = configuration.ignore_case;
    for (const std::filesystem::path& file : configuration.exclude_files)
      add_global(file);
  }

  void add_global(const std::filesystem::path& file) {
    std::string error;
    const std::optional<std::string> content = read_ignore_file(file, /*follow_link=*/true, error);
    if (!error.empty()) add_problem(error);
    if (!content) return;
    RuleFile rules;
    rules.read(*content, casefold);
    globals.push_back(std::move(rules));
  }
};

IgnoreRules IgnoreRules::open(const std::filesystem::path& root,
                              const std::vector<std::string>& exclude_globs) {
  auto state = std::make_unique<State>();
  for (const std::string& glob : exclude_globs) {
    // Leading blanks trimmed too: a glob is not a file line that could mean them.
    std::string_view text = glob;
    text.remove_prefix(std::min(text.find_first_not_of(" \t"), text.size()));
    text = without_trailing_spaces(text);
    std::string problem = glob_problem(text).value_or("");
    Rule rule;
    if (problem.empty()) rule = Rule::parse(text, /*casefold=*/false, &problem);
    if (problem.empty()) {
      state->user_globs.rules.push_back(std::move(rule));
    } else {
      state->add_problem(fmt::format("exclude glob \"{}\" {}", glob, problem));
    }
  }
  state->user_globs.index();
  std::vector<std::string> found;
  state->git = GitWorkTree::find(root, found);
  state->add_problems(found);
  if (state->git) state->read_configuration();
  // A root its own repository ignores (a Python under ~/.pyenv/versions, a vendored tree
  // under build/) was chosen on purpose: it is walked as if outside the repository, not
  // left out whole.
  if (state->git && !state->git->prefix().empty()) {
    std::string root_path = state->git->prefix();
    while (!root_path.empty() && root_path.back() == '/')
      root_path.pop_back();
    if (state->directory(root_path).ignored) state->git.reset();
  }
  return IgnoreRules(std::move(state));
}

IgnoreRules::IgnoreRules(std::unique_ptr<State> state) : state_(std::move(state)) {}
IgnoreRules::IgnoreRules(IgnoreRules&&) noexcept = default;
IgnoreRules& IgnoreRules::operator=(IgnoreRules&&) noexcept = default;
IgnoreRules::~IgnoreRules() = default;

bool IgnoreRules::in_repository() const {
  return state_->git != nullptr;
}

bool IgnoreRules::git_ignored(std::string_view relative, bool is_directory) const {
  if (!state_->git) return false;
  relative = strip_trailing_slashes(relative, is_directory);
  std::string path = state_->git->prefix();
  path += relative;
  while (!path.empty() && path.back() == '/')
    path.pop_back();  // the root itself
  if (is_directory || path.empty()) return state_->directory(path).ignored;
  const State::Directory& parent = state_->directory(split_last(path).parent);
  // Nothing below an ignored directory can be re-included.
  return parent.ignored || state_->git_verdict(path, false, parent.level.get());
}

bool IgnoreRules::excluded(std::string_view relative, bool is_directory) const {
  if (state_->user_globs.rules.empty()) return false;
  relative = strip_trailing_slashes(relative, is_directory);
  if (relative.empty()) return false;
  if (is_directory) return state_->directory_excluded(relative);
  return state_->directory_excluded(split_last(relative).parent) ||
         state_->user_verdict(relative, false);
}

std::string IgnoreRules::problems() const {
  return state_->problems;
}

}  // namespace chunkls
