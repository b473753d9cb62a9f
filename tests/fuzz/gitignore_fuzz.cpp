// Fuzz target, differential: the .gitignore matcher (engine/index/ignore/). Each line of
// the input's rule text, compiled as a glob, must match exactly the paths that a plain
// backtracking matcher of its compiled steps (written here from gitignore(5), memoised)
// matches: this checks Glob's shortcuts and the bit-parallel automaton. The whole text,
// read as one ignore file, must pick for each path the same deciding rule with its
// by-last-byte index as a plain last-to-first scan of its rules.
//
// Input: [flags: case folding, 1 byte][the rule file's directory: count + bytes]
// [path count] then per path [path: count + bytes][is a directory: 1 byte], then the
// rule text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/index/ignore/ignore_glob.h"
#include "engine/index/ignore/ignore_glob_syntax.h"
#include "engine/index/ignore/ignore_rule_file.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using namespace chunkls::ignore;

// Whether the steps from `step` on match text[pos..], as gitignore(5) reads them.
class ReferenceMatcher {
 public:
  ReferenceMatcher(const Program& program, std::string_view text, bool casefold)
      : program_(program),
        text_(text),
        casefold_(casefold),
        memo_((program.steps.size() + 1) * (text.size() + 1), kUnknown) {}

  bool matches() { return from(0, 0); }

 private:
  static constexpr char kUnknown = 2;

  bool from(std::size_t step, std::size_t pos) {
    char& memo = memo_[step * (text_.size() + 1) + pos];
    if (memo == kUnknown) memo = compute(step, pos) ? 1 : 0;
    return memo == 1;
  }

  bool compute(std::size_t step, std::size_t pos) {
    if (step == program_.steps.size()) return program_.open_end || pos == text_.size();
    const Step& s = program_.steps[step];
    const auto byte_at = [&](std::size_t i) { return static_cast<unsigned char>(text_[i]); };
    switch (s.kind) {
      case StepKind::kByte:
        return pos < text_.size() &&
               (casefold_ ? ascii_lower(byte_at(pos)) : byte_at(pos)) == s.byte &&
               from(step + 1, pos + 1);
      case StepKind::kSet:
        return pos < text_.size() && text_[pos] != '/' && s.set.has(byte_at(pos)) &&
               from(step + 1, pos + 1);
      case StepKind::kRun:
        // Any run within one component.
        for (std::size_t end = pos;; ++end) {
          if (from(step + 1, end)) return true;
          if (end == text_.size() || text_[end] == '/') return false;
        }
      case StepKind::kDirs:
        // Nothing, or whole components each ending with '/'.
        if (from(step + 1, pos)) return true;
        for (std::size_t end = pos; end < text_.size(); ++end) {
          if (text_[end] == '/' && from(step + 1, end + 1)) return true;
        }
        return false;
    }
    return false;
  }

  const Program& program_;
  std::string_view text_;
  bool casefold_;
  std::vector<char> memo_;
};

void check_glob(std::string_view line, bool casefold, const std::vector<std::string>& texts) {
  Program program;
  const Glob glob = Glob::make(line, casefold);
  if (compile(line, casefold, program)) {
    for (const std::string& text : texts)
      FUZZ_CHECK(!glob.matches(text), "a malformed glob matched");
    return;
  }
  for (const std::string& text : texts) {
    const bool expected = ReferenceMatcher(program, text, casefold).matches();
    FUZZ_CHECK(glob.matches(text) == expected,
               "glob '" + std::string(line) + "' on '" + text +
                   "': " + (expected ? "no match, expected one" : "a match, expected none"));
    // A match must end with one of the bytes the glob says it can end with (the index
    // of a rule file skips the glob otherwise).
    if (expected && !text.empty()) {
      if (const std::optional<ByteSet> last = glob.last_bytes()) {
        FUZZ_CHECK(last->has(static_cast<unsigned char>(text.back())),
                   "glob '" + std::string(line) + "' matched '" + text +
                       "' whose last byte it says it cannot end with");
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  chunkls::fuzz::FuzzInput input(data, size);
  const bool casefold = input.flag();
  std::string base(input.short_string(16));
  if (!base.empty() && !base.ends_with('/')) base += '/';
  struct Path {
    std::string path;
    bool is_directory;
  };
  std::vector<Path> paths;
  std::vector<std::string> texts;  // what globs are tried on: each path and its name
  const std::size_t path_count = input.byte() % 16;
  for (std::size_t i = 0; i < path_count; ++i) {
    Path p{std::string(input.short_string(64)), input.flag()};
    while (p.path.ends_with('/'))
      p.path.pop_back();
    if (p.path.empty()) continue;
    texts.push_back(p.path);
    texts.push_back(p.path.substr(p.path.rfind('/') + 1));
    paths.push_back(std::move(p));
  }
  const std::string_view text = input.rest();

  // Each line as a glob (long lines skipped: the reference is quadratic).
  std::string_view lines = text;
  while (!lines.empty()) {
    const std::size_t newline = lines.find('\n');
    const std::string_view line = lines.substr(0, newline);
    lines.remove_prefix(newline == std::string_view::npos ? lines.size() : newline + 1);
    if (line.size() <= 256) check_glob(line, casefold, texts);
  }

  RuleFile file;
  file.base = base;
  file.read(text, casefold);  // indexed when it has enough rules
  for (const Path& p : paths) {
    const std::string_view name = std::string_view(p.path).substr(p.path.rfind('/') + 1);
    const Rule* expected = nullptr;
    for (auto it = file.rules.rbegin(); it != file.rules.rend() && !expected; ++it) {
      if ((!it->directories_only || p.is_directory) && it->matches(p.path, name, file.base)) {
        expected = &*it;
      }
    }
    const Rule* got = file.last_match(p.path, name, p.is_directory);
    FUZZ_CHECK(got == expected, "'" + p.path + "': rule " +
                                    std::to_string(got ? got - file.rules.data() : -1) +
                                    " decides, expected " +
                                    std::to_string(expected ? expected - file.rules.data() : -1));
  }
  return 0;
}
