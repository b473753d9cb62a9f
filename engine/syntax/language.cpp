#include "engine/syntax/language.h"

#include <utility>

namespace chunkls {

Language::Language(LanguageSpec spec, std::shared_ptr<const GrammarLibrary> library)
    : spec_(std::move(spec)), library_(std::move(library)) {}

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
