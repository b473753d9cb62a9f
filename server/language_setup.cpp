#include "server/language_setup.h"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace chunkls {
namespace {

std::pair<std::string, std::string> split_assignment(const std::string& flag, const char* option) {
  const auto eq = flag.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == flag.size()) {
    throw std::runtime_error(fmt::format("{} expects NAME=PATH, got '{}'", option, flag));
  }
  return {flag.substr(0, eq), flag.substr(eq + 1)};
}

std::vector<std::string> string_list(const nlohmann::json& entry, const char* key) {
  std::vector<std::string> out;
  if (!entry.contains(key)) return out;
  for (const auto& v : entry.at(key))
    out.push_back(v.get<std::string>());
  return out;
}

}  // namespace

std::vector<ExtraLanguage> read_language_config(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(fmt::format("cannot read config file {}", file.string()));
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(in);
    std::vector<ExtraLanguage> out;
    if (!config.contains("languages")) return out;
    const auto base = file.parent_path();
    for (const auto& entry : config.at("languages")) {
      ExtraLanguage language;
      language.name = entry.at("name").get<std::string>();
      // Relative paths are relative to the config file.
      if (entry.contains("grammar"))
        language.library = base / entry.at("grammar").get<std::string>();
      if (entry.contains("queries"))
        language.query_dir = base / entry.at("queries").get<std::string>();
      language.extensions = string_list(entry, "extensions");
      language.language_ids = string_list(entry, "languageIds");
      out.push_back(std::move(language));
    }
    return out;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("bad config file {}: {}", file.string(), e.what()));
  }
}

LanguageRegistry LanguageSetup::build_registry() const {
  LanguageRegistry registry = LanguageRegistry::with_builtins();
  std::vector<ExtraLanguage> extras;
  if (config_file) extras = read_language_config(*config_file);

  // Flags win over the config file: merge by name.
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < extras.size(); ++i)
    index[extras[i].name] = i;
  auto entry = [&](const std::string& name) -> ExtraLanguage& {
    auto [it, inserted] = index.emplace(name, extras.size());
    if (inserted) {
      ExtraLanguage fresh;
      fresh.name = name;
      extras.push_back(std::move(fresh));
    }
    return extras[it->second];
  };
  for (const auto& flag : grammar_flags) {
    auto [name, path] = split_assignment(flag, "--grammar");
    entry(name).library = path;
  }
  for (const auto& flag : query_flags) {
    auto [name, path] = split_assignment(flag, "--queries");
    entry(name).query_dir = path;
  }

  for (const ExtraLanguage& extra : extras) {
    if (!extra.library.empty()) {
      if (extra.query_dir.empty()) {
        throw std::runtime_error(fmt::format(
            "grammar '{}' needs a query directory (--queries {}=DIR)", extra.name, extra.name));
      }
      LanguageSpec spec;
      spec.name = extra.name;
      spec.extensions = extra.extensions;
      spec.language_ids = extra.language_ids;
      registry.add_from_library(std::move(spec), extra.library, extra.query_dir);
    } else if (!extra.query_dir.empty()) {
      if (!registry.find(extra.name)) {
        throw std::runtime_error(fmt::format(
            "--queries {}: unknown language (give its grammar with --grammar {}=LIB.so)",
            extra.name, extra.name));
      }
      auto [chunks, folds] = read_query_dir(extra.query_dir);
      registry.set_queries(extra.name, std::move(chunks), std::move(folds));
    }
    // Report broken queries now, with their file and position, not on first use.
    for (const auto& failure : registry.warm_up(std::vector<std::string>{extra.name})) {
      throw std::runtime_error(failure.message);
    }
  }
  return registry;
}

}  // namespace chunkls
