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

// One source per language, each nesting `depth` levels on one line.
inline std::vector<NestedSource> nested_sources(int depth) {
  const auto wrap = [&](const std::string& open, const std::string& middle,
                        const std::string& close) {
    return repeat(open, depth) + middle + repeat(close, depth);
  };
  return {
      {"json", "deep.json", wrap("{\"a\":", "1", "}")},
      {"python", "deep.py", "x = " + wrap("{'a': ", "1", "}") + "\n"},
      {"javascript", "deep.js", "x = " + wrap("{a: ", "1", "}") + ";\n"},
      {"typescript", "deep.ts", "let x = " + wrap("{a: [", "1", "]}") + ";\n"},
      {"tsx", "deep.tsx", "let x = " + wrap("{a: ", "1", "}") + ";\n"},
      {"c", "deep.c", "void f(void) " + wrap("{", "", "}") + "\n"},
      {"cpp", "deep.cpp", "namespace n " + wrap("{ struct s ", "", "; }") + "\n"},
      {"rust", "deep.rs", "fn f() " + wrap("{", "", "}") + "\n"},
      {"go", "deep.go", "package p\nfunc f() " + wrap("{", "", "}") + "\n"},
      {"java", "deep.java", "class A { void f() " + wrap("{", "", "}") + " }\n"},
      {"ruby", "deep.rb", "x = " + wrap("{a: [", "1", "]}") + "\n"},
      {"bash", "deep.sh", "f() " + wrap("{ ", ":", "; }") + "\n"},
  };
}

}  // namespace chunkls::testing
