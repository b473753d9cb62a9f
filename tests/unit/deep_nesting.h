// Generators of deeply nested source text, one per built-in language: objects, dicts,
// blocks or groups nested `depth` times, the shape hostile or minified input takes (a
// 240 KB line of JSON can nest 40,000 levels). Shared by the engine and CLI tests.
//
// Plain functions, no state.
#pragma once

#include <string>
#include <vector>

namespace chunkls::testing {

struct NestedSource {
  std::string language;
  std::string file_name;  // with the extension that selects the language
  std::string text;
};

inline std::string repeat(const std::string& piece, int times) {
  std::string out;
  out.reserve(piece.size() * static_cast<std::size_t>(times));
  for (int i = 0; i < times; ++i)
    out += piece;
  return out;
}

// How each language nests: `prefix`, then `open` × depth, `middle`, `close` × depth,
// then `suffix`, on one line.
struct NestingShape {
  const char* language;
  const char* file_name;
  const char* prefix;
  const char* open;
  const char* middle;
  const char* close;
  const char* suffix;
};

inline const std::vector<NestingShape>& nesting_shapes() {
  static const std::vector<NestingShape> shapes = {
      {"json", "deep.json", "", "{\"a\":", "1", "}", ""},
      {"python", "deep.py", "x = ", "{'a': ", "1", "}", "\n"},
      {"javascript", "deep.js", "x = ", "{a: ", "1", "}", ";\n"},
      {"typescript", "deep.ts", "let x = ", "{a: [", "1", "]}", ";\n"},
      {"tsx", "deep.tsx", "let x = ", "{a: ", "1", "}", ";\n"},
      {"c", "deep.c", "void f(void) ", "{", "", "}", "\n"},
      {"cpp", "deep.cpp", "namespace n ", "{ struct s ", "", "; }", "\n"},
      {"rust", "deep.rs", "fn f() ", "{", "", "}", "\n"},
      {"go", "deep.go", "package p\nfunc f() ", "{", "", "}", "\n"},
      {"java", "deep.java", "class A { void f() ", "{", "", "}", " }\n"},
      {"ruby", "deep.rb", "x = ", "{a: [", "1", "]}", "\n"},
      {"bash", "deep.sh", "f() ", "{ ", ":", "; }", "\n"},
  };
  return shapes;
}

// The languages of nesting_shapes(), in its order: test parameters (made in every
// process of a test binary at start-up, so not the megabytes of text themselves).
inline std::vector<std::string> nested_languages() {
  std::vector<std::string> out;
  for (const NestingShape& shape : nesting_shapes())
    out.emplace_back(shape.language);
  return out;
}

// One language's source nesting `depth` levels.
inline NestedSource nested_source(const std::string& language, int depth) {
  for (const NestingShape& s : nesting_shapes()) {
    if (language != s.language) continue;
    return {s.language, s.file_name,
            s.prefix + repeat(s.open, depth) + s.middle + repeat(s.close, depth) + s.suffix};
  }
  return {};
}

// One source per language, each nesting `depth` levels.
inline std::vector<NestedSource> nested_sources(int depth) {
  std::vector<NestedSource> out;
  for (const NestingShape& shape : nesting_shapes())
    out.push_back(nested_source(shape.language, depth));
  return out;
}

}  // namespace chunkls::testing
