// textDocument/documentSymbol: hierarchical DocumentSymbol[] or flat SymbolInformation[]
// as the client asks, exact names, kinds and positions for small snippets of six
// languages, and on every fixture the invariants plus agreement with `chunkls chunk`.
#include <gtest/gtest.h>

#include <filesystem>

#include "lsp_test_support.h"
#include "tests/cli/subprocess.h"

namespace chunkls::e2e {
namespace {

namespace fs = std::filesystem;

// LSP SymbolKind numbers.
constexpr int kNamespace = 3, kClass = 5, kMethod = 6, kField = 8, kInterface = 11, kFunction = 12,
              kConstant = 14, kStruct = 23;
constexpr int kAnyKind = 0;

// One symbol of a pre-order walk: depth, name, kind, first and last line of its range,
// and where its name starts.
struct Expected {
  int depth;
  std::string name;
  int kind;
  int first_line, last_line;
  int name_line, name_character;
};

void walk(const Json& symbols, int depth, std::vector<std::pair<int, Json>>& out) {
  for (const Json& s : symbols) {
    out.emplace_back(depth, s);
    if (s.contains("children")) walk(s["children"], depth + 1, out);
  }
}

void expect_outline(const Json& symbols, const std::vector<Expected>& expected) {
  std::vector<std::pair<int, Json>> got;
  walk(symbols, 0, got);
  ASSERT_EQ(got.size(), expected.size()) << symbols.dump(1);
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto& [depth, s] = got[i];
    const Expected& e = expected[i];
    SCOPED_TRACE(e.name);
    EXPECT_EQ(depth, e.depth);
    EXPECT_EQ(s["name"], e.name);
    if (e.kind != kAnyKind) {
      EXPECT_EQ(s["kind"], e.kind);
    }
    EXPECT_EQ(s["range"]["start"]["line"], e.first_line);
    EXPECT_EQ(s["range"]["end"]["line"], e.last_line);
    EXPECT_EQ(s["selectionRange"]["start"], position(e.name_line, e.name_character));
    EXPECT_EQ(s["selectionRange"]["end"],
              position(e.name_line, e.name_character + static_cast<int>(e.name.size())));
  }
}

Json symbols_of(const std::string& uri, const std::string& language_id, const std::string& text,
                const ClientOptions& options = {}) {
  LspClient client = start_initialized(options);
  open_document(client, uri, language_id, text);
  return document_symbols(client, uri);
}

constexpr const char* kPython = R"(import os
import sys


# first comment
# second comment
class Greeter:
    def hello(self):
        return 1


def main():
    pass
)";

TEST(DocumentSymbol, PythonHierarchy) {
  const Json symbols = symbols_of("file:///a.py", "python", kPython);
  expect_outline(symbols, {{0, "Greeter", kClass, 4, 8, 6, 6},
                           {1, "hello", kMethod, 7, 8, 7, 8},
                           {0, "main", kFunction, 11, 12, 11, 4}});
  EXPECT_EQ(symbols[0]["detail"], "class Greeter");
  EXPECT_EQ(symbols[0]["children"][0]["detail"], "def hello(self)");
  EXPECT_EQ(symbols[1]["range"], range(11, 0, 12, 8));
  EXPECT_EQ(symbols[1]["selectionRange"], range(11, 4, 11, 8));
}

TEST(DocumentSymbol, CppHierarchy) {
  const Json symbols = symbols_of("file:///a.cpp", "cpp", R"(namespace app {
struct Point {
  int x;
};
class Widget {
 public:
  void draw() {
    return;
  }
};
int helper(int x) {
  return x;
}
}  // namespace app
)");
  expect_outline(symbols, {{0, "app", kNamespace, 0, 13, 0, 10},
                           {1, "Point", kStruct, 1, 3, 1, 7},
                           {2, "x", kField, 2, 2, 2, 6},
                           {1, "Widget", kClass, 4, 9, 4, 6},
                           {2, "draw", kMethod, 6, 8, 6, 7},
                           {1, "helper", kFunction, 10, 12, 10, 4}});
}

TEST(DocumentSymbol, GoHierarchy) {
  const Json symbols = symbols_of("file:///a.go", "go", R"(package main

type Server struct {
	port int
}

func (s *Server) Start() error {
	return nil
}

func main() {
}
)");
  expect_outline(symbols, {{0, "Server", kStruct, 2, 4, 2, 5},
                           {1, "port", kField, 3, 3, 3, 1},
                           {0, "Start", kMethod, 6, 8, 6, 17},
                           {0, "main", kFunction, 10, 11, 10, 5}});
}

TEST(DocumentSymbol, RustHierarchy) {
  const Json symbols = symbols_of("file:///a.rs", "rust", R"(struct Point {
    x: i32,
}

impl Point {
    fn norm(&self) -> i32 {
        self.x
    }
}

fn main() {
}
)");
  expect_outline(symbols, {{0, "Point", kStruct, 0, 2, 0, 7},
                           {1, "x", kField, 1, 1, 1, 4},
                           {0, "Point", kAnyKind, 4, 8, 4, 5},
                           {1, "norm", kMethod, 5, 7, 5, 7},
                           {0, "main", kFunction, 10, 11, 10, 3}});
}

TEST(DocumentSymbol, JavaScriptHierarchy) {
  const Json symbols = symbols_of("file:///a.js", "javascript", R"(class Greeter {
  hello() {
    return 1;
  }
}

function main() {
  return 2;
}
)");
  expect_outline(symbols, {{0, "Greeter", kClass, 0, 4, 0, 6},
                           {1, "hello", kMethod, 1, 3, 1, 2},
                           {0, "main", kFunction, 6, 8, 6, 9}});
}

