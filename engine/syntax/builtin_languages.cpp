// The languages compiled into chunkls: one table row each. Adding a language means a
// grammar in package.json + cmake/TreeSitter.cmake, a row here, and
// engine/queries/<name>/{chunks,folds}.scm.
#include <string>
#include <vector>

#include "engine/syntax/embedded_queries.h"
#include "engine/syntax/language_registry.h"

extern "C" {
const TSLanguage* tree_sitter_bash();
const TSLanguage* tree_sitter_c();
const TSLanguage* tree_sitter_cpp();
const TSLanguage* tree_sitter_go();
const TSLanguage* tree_sitter_java();
const TSLanguage* tree_sitter_javascript();
const TSLanguage* tree_sitter_json();
const TSLanguage* tree_sitter_python();
const TSLanguage* tree_sitter_ruby();
const TSLanguage* tree_sitter_rust();
const TSLanguage* tree_sitter_typescript();
const TSLanguage* tree_sitter_tsx();
}

namespace chunkls {
namespace {

struct BuiltinRow {
  const char* name;
  const TSLanguage* (*grammar)();
  std::vector<std::string> language_ids;
  std::vector<std::string> extensions;
  std::vector<std::string> file_names;
  std::vector<std::string> interpreters;
};

std::vector<BuiltinRow> builtin_rows() {
  return {
      {"python",
       tree_sitter_python,
       {"python"},
       {".py", ".pyi", ".pyw"},
       {"SConstruct", "SConscript"},
       {"python", "pypy"}},
      {"javascript",
       tree_sitter_javascript,
       {"javascript", "javascriptreact", "js", "jsx"},
       {".js", ".mjs", ".cjs", ".jsx"},
       {},
       {"node", "nodejs"}},
      {"typescript",
       tree_sitter_typescript,
       {"typescript", "ts"},
       {".ts", ".mts", ".cts"},
       {},
       {"ts-node", "tsx", "deno", "bun"}},
      {"tsx", tree_sitter_tsx, {"typescriptreact"}, {".tsx"}, {}, {}},
      {"c", tree_sitter_c, {"c"}, {".c", ".h"}, {}, {}},
      {"cpp",
       tree_sitter_cpp,
       {"cpp", "c++", "cuda-cpp"},
       {".cc", ".cpp", ".cxx", ".c++", ".C", ".hh", ".hpp", ".hxx", ".h++", ".H", ".ipp", ".tpp",
        ".inl", ".cu", ".cuh"},
       {},
       {}},
      {"rust", tree_sitter_rust, {"rust"}, {".rs"}, {}, {}},
      {"go", tree_sitter_go, {"go"}, {".go"}, {}, {}},
      {"java", tree_sitter_java, {"java"}, {".java"}, {}, {}},
      {"ruby",
       tree_sitter_ruby,
       {"ruby"},
       {".rb", ".rake", ".gemspec", ".ru"},
       {"Gemfile", "Rakefile", "Guardfile", "Vagrantfile", "Podfile"},
       {"ruby", "jruby"}},
      {"bash",
       tree_sitter_bash,
       {"shellscript", "bash", "sh", "shell"},
       {".sh", ".bash", ".bats", ".zsh", ".ksh"},
       {".bashrc", ".bash_profile", ".bash_logout", ".profile", ".zshrc", "PKGBUILD", "APKBUILD"},
       {"bash", "sh", "dash", "ksh", "zsh", "ash", "mksh"}},
      {"json",
       tree_sitter_json,
       {"json", "jsonc"},
       {".json", ".jsonc", ".geojson", ".webmanifest"},
       {".babelrc", ".eslintrc", ".prettierrc", "composer.lock", "flake.lock"},
       {}},
  };
}

QuerySource embedded(std::string_view language, std::string_view name, int depth = 0) {
  for (const EmbeddedQuery& q : embedded_queries()) {
    if (q.language != language || q.name != name) continue;
    QuerySource source{std::string(q.path), std::string(q.text)};
    // `; inherits: typescript` on the first line: that language's query comes first.
    constexpr std::string_view kInherits = "; inherits: ";
    if (depth < 4 && q.text.starts_with(kInherits)) {
      const std::string_view rest = q.text.substr(kInherits.size());
      const std::string_view parent = rest.substr(0, rest.find_first_of("\r\n "));
      QuerySource base = embedded(parent, name, depth + 1);
      source.inherited_path = base.path;
      source.inherited_bytes = static_cast<std::uint32_t>(base.text.size() + 1);
      source.text = base.text + "\n" + source.text;
    }
    return source;
  }
  return {"engine/queries/" + std::string(language) + "/" + std::string(name) + ".scm", ""};
}

}  // namespace

LanguageRegistry LanguageRegistry::with_builtins() {
  LanguageRegistry registry;
  for (BuiltinRow& row : builtin_rows()) {
    LanguageSpec spec;
    spec.name = row.name;
    spec.language_ids = std::move(row.language_ids);
    spec.extensions = std::move(row.extensions);
    spec.file_names = std::move(row.file_names);
    spec.interpreters = std::move(row.interpreters);
    spec.grammar = row.grammar();
    spec.chunks_query = embedded(row.name, "chunks");
    spec.folds_query = embedded(row.name, "folds");
    registry.add(std::move(spec));
  }
  return registry;
}

}  // namespace chunkls
