#include "engine/syntax/language_registry.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace chunkls {
namespace {

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::string shebang_interpreter(std::string_view content) {
  if (!content.starts_with("#!")) return {};
  std::string_view line = content.substr(2);
  if (const auto nl = line.find_first_of("\r\n"); nl != std::string_view::npos)
    line = line.substr(0, nl);
  // Split into words.
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t')
      ++j;
    if (j > i) words.push_back(line.substr(i, j - i));
    i = j;
  }
  if (words.empty()) return {};
  auto base = [](std::string_view w) {
    const auto slash = w.rfind('/');
    return slash == std::string_view::npos ? w : w.substr(slash + 1);
  };
  std::string_view program = base(words[0]);
  if (program == "env") {
    // `env [-S] [-u NAME] [VAR=value]... program`: the first plain word is the program.
    program = {};
    for (std::size_t k = 1; k < words.size(); ++k) {
      const std::string_view w = words[k];
      if (w == "-u" || w == "--unset") {
        ++k;
        continue;
      }
      if (w.starts_with('-') || w.find('=') != std::string_view::npos) continue;
      program = base(w);
      break;
    }
  }
  // python3.11 -> python, ruby2.7 -> ruby
  while (!program.empty() &&
         (std::isdigit(static_cast<unsigned char>(program.back())) || program.back() == '.')) {
    program.remove_suffix(1);
  }
  return std::string(program);
}

const Language& LanguageRegistry::add(LanguageSpec spec,
                                      std::shared_ptr<const GrammarLibrary> library) {
  if (spec.name.empty()) throw std::invalid_argument("a language needs a name");
  if (!spec.grammar) throw std::invalid_argument("language '" + spec.name + "' has no grammar");
  auto language = std::make_unique<Language>(std::move(spec), std::move(library));
  for (auto& existing : languages_) {
    if (existing->name() == language->name()) {
      existing = std::move(language);
      return *existing;
    }
  }
  languages_.push_back(std::move(language));
  return *languages_.back();
}

const Language& LanguageRegistry::add_from_library(LanguageSpec spec,
                                                   const std::filesystem::path& library,
                                                   const std::filesystem::path& query_dir) {
  auto loaded = GrammarLibrary::load(library, spec.name);
  auto [chunks, folds] = read_query_dir(query_dir);
  if (!contains(spec.language_ids, spec.name)) spec.language_ids.push_back(spec.name);
  spec.grammar = loaded->language();
  spec.chunks_query = std::move(chunks);
  spec.folds_query = std::move(folds);
  return add(std::move(spec), std::move(loaded));
}

void LanguageRegistry::set_queries(std::string_view name, QuerySource chunks, QuerySource folds) {
  for (auto& existing : languages_) {
    if (existing->name() != name) continue;
    LanguageSpec spec = existing->spec();
    spec.chunks_query = std::move(chunks);
    spec.folds_query = std::move(folds);
    // A fresh entry: the old one may already hold compiled queries.
    existing = std::make_unique<Language>(std::move(spec), nullptr);
    return;
  }
  throw std::invalid_argument("unknown language '" + std::string(name) + "'");
}

const Language* LanguageRegistry::find(std::string_view name_or_id) const {
  for (const auto& language : languages_) {
    if (language->name() == name_or_id) return language.get();
  }
  for (const auto& language : languages_) {
    if (contains(language->spec().language_ids, name_or_id)) return language.get();
  }
  return nullptr;
}

const Language* LanguageRegistry::detect(const DetectionHints& hints) const {
  if (!hints.language_id.empty()) {
    if (const Language* language = find(hints.language_id)) return language;
  }
  if (!hints.path.empty()) {
    const std::filesystem::path path(hints.path);
    const std::string file_name = path.filename().string();
    for (const auto& language : languages_) {
      if (contains(language->spec().file_names, file_name)) return language.get();
    }
    // Exact extension first (".C" is C++ by convention), then case-insensitive.
    const std::string extension = path.extension().string();
    if (!extension.empty()) {
      for (const auto& language : languages_) {
        if (contains(language->spec().extensions, extension)) return language.get();
      }
      const std::string lower = lowercase(extension);
      for (const auto& language : languages_) {
        if (contains(language->spec().extensions, lower)) return language.get();
      }
    }
  }
  const std::string interpreter = shebang_interpreter(hints.content);
  if (!interpreter.empty()) {
    for (const auto& language : languages_) {
      if (contains(language->spec().interpreters, interpreter)) return language.get();
    }
  }
  return nullptr;
}

std::vector<WarmUpFailure> LanguageRegistry::warm_up(std::span<const std::string> names) const {
  std::vector<WarmUpFailure> failures;
  for (const auto& language : languages_) {
    if (!names.empty() && std::find(names.begin(), names.end(), language->name()) == names.end()) {
      continue;
    }
    try {
      (void)language->queries();
    } catch (const QueryCompileError& e) {
      failures.push_back({language->name(), e.what()});
    }
  }
  return failures;
}

std::vector<const Language*> LanguageRegistry::languages() const {
  std::vector<const Language*> out;
  out.reserve(languages_.size());
  for (const auto& language : languages_)
    out.push_back(language.get());
  return out;
}

}  // namespace chunkls
