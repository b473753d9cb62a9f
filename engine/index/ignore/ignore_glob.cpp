#include "engine/index/ignore/ignore_glob.h"

#include <algorithm>
#include <span>
#include <utility>
#include <vector>

#include "engine/index/ignore/ignore_glob_automaton.h"

namespace chunkls::ignore {

Glob Glob::make(std::string_view text, bool casefold, std::string* problem) {
  Glob glob;
  Program program;
  if (std::optional<std::string> why = compile(text, casefold, program)) {
    if (problem != nullptr) *problem = std::move(*why);
    return glob;
  }
  glob.casefold_ = casefold;
  const std::vector<Step>& steps = program.steps;
  const auto literal = [](const Step& step) { return step.kind == StepKind::kByte; };
  const auto head_end = std::find_if_not(steps.begin(), steps.end(), literal);
  auto tail_begin = steps.end();
  if (!program.open_end) {
    while (tail_begin != head_end && literal(*(tail_begin - 1)))
      --tail_begin;
  }
  for (auto it = steps.begin(); it != head_end; ++it)
    glob.head_ += static_cast<char>(it->byte);
  for (auto it = tail_begin; it != steps.end(); ++it)
    glob.tail_ += static_cast<char>(it->byte);
  if (!glob.tail_.empty() || !glob.head_.empty()) {
    glob.last_literal_ =
        static_cast<unsigned char>(glob.tail_.empty() ? glob.head_.back() : glob.tail_.back());
  }
  const std::span<const Step> middle(head_end, tail_begin);
  if (middle.empty()) {
    glob.shape_ = program.open_end ? Shape::kHeadThenAnything : Shape::kLiteral;
  } else if (middle.size() == 1 && !program.open_end && middle[0].kind == StepKind::kRun) {
    glob.shape_ = Shape::kOneRun;
  } else if (middle.size() == 1 && !program.open_end && middle[0].kind == StepKind::kDirs) {
    glob.shape_ = Shape::kDirectories;
  } else {
    glob.shape_ = Shape::kGeneral;
    glob.automaton_ = std::make_shared<const Automaton>(middle, program.open_end, casefold);
  }
  return glob;
}

std::optional<ByteSet> Glob::last_bytes() const {
  ByteSet bytes;
  if (shape_ == Shape::kNever) return bytes;
  if (tail_.empty() && (shape_ != Shape::kLiteral || head_.empty())) return std::nullopt;
  bytes.add(last_literal_);
  if (casefold_) bytes.fold_case();
  return bytes;
}

bool Glob::matches(std::string_view text) const {
  const std::size_t fixed = head_.size() + tail_.size();
  if (shape_ == Shape::kNever || text.size() < fixed ||
      (shape_ == Shape::kLiteral && text.size() != fixed)) {
    return false;
  }
  // The last literal byte first: most texts fail there, at once.
  if (fixed != 0) {
    const unsigned char last =
        static_cast<unsigned char>(tail_.empty() ? text[head_.size() - 1] : text.back());
    if ((casefold_ ? ascii_lower(last) : last) != last_literal_) return false;
  }
  if (!same(head_, text.data()) || !same(tail_, text.data() + text.size() - tail_.size())) {
    return false;
  }
  const std::string_view middle =
      text.substr(head_.size(), text.size() - head_.size() - tail_.size());
  switch (shape_) {
    case Shape::kLiteral:
      return middle.empty();
    case Shape::kHeadThenAnything:
      return true;
    case Shape::kOneRun:
      return middle.find('/') == std::string_view::npos;
    case Shape::kDirectories:
      return middle.empty() || middle.back() == '/';
    case Shape::kGeneral:
      return automaton_->matches(middle);
    case Shape::kNever:
      break;
  }
  return false;
}

bool Glob::same(std::string_view literal, const char* text) const {
  if (casefold_) {
    for (std::size_t i = 0; i < literal.size(); ++i) {
      if (literal[i] != static_cast<char>(ascii_lower(static_cast<unsigned char>(text[i])))) {
        return false;
      }
    }
    return true;
  }
  for (std::size_t i = 0; i < literal.size(); ++i) {
    if (literal[i] != text[i]) return false;
  }
  return true;
}

}  // namespace chunkls::ignore
