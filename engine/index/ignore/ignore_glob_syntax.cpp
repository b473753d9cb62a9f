#include "engine/index/ignore/ignore_glob_syntax.h"

#include <fmt/format.h>

// Where git 2.39's own matcher strays from gitignore(5), this one keeps to the
// documentation (the three cases checked with git check-ignore): with core.ignoreCase,
// git leaves the letters inside bracket expressions and after a '\' unfolded ("[A]" and
// "\A" match nothing there; here they match 'a' and 'A', like every other letter); git
// lets a "**" right after a path rule's leading literal text ("x/a**") span directories,
// where here a "**" that is not a whole path component is a '*'; and git's "**\/" (the
// slash escaped) needs at least one directory, where here it is "**/".

namespace chunkls::ignore {
namespace {

// The POSIX classes of a bracket expression ("[[:digit:]]"), over ASCII. The members of
// "space" are git's: not '\v' or '\f' (checked with git check-ignore).
struct NamedClass {
  std::string_view name;
  bool (*member)(unsigned c);
};

constexpr bool is_upper_letter(unsigned c) {
  return c >= 'A' && c <= 'Z';
}
constexpr bool is_lower_letter(unsigned c) {
  return c >= 'a' && c <= 'z';
}
constexpr bool is_decimal(unsigned c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_letter(unsigned c) {
  return is_upper_letter(c) || is_lower_letter(c);
}
constexpr bool is_visible(unsigned c) {
  return c > ' ' && c < 0x7f;
}

constexpr NamedClass kNamedClasses[] = {
    {"alnum", [](unsigned c) { return is_letter(c) || is_decimal(c); }},
    {"alpha", [](unsigned c) { return is_letter(c); }},
    {"blank", [](unsigned c) { return c == ' ' || c == '\t'; }},
    {"cntrl", [](unsigned c) { return c < ' ' || c == 0x7f; }},
    {"digit", [](unsigned c) { return is_decimal(c); }},
    {"graph", [](unsigned c) { return is_visible(c); }},
    {"lower", [](unsigned c) { return is_lower_letter(c); }},
    {"print", [](unsigned c) { return c == ' ' || is_visible(c); }},
    {"punct", [](unsigned c) { return is_visible(c) && !is_letter(c) && !is_decimal(c); }},
    {"space", [](unsigned c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }},
    {"upper", [](unsigned c) { return is_upper_letter(c); }},
    {"xdigit",
     [](unsigned c) { return is_decimal(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }},
};

std::optional<ByteSet> named_class(std::string_view name) {
  for (const NamedClass& named : kNamedClasses) {
    if (named.name != name) continue;
    ByteSet set;
    for (unsigned c = 0; c < 0x80; ++c) {
      if (named.member(c)) set.add(static_cast<unsigned char>(c));
    }
    return set;
  }
  return std::nullopt;
}

// Parses the bracket expression opening at glob[open] into `set`. Returns the index past
// its closing ']', or nullopt with `problem` set when it has none or names an unknown
// class (the glob then matches nothing). The set never has '/'. Inside: a leading '!' or
// '^' negates; a ']' first is a member; '\' escapes the next byte; "x-y" is a range, x
// itself included even when y sorts before it (a '-' first, last, or just after a range
// or a class is a member); "[:name:]" is a class.
std::optional<std::size_t> parse_bracket(std::string_view glob, std::size_t open, bool casefold,
                                         ByteSet& set, std::string& problem) {
  const std::size_t n = glob.size();
  const auto unclosed = [&]() -> std::optional<std::size_t> {
    problem = "has an unclosed '['";
    return std::nullopt;
  };
  std::size_t i = open + 1;
  const bool negated = i < n && (glob[i] == '!' || glob[i] == '^');
  if (negated) ++i;
  ByteSet members;
  for (bool first = true;; first = false) {
    if (i >= n) return unclosed();
    if (glob[i] == ']' && !first) {
      ++i;
      break;
    }
    if (glob[i] == '[' && i + 1 < n && glob[i + 1] == ':') {
      const std::size_t close = glob.find(']', i + 2);
      if (close == std::string_view::npos) return unclosed();
      if (close >= i + 3 && glob[close - 1] == ':') {
        const std::string_view name = glob.substr(i + 2, close - 1 - (i + 2));
        const std::optional<ByteSet> named = named_class(name);
        if (!named) {
          problem = fmt::format("has an unknown class \"[:{}:]\"", name);
          return std::nullopt;
        }
        members.add_all(*named);
        i = close + 1;
        continue;
      }
      // No ":]" before the next ']': the '[' is a plain member.
    }
    // One member byte, perhaps escaped, perhaps starting a range.
    const auto take_byte = [&]() -> std::optional<unsigned char> {
      if (glob[i] == '\\' && ++i >= n) return std::nullopt;
      return static_cast<unsigned char>(glob[i++]);
    };
    const std::optional<unsigned char> low = take_byte();
    if (!low) return unclosed();
    members.add(*low);
    if (i + 1 < n && glob[i] == '-' && glob[i + 1] != ']') {
      ++i;
      const std::optional<unsigned char> high = take_byte();
      if (!high) return unclosed();
      if (*low <= *high) members.add_range(*low, *high);
    }
  }
  if (casefold) members.fold_case();
  if (negated) members.complement();
  members.remove('/');
  set = members;
  return i;
}

// Whether the run of '*' at glob[begin, end) is a whole path component.
bool whole_component(std::string_view glob, std::size_t begin, std::size_t end) {
  const bool starts = begin == 0 || glob[begin - 1] == '/';
  const std::string_view rest = glob.substr(end);
  return starts && (rest.empty() || rest.starts_with('/') || rest.starts_with("\\/"));
}

}  // namespace

std::optional<std::string> compile(std::string_view glob, bool casefold, Program& program) {
  const std::size_t n = glob.size();
  std::size_t i = 0;
  while (i < n) {
    const char c = glob[i];
    Step step;
    if (c == '*') {
      std::size_t end = i;
      while (end < n && glob[end] == '*')
        ++end;
      if (end - i >= 2 && whole_component(glob, i, end)) {
        if (end == n) {
          program.open_end = true;
          break;
        }
        step.kind = StepKind::kDirs;
        end += glob[end] == '/' ? 1 : 2;  // the '/' (perhaps escaped) is part of the step
      } else {
        step.kind = StepKind::kRun;
      }
      i = end;
    } else if (c == '?') {
      step.kind = StepKind::kSet;
      step.set.add_range(0, 255);
      step.set.remove('/');
      ++i;
    } else if (c == '[') {
      std::string problem;
      const std::optional<std::size_t> end = parse_bracket(glob, i, casefold, step.set, problem);
      if (!end) return problem;
      step.kind = StepKind::kSet;
      i = *end;
    } else {
      if (c == '\\' && ++i == n) return "ends with an escaping '\\'";
      const auto byte = static_cast<unsigned char>(glob[i]);
      step.byte = casefold ? ascii_lower(byte) : byte;
      ++i;
    }
    program.steps.push_back(step);
  }
  return std::nullopt;
}

}  // namespace chunkls::ignore
