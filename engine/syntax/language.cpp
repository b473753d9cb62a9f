#include "engine/syntax/language.h"

#include <xxhash.h>

#include <string_view>
#include <utility>

namespace chunkls {

namespace {

std::uint64_t identity_of(const LanguageSpec& spec) {
  XXH3_state_t* state = XXH3_createState();
  if (!state) return 0;
  XXH3_64bits_reset(state);
  auto add = [&](std::string_view bytes) {
    // Lengths first, so adjacent fields cannot trade bytes.
    const std::uint64_t size = bytes.size();
    XXH3_64bits_update(state, &size, sizeof size);
    XXH3_64bits_update(state, bytes.data(), bytes.size());
  };
  auto add_number = [&](std::uint64_t n) { XXH3_64bits_update(state, &n, sizeof n); };
  add(spec.name);
  if (const TSLanguage* grammar = spec.grammar) {
    add_number(ts_language_abi_version(grammar));
    add_number(ts_language_symbol_count(grammar));
    add_number(ts_language_state_count(grammar));
    add_number(ts_language_field_count(grammar));
    if (const TSLanguageMetadata* version = ts_language_metadata(grammar)) {
      add_number(version->major_version);
      add_number(version->minor_version);
      add_number(version->patch_version);
    }
  }
  add(spec.chunks_query.text);
  add(spec.folds_query.text);
  const std::uint64_t out = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return out;
}

}  // namespace

Language::Language(LanguageSpec spec, std::shared_ptr<const GrammarLibrary> library)
    : spec_(std::move(spec)), identity_(identity_of(spec_)), library_(std::move(library)) {}

const QuerySet& Language::queries() const {
  std::call_once(compiled_, [this] {
    try {
      queries_ = QuerySet::compile(spec_.grammar, spec_.chunks_query, spec_.folds_query);
    } catch (const QueryCompileError& e) {
      error_ = e;
    }
  });
  if (error_) throw *error_;
  return *queries_;
}

}  // namespace chunkls
