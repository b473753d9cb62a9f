// `chunkls chunk` as users and scripts run it: the real binary, its output formats,
// its exit codes (0 ok, 1 some file failed, 2 usage) and its error messages.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/deep_nesting.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;
using testing::run_process;

const std::string kBinary = CHUNKLS_BINARY;
const fs::path kSource = CHUNKLS_SOURCE_DIR;

using testing::TempDir;

constexpr const char* kPython = "class A:\n    def f(self):\n        pass\n\ndef g():\n    pass\n";

TEST(Cli, VersionAndHelp) {
  auto r = run_process({kBinary, "--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("chunkls 0."), std::string::npos) << r.out;
  r = run_process({kBinary, "chunk", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--format"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--language"), std::string::npos) << r.out;
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run_process({kBinary, "--port", "not-a-port"}).exit_code, 2) << "bad server option";
  EXPECT_EQ(run_process({kBinary, "chunk"}).exit_code, 2) << "no file";
  EXPECT_EQ(run_process({kBinary, "chunk", "--format", "xml", "x.py"}).exit_code, 2);
  EXPECT_EQ(run_process({kBinary, "chunk", "--bogus", "x.py"}).exit_code, 2);
  EXPECT_EQ(run_process({kBinary, "frobnicate"}).exit_code, 2);
}

// Without a subcommand chunkls is the language server: input that ends before
// `shutdown` makes it exit 1, as LSP says for an exit without shutdown.
TEST(Cli, NoSubcommandServesLspOnStdio) {
  const auto r = run_process({kBinary, "--log-level", "off"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(Cli, TextOutlineOfAFile) {
  TempDir dir;
  const auto file = dir.write("m.py", kPython);
  const auto r = run_process({kBinary, "chunk", file.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("(python, 3 chunks"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  class A"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    method f"), std::string::npos) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(Cli, JsonIsOneValidDocumentWithRangesAndParents) {
  TempDir dir;
  const auto file = dir.write("m.py", kPython);
  const auto r = run_process({kBinary, "chunk", "--format", "json", "--content", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["files"].size(), 1u);
  const auto& f = doc["files"][0];
  EXPECT_EQ(f["language"], "python");
  ASSERT_EQ(f["chunks"].size(), 3u);
  const auto& method = f["chunks"][1];
  EXPECT_EQ(method["kind"], "method");
  EXPECT_EQ(method["qualified_name"], "A.f");
  EXPECT_EQ(method["parent_id"], f["chunks"][0]["id"]);
  EXPECT_EQ(method["depth"], 1);
  EXPECT_EQ(method["range"]["start"]["line"], 1);
  EXPECT_EQ(method["range"]["start"]["column"], 4);
  EXPECT_EQ(method["selection_range"]["start"]["column"], 8);
  EXPECT_EQ(method["content"], "def f(self):\n        pass");
  EXPECT_TRUE(f["chunks"][0]["parent_id"].is_null());
  EXPECT_FALSE(f["folds"].empty());
}

TEST(Cli, JsonlIsOneObjectPerChunkAcrossFiles) {
  TempDir dir;
  const auto a = dir.write("a.py", kPython);
  const auto b = dir.write("b.c", "int main(void) {\n  return 0;\n}\n");
  const auto r = run_process({kBinary, "chunk", "--format", "jsonl", a.string(), b.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  std::vector<nlohmann::json> rows;
  while (std::getline(lines, line))
    rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3]["name"], "main");
  EXPECT_EQ(rows[3]["language"], "c");
  EXPECT_EQ(rows[3]["path"], b.string());
}

// The row of `--stats`'s table that starts with `name`, split on blanks.
std::vector<std::string> stats_row(const std::string& table, const std::string& name) {
  std::istringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> row;
    for (std::string word; words >> word;)
      row.push_back(word);
    if (!row.empty() && row[0] == name) return row;
  }
  return {};
}

TEST(Cli, EqualFilesAreParsedOnceWithTheIdsOfEachPath) {
  TempDir dir;
  const fs::path a = dir.write("a.py", kPython);
  const fs::path b = dir.write("b.py", kPython);
  const fs::path other = dir.write("other.py", "def h():\n    pass\n");
  const auto r = run_process({kBinary, "chunk", "--format", "json", "--stats", a.string(),
                              b.string(), a.string(), other.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto parse = stats_row(r.err, "parse");
  ASSERT_GE(parse.size(), 2u) << r.err;
  EXPECT_EQ(parse[1], "2") << "a.py, b.py and a.py again have the same bytes:\n" << r.err;
  const auto chunks = stats_row(r.err, "chunks");
  ASSERT_GE(chunks.size(), 5u) << r.err;
  EXPECT_EQ(chunks[3], "2") << "hits:\n" << r.err;
  EXPECT_EQ(chunks[4], "2") << "misses:\n" << r.err;
  EXPECT_FALSE(stats_row(r.err, "memory:").empty()) << r.err;

  // b.py's chunks came from a.py's, with ids for b.py: as if b.py alone was chunked.
  const nlohmann::json all = nlohmann::json::parse(r.out);
  const auto alone = run_process({kBinary, "chunk", "--format", "json", b.string()});
  ASSERT_EQ(alone.exit_code, 0);
  EXPECT_EQ(all["files"][1], nlohmann::json::parse(alone.out)["files"][0]);
  EXPECT_NE(all["files"][0]["chunks"][0]["id"], all["files"][1]["chunks"][0]["id"]);
}

TEST(Cli, TraceFileOpensAsAChromeTrace) {
  TempDir dir;
  const fs::path a = dir.write("a.py", kPython);
  const fs::path trace = dir.path() / "chunk.trace.json";
  const auto r = run_process({kBinary, "chunk", "--trace", trace.string(), a.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(trace);
  const nlohmann::json events = nlohmann::json::parse(in);
  ASSERT_TRUE(events.is_array());
  std::vector<std::string> names;
  for (const auto& e : events)
    names.push_back(e["name"].get<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{"thread_name", "parse", "chunk_whole", "serialize"}));
  EXPECT_EQ(events[1]["args"]["detail"], a.string());
}

TEST(Cli, StdinNeedsALanguageOrAShebang) {
  auto r = run_process({kBinary, "chunk", "--language", "python", "-"}, kPython);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("<stdin> (python, 3 chunks"), std::string::npos) << r.out;
  r = run_process({kBinary, "chunk", "-"}, "#!/usr/bin/env python3\ndef f():\n  pass\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("function f"), std::string::npos) << r.out;
  r = run_process({kBinary, "chunk", "-"}, "just words\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("-: unsupported language"), std::string::npos) << r.err;
}

TEST(Cli, EachFailureIsReportedAndTheRestStillRuns) {
  TempDir dir;
  const auto good = dir.write("good.py", kPython);
  const auto binary = dir.write("blob.py", std::string("def f():\0\0\0 pass\n", 18));
  const auto unknown = dir.write("notes.txt", "hello\n");
  const auto big = dir.write("big.py", std::string(2 << 20, '#'));
  const auto r = run_process({kBinary, "chunk", "--format", "jsonl",
                              (dir.path() / "missing.py").string(), binary.string(),
                              unknown.string(), big.string(), dir.path().string(), good.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("missing.py: unreadable"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("blob.py: binary file (NUL byte at offset 8)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("notes.txt: unsupported language"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("big.py: over the size limit"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(": unreadable: is a directory"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("\"name\":\"g\""), std::string::npos)
      << "the good file is still chunked: " << r.out;
  // --max-size 0 lifts the limit.
  const auto unlimited = run_process({kBinary, "chunk", "--max-size", "0", big.string()});
  EXPECT_EQ(unlimited.exit_code, 0) << unlimited.err;
}

TEST(Cli, UnknownForcedLanguageFails) {
  const auto r = run_process({kBinary, "chunk", "--language", "cobol", "-"}, "x");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unsupported language 'cobol'"), std::string::npos) << r.err;
}

TEST(Cli, InvalidUtf8StillGivesValidJson) {
  TempDir dir;
  const auto file = dir.write("u.py", "def caf\xc3\xa9():\n    return '\xff'\n");
  const auto r = run_process({kBinary, "chunk", "--format", "json", "--content", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["files"][0]["chunks"][0]["name"], "caf\xc3\xa9");
  EXPECT_NE(doc["files"][0]["chunks"][0]["content"].get<std::string>().find("\xef\xbf\xbd"),
            std::string::npos)
      << "the invalid byte is replaced by U+FFFD";
}

TEST(Cli, ExtraGrammarFromTheCommandLine) {
  TempDir dir;
  const auto file = dir.write("d.jsonx", "{\"top\": {\"leaf\": 1}}\n");
  const std::string queries = "jsonx=" + (kSource / "tests/fixtures/queries/jsonx").string();
  auto r =
      run_process({kBinary, "--grammar", std::string("jsonx=") + CHUNKLS_JSONX_GRAMMAR, "--queries",
                   queries, "chunk", "--language", "jsonx", "--format", "jsonl", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"qualified_name\":\"top.leaf\""), std::string::npos) << r.out;
  // A grammar without queries, a bad flag and a broken library are usage errors.
  r = run_process({kBinary, "--grammar", std::string("jsonx=") + CHUNKLS_JSONX_GRAMMAR, "chunk",
                   file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("needs a query directory"), std::string::npos) << r.err;
  r = run_process({kBinary, "--grammar", "nonsense", "chunk", file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("expects NAME=PATH"), std::string::npos) << r.err;
  r = run_process({kBinary, "--grammar", "yaml=/nonexistent.so", "--queries", "yaml=/tmp", "chunk",
                   file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot load grammar library /nonexistent.so"), std::string::npos) << r.err;
}

TEST(Cli, ExtraGrammarFromAConfigFile) {
  TempDir dir;
  const auto file = dir.write("d.jsonx", "{\"top\": 1}\n");
  const auto config =
      dir.write("config.json",
                nlohmann::json{{"languages",
                                {{{"name", "jsonx"},
                                  {"grammar", CHUNKLS_JSONX_GRAMMAR},
                                  {"queries", (kSource / "tests/fixtures/queries/jsonx").string()},
                                  {"extensions", {".jsonx"}}}}}}
                    .dump());
  const auto r = run_process(
      {kBinary, "--config", config.string(), "chunk", "--format", "jsonl", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"language\":\"jsonx\""), std::string::npos)
      << "detected by the extension: " << r.out;
  const auto bad = dir.write("bad.json", "{\"languages\": [{\"grammar\": 1}]}");
  const auto r2 = run_process({kBinary, "--config", bad.string(), "chunk", file.string()});
  EXPECT_EQ(r2.exit_code, 2);
  EXPECT_NE(r2.err.find("bad config file"), std::string::npos) << r2.err;
}

TEST(Cli, BrokenQueryOverrideReportsFileAndPosition) {
  TempDir dir;
  const auto file = dir.write("m.py", kPython);
  fs::create_directories(dir.path() / "q");
  dir.write("q/chunks.scm", "(function_definition) @chunk.function\n(identifier)) @name\n");
  const auto r = run_process(
      {kBinary, "--queries", "python=" + (dir.path() / "q").string(), "chunk", file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("q/chunks.scm:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("syntax error"), std::string::npos) << r.err;
}

// Nesting 100,000 levels deep in every language (what 120 KB of minified JSON can do):
// each file is chunked, and the process's peak memory stays bounded (quadratic copies of
// qualified names once took 960 MB for 20,000 levels and 3.5 GB for 40,000).
// (CHUNKLS_NESTING_DEPTH=N nests N levels instead: the sanitizer run of scripts/test
// takes 40,000, where the quadratic copies still went far past the bound.)
TEST(Cli, DeepNestingIsChunkedInBoundedMemory) {
  TempDir dir;
  constexpr long kMaxRssKb = 1024 * 1024;  // generous: sanitizer builds double memory
  const char* env = std::getenv("CHUNKLS_NESTING_DEPTH");
  const int depth = env != nullptr ? std::max(1000, std::atoi(env)) : 100000;
  for (const auto& source : testing::nested_sources(depth)) {
    SCOPED_TRACE(source.file_name);
    const fs::path file = dir.write(source.file_name, source.text);
    const auto r = run_process({kBinary, "chunk", "--max-size", "0", "--time-limit", "0",
                                "--format", "jsonl", file.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_LT(r.max_rss_kb, kMaxRssKb);
    if (source.language == "json") {
      EXPECT_NE(r.err.find(std::to_string(depth - 128) +
                           " chunks nested deeper than 128 levels are not listed"),
                std::string::npos)
          << r.err;
    }
  }
}

// `chunkls tree` walks without recursion and stops indenting at 64 levels, so a deep tree
// prints in lines of bounded length.
TEST(Cli, TreeOfDeeplyNestedInputHasBoundedLines) {
  TempDir dir;
  const auto sources = testing::nested_sources(10000);
  const fs::path file = dir.write("deep.json", sources.front().text);
  const auto r = run_process({kBinary, "tree", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  std::size_t count = 0;
  std::size_t longest = 0;
  while (std::getline(lines, line)) {
    ++count;
    longest = std::max(longest, line.size());
  }
  EXPECT_GT(count, 20000u) << "every object and pair is printed";
  EXPECT_LT(longest, 220u);
  EXPECT_NE(r.out.find("(depth 9999) "), std::string::npos);
}

}  // namespace
}  // namespace chunkls
