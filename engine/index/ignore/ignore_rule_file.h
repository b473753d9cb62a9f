// The rule files of gitignore(5): one ignore file's text read into rules (comments,
// blank lines, trailing spaces unless escaped, a '!' that re-includes, a trailing '/' for
// directories only, a rule without another '/' matching a name at any depth, one with a
// '/' relative to the file's directory), and within one file the last matching rule
// deciding. A file of many rules is indexed by the last byte a matching path can have, so
// that a path is tried against few of them. Which file decides among several is
// IgnoreRules' (ignore_rules.h).
//
// Part of IgnoreRules. A RuleFile is built by one thread; once read (or indexed), its
// const members are safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/index/ignore/ignore_glob.h"

namespace chunkls::ignore {

// A line without the spaces that end it, unless escaped: "a\ " keeps its last space.
std::string_view without_trailing_spaces(std::string_view line);

// One line of an ignore file (or one user glob).
struct Rule {
  Glob glob;
  bool negated = false;           // a leading '!': re-includes
  bool directories_only = false;  // a trailing '/'
  bool any_depth = false;         // no other '/': matches a name at any depth

  static Rule parse(std::string_view line, bool casefold, std::string* problem = nullptr);

  // `path`: relative to the top of the work tree; `name`: its last component; `base`: the
  // directory of the rule's file, "" or "dir/".
  bool matches(std::string_view path, std::string_view name, std::string_view base) const {
    if (any_depth) return glob.matches(name);
    return path.size() > base.size() && path.starts_with(base) &&
           glob.matches(path.substr(base.size()));
  }
};

// The rules of one ignore file. `base`: its directory relative to the top of the work
// tree ("" or "dir/"), the paths its rules are relative to.
struct RuleFile {
  std::string base;
  std::vector<Rule> rules;

  // An ignore file's text: a UTF-8 byte order mark at its start is skipped; each line
  // ends at '\n' (with a '\r' before it dropped), and at a NUL byte if it has one; what
  // is blank once its trailing spaces are trimmed, and what starts with '#', is no rule.
  void read(std::string_view text, bool casefold);

  // To call once the rules are in: lets last_match skip most rules of a long file.
  void index();

  // The last rule matching the path, the one that decides; null when none does.
  const Rule* last_match(std::string_view path, std::string_view name, bool is_directory) const;

 private:
  bool indexed_ = false;
  std::vector<std::uint32_t> by_last_byte_;      // per byte, the rules a text must end
                                                 // with it to match, last rule first
  std::array<std::uint32_t, 257> list_begin_{};  // where each byte's rules start
  std::vector<std::uint32_t> anywhere_;          // the other rules, last first
};

// The contents of a file; empty when it does not exist. Per-directory .gitignore files
// are not followed when they are symbolic links, as git (since 2.32) does not.
std::optional<std::string> read_ignore_file(const std::filesystem::path& path, bool follow_link,
                                            std::string& error);

}  // namespace chunkls::ignore
