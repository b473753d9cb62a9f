#include "engine/syntax/language_registry.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace chunkls {
namespace {

using testing::builtin_registry;

std::string detect(std::string_view id, std::string_view path, std::string_view content = {}) {
  const Language* l =
      builtin_registry().detect({.language_id = id, .path = path, .content = content});
  return l ? l->name() : "<none>";
}

TEST(LanguageRegistry, HasTheTwelveFoundationLanguages) {
  for (const char* name : {"python", "javascript", "typescript", "tsx", "c", "cpp", "rust", "go",
                           "java", "ruby", "bash", "json"}) {
    const Language* l = builtin_registry().find(name);
    ASSERT_NE(l, nullptr) << name;
    EXPECT_NE(l->grammar(), nullptr) << name;
  }
}

TEST(LanguageRegistry, EveryBuiltinQueryCompiles) {
  const auto failures = builtin_registry().warm_up();
  for (const auto& f : failures)
    ADD_FAILURE() << f.language << ": " << f.message;
  EXPECT_TRUE(failures.empty());
}

TEST(LanguageRegistry, EveryBuiltinQueryHasAUsableWalkPlan) {
  // Without a plan the Chunker falls back to the full query walk: correct, but slower.
  for (const Language* l : builtin_registry().languages()) {
    EXPECT_TRUE(l->queries().plan().usable()) << l->name();
  }
}

TEST(LanguageRegistry, DetectsByLanguageIdFirst) {
  EXPECT_EQ(detect("typescriptreact", "x.txt"), "tsx");
  EXPECT_EQ(detect("shellscript", "x.py"), "bash")
      << "the client's languageId wins over the extension";
  EXPECT_EQ(detect("javascriptreact", ""), "javascript");
  EXPECT_EQ(detect("no-such-id", "a.rs"), "rust") << "an unknown id falls through to the path";
}

TEST(LanguageRegistry, DetectsByFileNameAndExtension) {
  EXPECT_EQ(detect("", "/src/lib/mod.py"), "python");
  EXPECT_EQ(detect("", "types.d.ts"), "typescript");
  EXPECT_EQ(detect("", "App.tsx"), "tsx");
  EXPECT_EQ(detect("", "main.go"), "go");
  EXPECT_EQ(detect("", "Main.java"), "java");
  EXPECT_EQ(detect("", "x.hpp"), "cpp");
  EXPECT_EQ(detect("", "x.C"), "cpp") << ".C is C++ by convention";
  EXPECT_EQ(detect("", "x.c"), "c");
  EXPECT_EQ(detect("", "X.PY"), "python") << "case-insensitive fallback";
  EXPECT_EQ(detect("", "/home/u/Gemfile"), "ruby");
  EXPECT_EQ(detect("", "/home/u/.bashrc"), "bash");
  EXPECT_EQ(detect("", "package.json"), "json");
}

TEST(LanguageRegistry, DetectsByShebang) {
  EXPECT_EQ(detect("", "bin/tool", "#!/usr/bin/env python3\nprint(1)\n"), "python");
  EXPECT_EQ(detect("", "bin/tool", "#!/bin/bash -e\n"), "bash");
  EXPECT_EQ(detect("", "bin/tool", "#!/usr/bin/env -S node --harmony\n"), "javascript");
  EXPECT_EQ(detect("", "bin/tool", "#! /usr/bin/ruby2.7\r\n"), "ruby");
  EXPECT_EQ(detect("", "", "#!/bin/sh\n"), "bash");
}

TEST(LanguageRegistry, UnknownIsNullNotACrash) {
  EXPECT_EQ(detect("", "notes.txt"), "<none>");
  EXPECT_EQ(detect("", "Makefile"), "<none>");
  EXPECT_EQ(detect("", "", ""), "<none>");
  EXPECT_EQ(detect("", "bin/tool", "#!/usr/bin/perl\n"), "<none>");
  EXPECT_EQ(builtin_registry().find("cobol"), nullptr);
}

TEST(ShebangInterpreter, StripsPathsVersionsAndEnvFlags) {
  EXPECT_EQ(shebang_interpreter("#!/usr/bin/python3.11"), "python");
  EXPECT_EQ(shebang_interpreter("#!/usr/bin/env -u FOO VAR=1 python3 -u"), "python");
  EXPECT_EQ(shebang_interpreter("#!/usr/bin/env"), "");
  EXPECT_EQ(shebang_interpreter("no shebang"), "");
  EXPECT_EQ(shebang_interpreter("#!"), "");
}

TEST(LanguageRegistry, SetQueriesReplacesALanguagesQueries) {
  LanguageRegistry registry = LanguageRegistry::with_builtins();
  registry.set_queries(
      "python", {"mine/chunks.scm", "(class_definition name: (identifier) @name) @chunk.class"},
      {"mine/folds.scm", ""});
  Chunker chunker;
  const auto out = chunker.chunk(*registry.find("python"), "class A:\n  def f(self): pass\n");
  ASSERT_EQ(out.chunks.size(), 1u) << "the replaced query has no function pattern";
  EXPECT_EQ(out.chunks[0].name, "A");
  EXPECT_THROW(registry.set_queries("cobol", {}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace chunkls
