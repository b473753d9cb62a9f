// The built-in languages, made once per fuzz process (compiling their queries is the
// slow part) and immutable afterwards; a target picks one by an input byte.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "engine/syntax/language_registry.h"

namespace chunkls::fuzz {

inline const LanguageRegistry& registry() {
  static const LanguageRegistry registry = LanguageRegistry::with_builtins();
  return registry;
}

// The languages by name (bash, c, cpp, go, java, javascript, json, python, ruby, rust,
// tsx, typescript), so a byte names the same one in every build and seeds can be made.
inline const Language& language_for(std::uint8_t selector) {
  static const std::vector<const Language*> languages = [] {
    std::vector<const Language*> all = registry().languages();
    std::sort(all.begin(), all.end(),
              [](const Language* a, const Language* b) { return a->name() < b->name(); });
    return all;
  }();
  return *languages[selector % languages.size()];
}

}  // namespace chunkls::fuzz
