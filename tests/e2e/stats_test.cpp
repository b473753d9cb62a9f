// chunkls/stats and what it proves: the caches serve real paths (a reopened file answers
// without parsing, an unchanged unopened file is a hit), the budgets come from the
// client's settings (bad values refused with a message naming them), the monitor counts
// every request, and `--trace FILE` writes a Chrome trace Perfetto can open.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "lsp_test_support.h"
#include "tests/support/file_tree.h"

namespace chunkls::e2e {
namespace {

namespace fs = std::filesystem;

Json stats(LspClient& client) {
  return result_of(client.request("chunkls/stats"));
}

std::int64_t parses(const Json& s) {
  return s["stages"]["parse"]["count"].get<std::int64_t>();
}

LspClient start_with_options(const Json& initialization_options,
                             const std::vector<std::string>& args = {}) {
  LspClient client = start_server(args);
  const Json params = {{"processId", nullptr},
                       {"rootUri", nullptr},
                       {"capabilities", client_capabilities({})},
                       {"initializationOptions", initialization_options}};
  const Json response = client.request("initialize", params);
  if (!response.contains("result")) throw std::runtime_error(response.dump());
  client.notify("initialized");
  return client;
}

TEST(Stats, HasTheDocumentedShape) {
  LspClient client = start_initialized();
  open_document(client, "file:///tmp/shape.py", "python", "def f():\n    pass\n");
  document_symbols(client, "file:///tmp/shape.py");
  const Json s = stats(client);
  EXPECT_TRUE(s["version"].is_string());
  EXPECT_GE(s["uptimeMs"].get<double>(), 0.0);
  EXPECT_EQ(s["documents"]["open"], 1);
  EXPECT_EQ(s["documents"]["textBytes"], 18);
  EXPECT_GT(s["memory"]["rssBytes"].get<std::int64_t>(), 1'000'000);
  for (const char* level : {"trees", "chunks", "files", "constructs"}) {
    for (const char* field :
         {"entries", "bytes", "maxEntries", "maxBytes", "ttlSeconds", "hits", "misses",
          "insertions", "evictions", "expirations", "invalidations", "rejections"}) {
      EXPECT_TRUE(s["caches"][level][field].is_number_integer()) << level << "." << field;
    }
  }
  for (const char* stage :
       {"parse", "canonical_parse", "chunk_whole", "chunk_update", "serialize"}) {
    for (const char* field : {"count", "totalMs", "p50Ms", "p95Ms", "p99Ms", "maxMs"}) {
      EXPECT_TRUE(s["stages"][stage][field].is_number()) << stage << "." << field;
    }
  }
  for (const char* field :
       {"acquired", "created", "reused", "dropped", "idle", "inUse", "maxIdle"}) {
    EXPECT_TRUE(s["parsers"][field].is_number_integer()) << "parsers." << field;
  }
  EXPECT_GE(s["parsers"]["acquired"].get<std::int64_t>(), 1);
  EXPECT_EQ(s["parsers"]["inUse"], 0);
  EXPECT_EQ(parses(s), 1);
  EXPECT_EQ(s["stages"]["chunk_whole"]["count"], 1);
  EXPECT_EQ(s["stages"]["serialize"]["count"], 1);
  EXPECT_EQ(s["requests"]["textDocument/documentSymbol"]["count"], 1);
  EXPECT_EQ(s["requests"]["initialize"]["count"], 1);
  const Json& symbols = s["requests"]["textDocument/documentSymbol"];
  EXPECT_LE(symbols["p50Ms"].get<double>(), symbols["maxMs"].get<double>());
}

TEST(Stats, AReopenedFileAnswersWithoutParsingAndEditsOnFromItsTree) {
  const std::string text = read_text_file(kSourceDir / "tests/fixtures/python/sample.py");
  const std::string uri = "file:///tmp/reopened.py";
  LspClient client = start_initialized();
  open_document(client, uri, "python", text);
  const Json first = document_symbols(client, uri);
  client.notify("textDocument/didClose", {{"textDocument", text_document(uri)}});
  const std::int64_t parsed = parses(stats(client));

  open_document(client, uri, "python", text, 2);
  EXPECT_EQ(document_symbols(client, uri), first);
  Json s = stats(client);
  EXPECT_EQ(parses(s), parsed) << "reopening parsed again";
  EXPECT_EQ(s["caches"]["chunks"]["hits"], 1);
  EXPECT_EQ(s["caches"]["trees"]["hits"], 1);

  // The first edit reparses incrementally from the cached tree and updates the chunks
  // from a window.
  change(client, uri, 3, {edit(range(0, 0, 0, 0), "# edited\n")});
  EXPECT_EQ(outline(document_symbols(client, uri)).size(), outline(first).size());
  s = stats(client);
  EXPECT_EQ(s["stages"]["chunk_update"]["count"], 1);
  EXPECT_EQ(s["stages"]["chunk_whole"]["count"], 1) << "only the first open chunked whole";
}

TEST(Stats, AnUnchangedUnopenedFileIsAHitAndAChangedOneIsNot) {
  TempDir dir;
  const fs::path file = dir.write("disk.py", "def before():\n    pass\n");
  // Old enough that its stamp is trusted (a file written within the last two seconds
  // may change again without its mtime moving).
  testing::age_file(file);
  LspClient client = start_initialized();
  EXPECT_EQ(outline(document_symbols(client, file_uri(file))),
            std::vector<std::string>{"before@0"});
  EXPECT_EQ(outline(document_symbols(client, file_uri(file))),
            std::vector<std::string>{"before@0"});
  Json s = stats(client);
  EXPECT_EQ(parses(s), 1);
  EXPECT_EQ(s["caches"]["chunks"]["hits"], 1);
  EXPECT_EQ(s["caches"]["files"]["hits"], 1) << "the stamp matched: not hashed again";

  // Same size, new bytes, new mtime: a miss, and the new answer.
  dir.write("disk.py", "def after_():\n    pass\n");
  EXPECT_EQ(outline(document_symbols(client, file_uri(file))),
            std::vector<std::string>{"after_@0"});
  s = stats(client);
  EXPECT_EQ(parses(s), 2);
  EXPECT_EQ(s["caches"]["files"]["hits"], 1);
}

TEST(Stats, CacheBudgetsComeFromInitializationOptionsAndConfigurationChanges) {
  LspClient client = start_with_options({{"cache",
                                          {{"trees", {{"maxEntries", 3}, {"maxBytes", 1000000}}},
                                           {"chunks", {{"ttlSeconds", 60}}}}}});
  Json s = stats(client);
  EXPECT_EQ(s["caches"]["trees"]["maxEntries"], 3);
  EXPECT_EQ(s["caches"]["trees"]["maxBytes"], 1000000);
  EXPECT_EQ(s["caches"]["chunks"]["ttlSeconds"], 60);
  EXPECT_EQ(s["caches"]["files"]["maxEntries"], 100000) << "the default";

  client.notify("workspace/didChangeConfiguration",
                {{"settings", {{"chunkls", {{"cache", {{"files", {{"maxEntries", 7}}}}}}}}}});
  s = stats(client);
  EXPECT_EQ(s["caches"]["files"]["maxEntries"], 7);
  EXPECT_EQ(s["caches"]["trees"]["maxEntries"], 3) << "unchanged settings stay";
}

TEST(Stats, ExpiredEntriesAreFreedWhenADocumentCloses) {
  LspClient client = start_initialized({}, {"--cache-chunks-ttl", "1", "--cache-trees-ttl", "1"});
  open_document(client, "file:///tmp/old.py", "python", "def old():\n    pass\n");
  document_symbols(client, "file:///tmp/old.py");
  client.notify("textDocument/didClose", {{"textDocument", text_document("file:///tmp/old.py")}});
  // Waiting longer than the time to live, whatever the machine's speed.
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  open_document(client, "file:///tmp/new.py", "python", "def new():\n    pass\n");
  document_symbols(client, "file:///tmp/new.py");
  client.notify("textDocument/didClose", {{"textDocument", text_document("file:///tmp/new.py")}});
  Json s;
  // The close runs on the document's queue: wait until it kept new.py's chunks (old.py's
  // may have expired already when new.py opened).
  for (int attempt = 0; attempt < 500; ++attempt) {
    s = stats(client);
    if (s["caches"]["chunks"]["insertions"] == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(s["caches"]["chunks"]["expirations"], 1) << s.dump();
  EXPECT_EQ(s["caches"]["trees"]["expirations"], 1);
  EXPECT_EQ(s["caches"]["chunks"]["entries"], 1) << "new.py's";
}

TEST(Stats, BadCacheSettingsAreRefusedByName) {
  LspClient client = start_with_options({{"cache",
                                          {{"trees", {{"maxEntries", -1}, {"maxBytes", "lots"}}},
                                           {"chunks", {{"maxEntries", 10}}},
                                           {"astral", {{"maxEntries", 1}}}}}});
  const Json s = stats(client);
  EXPECT_EQ(s["caches"]["trees"]["maxEntries"], 64) << "refused: the default stays";
  EXPECT_EQ(s["caches"]["chunks"]["maxEntries"], 10) << "the good value is taken";
  const std::vector<std::string> shown = shown_messages(client);
  EXPECT_TRUE(any_contains(shown, "/cache/trees/maxEntries")) << ::testing::PrintToString(shown);
  EXPECT_TRUE(any_contains(shown, "/cache/trees/maxBytes"));
  EXPECT_TRUE(any_contains(shown, "astral: no such cache level"));
  EXPECT_TRUE(answers_health_check(client));
}

TEST(Stats, CacheFlagsSetTheDefaultsAndBadOnesAreUsageErrors) {
  LspClient client =
      start_initialized({}, {"--cache-chunks-entries", "5", "--cache-trees-ttl", "30"});
  const Json s = stats(client);
  EXPECT_EQ(s["caches"]["chunks"]["maxEntries"], 5);
  EXPECT_EQ(s["caches"]["trees"]["ttlSeconds"], 30);

  LspClient refused = start_server({"--cache-chunks-bytes", "-5"});
  EXPECT_EQ(refused.wait_exit_unread(), 2);
}

TEST(Trace, WritesAChromeTraceOfRequestsParsesAndThreads) {
  TempDir dir;
  const fs::path trace = dir.path() / "trace.json";
  {
    LspClient client = start_initialized({}, {"--trace", trace.string()});
    open_document(client, "file:///tmp/traced.py", "python", "def f():\n    pass\n");
    document_symbols(client, "file:///tmp/traced.py");
    change(client, "file:///tmp/traced.py", 2, {edit(range(1, 4, 1, 8), "return 1")});
    folding_ranges(client, "file:///tmp/traced.py");
    client.request("shutdown");
    client.notify("exit");
    ASSERT_EQ(client.wait_exit(), 0);
  }
  const Json events = Json::parse(read_text_file(trace));
  ASSERT_TRUE(events.is_array());
  std::set<std::string> names;
  std::set<std::string> thread_names;
  std::set<std::int64_t> tids_with_spans;
  std::set<std::int64_t> named_tids;
  for (const Json& e : events) {
    ASSERT_TRUE(e["ph"].is_string()) << e.dump();
    ASSERT_TRUE(e["pid"].is_number_integer()) << e.dump();
    ASSERT_TRUE(e["tid"].is_number_integer()) << e.dump();
    if (e["ph"] == "M") {
      EXPECT_EQ(e["name"], "thread_name");
      thread_names.insert(e["args"]["name"].get<std::string>());
      named_tids.insert(e["tid"].get<std::int64_t>());
      continue;
    }
    ASSERT_EQ(e["ph"], "X") << e.dump();
    EXPECT_GE(e["ts"].get<double>(), 0.0);
    EXPECT_GE(e["dur"].get<double>(), 0.0);
    names.insert(e["name"].get<std::string>());
    tids_with_spans.insert(e["tid"].get<std::int64_t>());
  }
  for (const char* expected :
       {"initialize", "textDocument/documentSymbol", "textDocument/foldingRange", "shutdown",
        "parse", "chunk_whole", "chunk_update", "serialize"}) {
    EXPECT_TRUE(names.contains(expected)) << expected;
  }
  EXPECT_TRUE(thread_names.contains("chunkls-worker"));
  EXPECT_EQ(tids_with_spans, named_tids) << "every thread with spans is named";
}

TEST(Trace, AnUnwritableTraceFileIsAUsageError) {
  LspClient client = start_server({"--trace", "/nonexistent-dir/trace.json"});
  EXPECT_EQ(client.wait_exit_unread(), 2);
}

}  // namespace
}  // namespace chunkls::e2e
