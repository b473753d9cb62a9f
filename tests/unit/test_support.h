// Shared helpers for the engine unit tests: a registry of the built-in languages and
// short ways to chunk a string and to look chunks up by name.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/chunks/chunker.h"
#include "engine/syntax/language_registry.h"

namespace chunkls {

// Readable failures: GoogleTest prints chunks and folds field by field.
inline void PrintTo(const TextRange& r, std::ostream* out) {
  *out << "[" << r.start_byte << "," << r.end_byte << ")@" << r.start.row << ":" << r.start.column
       << "-" << r.end.row << ":" << r.end.column;
}
inline void PrintTo(const Chunk& c, std::ostream* out) {
  *out << "{" << to_string(c.kind) << " '" << c.name << "' id=" << chunk_id_hex(c.id)
       << " parent=" << c.parent << " depth=" << c.depth << " range=";
  PrintTo(c.range, out);
  *out << " def=";
  PrintTo(c.definition, out);
  *out << " sel=";
  PrintTo(c.selection, out);
  *out << " hash=" << c.content_hash << " detail='" << c.detail << "'}";
}
inline void PrintTo(const Fold& f, std::ostream* out) {
  *out << "{" << to_string(f.kind) << " rows " << f.start_row << "-" << f.end_row << " bytes "
       << f.start_byte << "-" << f.end_byte << " cols " << f.start_column << "-" << f.end_column
       << "}";
}

}  // namespace chunkls

namespace chunkls::testing {

inline const LanguageRegistry& builtin_registry() {
  static const LanguageRegistry registry = LanguageRegistry::with_builtins();
  return registry;
}

inline const Language& language(std::string_view name) {
  const Language* l = builtin_registry().find(name);
  if (!l) throw std::runtime_error("no language " + std::string(name));
  return *l;
}

inline ChunkedText chunk(std::string_view lang, std::string_view text,
                         std::string_view path = "t") {
  Chunker chunker;
  return chunker.chunk(language(lang), text, path);
}

inline const Chunk* find_chunk(const ChunkedText& c, std::string_view name) {
  for (std::size_t i = 0; i < c.chunks.size(); ++i) {
    if (qualified_name(c.chunks, i) == name) return &c.chunks[i];
  }
  return nullptr;
}

inline std::vector<std::string> qualified_names(const ChunkedText& c) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < c.chunks.size(); ++i)
    out.push_back(qualified_name(c.chunks, i));
  return out;
}

}  // namespace chunkls::testing
