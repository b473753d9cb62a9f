#include "bench/lsp_latency/edit_script.h"

#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

namespace chunkls::bench {
namespace {

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

struct Line {
  std::uint32_t start = 0;
  std::string_view text;  // without '\n' (and without a '\r' before it)
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t start = 0;
  for (;;) {
    const auto end = text.find('\n', start);
    auto line =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.find('\r') != std::string_view::npos) {
      throw std::invalid_argument(
          "the file has a lone '\\r' line break; LSP and tree-sitter "
          "would count its lines differently");
    }
    lines.push_back({static_cast<std::uint32_t>(start), line});
    if (end == std::string_view::npos) return lines;
    start = end + 1;
  }
}

// An indented line that is code: not blank, not a comment or preprocessor line.
bool is_editable(std::string_view line) {
  if (line.empty() || (line[0] != ' ' && line[0] != '\t')) return false;
  const auto first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos) return false;
  const char c = line[first];
  if (c == '*' || c == '#' || line.substr(first).starts_with("//")) return false;
  for (std::size_t i = first; i < line.size(); ++i) {
    if (is_identifier_char(line[i])) return true;
  }
  return false;
}

}  // namespace

std::uint32_t utf16_length(std::string_view utf8) {
  std::uint32_t units = 0;
  for (const char ch : utf8) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    units += c >= 0xF0 ? 2 : 1;        // 4-byte sequences are surrogate pairs
  }
  return units;
}

std::vector<TextEdit> make_edit_script(std::string_view text, std::size_t count,
                                       std::uint64_t seed) {
  const auto lines = split_lines(text);
  std::vector<std::uint32_t> editable;
  for (std::uint32_t i = 0; i < lines.size(); ++i) {
    if (is_editable(lines[i].text)) editable.push_back(i);
  }
  if (editable.empty()) throw std::invalid_argument("the file has no indented code line");

  // mt19937_64's output is fixed by the standard (its distributions are not), so the
  // same seed gives the same script everywhere.
  std::mt19937_64 rng(seed);
  std::vector<TextEdit> script;
  script.reserve(count);
  while (script.size() < count) {
    const std::uint32_t line_number = editable[rng() % editable.size()];
    const Line& line = lines[line_number];
    std::vector<std::uint32_t> after_identifier;  // byte columns
    for (std::uint32_t i = 1; i <= line.text.size(); ++i) {
      if (is_identifier_char(line.text[i - 1])) after_identifier.push_back(i);
    }
    const std::uint32_t column = after_identifier[rng() % after_identifier.size()];
    TextEdit insert;
    insert.line = line_number;
    insert.byte_column = column;
    insert.utf16_column = utf16_length(line.text.substr(0, column));
    insert.byte_offset = line.start + column;
    insert.inserted = std::string(1, static_cast<char>('a' + rng() % 26));
    TextEdit erase = insert;
    erase.inserted.clear();
    erase.deleted = 1;
    script.push_back(std::move(insert));
    if (script.size() < count) script.push_back(std::move(erase));
  }
  return script;
}

void apply(std::string& text, const TextEdit& edit) {
  text.replace(edit.byte_offset, edit.deleted, edit.inserted);
}

nlohmann::json to_json(const TextEdit& edit) {
  return {{"line", edit.line},
          {"utf16_column", edit.utf16_column},
          {"byte_column", edit.byte_column},
          {"byte_offset", edit.byte_offset},
          {"inserted", edit.inserted},
          {"deleted", edit.deleted}};
}

}  // namespace chunkls::bench
