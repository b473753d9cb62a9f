// BenchFile: the one real file an in-process benchmark works on: CHUNKLS_BENCH_FILE and
// CHUNKLS_BENCH_LANGUAGE, else the benchmark's defaults. Loaded once, read-only after.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "engine/syntax/language_registry.h"

namespace chunkls::bench {

struct BenchFile {
  std::string path;
  std::string text;
  const Language* language = nullptr;
};

inline const LanguageRegistry& bench_registry() {
  static const LanguageRegistry registry = LanguageRegistry::with_builtins();
  return registry;
}

// Throws std::runtime_error when the file cannot be read or the language is unknown.
inline BenchFile load_bench_file(const std::string& default_path,
                                 const std::string& default_language) {
  BenchFile out;
  const char* file = std::getenv("CHUNKLS_BENCH_FILE");
  const char* language = std::getenv("CHUNKLS_BENCH_LANGUAGE");
  out.path = file ? file : default_path;
  std::ifstream stream(out.path, std::ios::binary);
  if (!stream) throw std::runtime_error("cannot read " + out.path);
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  out.text = buffer.str();
  out.language = bench_registry().find(language ? language : default_language);
  if (out.language == nullptr) throw std::runtime_error("no such language");
  return out;
}

}  // namespace chunkls::bench