TEST(DocumentSymbol, TypeScriptHierarchy) {
  const Json symbols = symbols_of("file:///a.ts", "typescript", R"(interface Shape {
  area(): number;
}

class Square implements Shape {
  area(): number {
    return 1;
  }
}

function make(): Shape {
  return new Square();
}
)");
  expect_outline(symbols, {{0, "Shape", kInterface, 0, 2, 0, 10},
                           {1, "area", kMethod, 1, 1, 1, 2},
                           {0, "Square", kClass, 4, 8, 4, 6},
                           {1, "area", kMethod, 5, 7, 5, 2},
                           {0, "make", kFunction, 10, 12, 10, 9}});
}

TEST(DocumentSymbol, LanguageComesFromTheLanguageIdNotTheExtension) {
  const Json symbols = symbols_of("file:///script.txt", "python", "def run():\n    pass\n");
  EXPECT_EQ(outline(symbols), std::vector<std::string>{"run@0"});
}

TEST(DocumentSymbol, FlatSymbolInformationWithoutHierarchySupport) {
  ClientOptions options;
  options.hierarchical_symbols = false;
  const Json symbols = symbols_of("file:///a.py", "python", kPython, options);
  ASSERT_EQ(symbols.size(), 3u) << symbols.dump(1);
  for (const Json& s : symbols) {
    EXPECT_FALSE(s.contains("children")) << s.dump();
    EXPECT_FALSE(s.contains("selectionRange")) << s.dump();
    EXPECT_EQ(s["location"]["uri"], "file:///a.py");
  }
  EXPECT_EQ(symbols[0]["name"], "Greeter");
  EXPECT_EQ(symbols[0]["kind"], kClass);
  EXPECT_EQ(symbols[0]["location"]["range"], range(4, 0, 8, 16));
  EXPECT_TRUE(symbols[0].value("containerName", "").empty());
  EXPECT_EQ(symbols[1]["name"], "hello");
  EXPECT_EQ(symbols[1]["kind"], kMethod);
  EXPECT_EQ(symbols[1]["containerName"], "Greeter");
  EXPECT_EQ(symbols[1]["location"]["range"], range(7, 4, 8, 16));
  EXPECT_EQ(symbols[2]["name"], "main");
  EXPECT_EQ(symbols[2]["kind"], kFunction);
  EXPECT_TRUE(symbols[2].value("containerName", "").empty());
}

TEST(DocumentSymbol, JavaScriptConstant) {
  const Json symbols =
      symbols_of("file:///c.js", "javascript", "const limit = 10;\nfunction f() {}\n");
  expect_outline(symbols, {{0, "limit", kConstant, 0, 0, 0, 6}, {0, "f", kFunction, 1, 1, 1, 9}});
}

TEST(DocumentSymbol, EmptyDocumentHasNoSymbols) {
  const Json symbols = symbols_of("file:///empty.py", "python", "");
  EXPECT_EQ(symbols, Json::array());
}

// --- every fixture ---------------------------------------------------------------

class FixtureSymbols : public ::testing::TestWithParam<FixtureFile> {};

void check_tree(const Json& symbols, const Json* parent) {
  for (const Json& s : symbols) {
    SCOPED_TRACE(s.value("name", "?"));
    ASSERT_TRUE(s["name"].is_string());
    EXPECT_FALSE(s["name"].get<std::string>().empty());
    EXPECT_GE(s["kind"].get<int>(), 1);
    EXPECT_LE(s["kind"].get<int>(), 26);
    EXPECT_TRUE(range_contains(s["range"], s["selectionRange"])) << s.dump();
    if (parent) {
      EXPECT_TRUE(range_contains((*parent)["range"], s["range"])) << s.dump();
    }
    if (s.contains("children")) check_tree(s["children"], &s);
  }
}

TEST_P(FixtureSymbols, SelectionInsideRangeAndNamesNonEmpty) {
  const fs::path file = GetParam().path();
  const Json symbols =
      symbols_of(file_uri(file), GetParam().language_id, read_text_file(file), ClientOptions{});
  ASSERT_FALSE(symbols.empty());
  check_tree(symbols, nullptr);
}

// With utf-8 positions the server's symbols are the chunker's chunks, position for
// position: `chunkls chunk --format json` says what they must be.
TEST_P(FixtureSymbols, AgreeWithTheChunkCommand) {
  const fs::path file = GetParam().path();
  const auto cli = chunkls::testing::run_process(
      {kBinary, "chunk", "--format", "json", "--language", GetParam().language_id, file.string()});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  const Json chunks = Json::parse(cli.out)["files"][0]["chunks"];

  ClientOptions options;
  options.position_encodings = {"utf-8"};
  std::vector<std::pair<int, Json>> symbols;
  walk(symbols_of(file_uri(file), GetParam().language_id, read_text_file(file), options), 0,
       symbols);
  ASSERT_EQ(symbols.size(), chunks.size());
  const auto lsp_range = [](const Json& r) {
    return range(r["start"]["line"], r["start"]["column"], r["end"]["line"], r["end"]["column"]);
  };
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    const auto& [depth, s] = symbols[i];
    const Json& c = chunks[i];
    SCOPED_TRACE(c["qualified_name"].get<std::string>());
    EXPECT_EQ(s["name"], c["name"]);
    EXPECT_EQ(depth, c["depth"]);
    EXPECT_EQ(s["range"], lsp_range(c["range"]));
    EXPECT_EQ(s["selectionRange"], lsp_range(c["selection_range"]));
  }
}

INSTANTIATE_TEST_SUITE_P(DocumentSymbol, FixtureSymbols, ::testing::ValuesIn(fixture_files()),
                         [](const auto& test) { return test.param.name(); });

}  // namespace
}  // namespace chunkls::e2e
