// The workspace index through the real server: indexing the client's workspace folders
// in the background, workspace/symbol over files never opened, $/progress under a token
// the client created, a warm restart that parses nothing, watched-file events (after the
// server registered for them), workspace folders added and removed, shutdown while
// indexing, and `chunkls index` killed with SIGKILL then run again.
#include <fmt/format.h>
#include <signal.h>

#include <thread>

#include "cli/subprocess.h"
#include "e2e/child_process.h"
#include "e2e/lsp_test_support.h"
#include "tests/support/file_tree.h"
#include "tests/support/temp_dir.h"

namespace chunkls::e2e {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using testing::age_tree;
using testing::git_init;
using testing::TempDir;

constexpr const char* kShapes =
    "class Shape:\n    def area(self):\n        return 0\n\n\ndef make_shape():\n    return "
    "Shape()\n";

void make_workspace(const TempDir& root) {
  git_init(root.path());
  root.write(".gitignore", "ignored/\n");
  root.write("pkg/shapes.py", kShapes);
  root.write("pkg/util.c", "int helper_function(int x) { return x; }\n");
  root.write("ignored/secret.py", "def hidden_function():\n    pass\n");
}

struct Capabilities {
  bool progress = true;
  bool watch = false;
  std::vector<std::string> encodings;
};

Json initialize_workspace(LspClient& client, const fs::path& root, const Json& options,
                          const Capabilities& caps = {}) {
  Json capabilities = client_capabilities({.position_encodings = caps.encodings});
  capabilities["window"]["workDoneProgress"] = caps.progress;
  capabilities["workspace"] = {{"workspaceFolders", true},
                               {"didChangeWatchedFiles", {{"dynamicRegistration", caps.watch}}}};
  const Json params = {
      {"processId", static_cast<int>(::getpid())},
      {"clientInfo", {{"name", "chunkls-e2e"}}},
      {"rootUri", file_uri(root)},
      {"workspaceFolders", Json::array({{{"uri", file_uri(root)}, {"name", "ws"}}})},
      {"initializationOptions", options},
      {"capabilities", capabilities}};
  Json response = client.request("initialize", params);
  client.notify("initialized");
  return response;
}

// Answers every request the server sent that is not answered yet (null results).
void answer_server_requests(LspClient& client, std::size_t& answered) {
  const std::vector<Json> requests = client.server_requests();
  for (; answered < requests.size(); ++answered) {
    client.send({{"jsonrpc", "2.0"}, {"id", requests[answered]["id"]}, {"result", nullptr}});
  }
}

// chunkls/stats's "index" once the indexer is idle (server requests answered meanwhile).
Json wait_index_idle(LspClient& client, std::size_t& answered) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < until) {
    answer_server_requests(client, answered);
    const Json index = result_of(client.request("chunkls/stats"))["index"];
    if (index["idle"].get<bool>()) return index;
    std::this_thread::sleep_for(milliseconds(20));
  }
  ADD_FAILURE() << "the indexer did not become idle";
  return {};
}

Json workspace_symbols(LspClient& client, const std::string& query) {
  return result_of(client.request("workspace/symbol", {{"query", query}}));
}

const Json* find_symbol(const Json& symbols, const std::string& name) {
  for (const Json& symbol : symbols) {
    if (symbol["name"] == name) return &symbol;
  }
  return nullptr;
}

Json options_for(const TempDir& cache) {
  return {{"index", {{"cacheDirectory", cache.path().string()}}}};
}

TEST(WorkspaceIndex, WorkspaceSymbolFindsSymbolsOfFilesNeverOpened) {
  TempDir root;
  TempDir cache;
  make_workspace(root);
  LspClient client = start_server();
  const Json init = initialize_workspace(client, root.path(), options_for(cache));
  EXPECT_EQ(result_of(init)["capabilities"]["workspaceSymbolProvider"], true);
  std::size_t answered = 0;
  const Json index = wait_index_idle(client, answered);
  EXPECT_EQ(index["parsed"], 2);
  EXPECT_EQ(index["skipped"]["ignored"], 2);  // .git and the ignored/ directory
  const Json symbols = workspace_symbols(client, "area");
  const Json* area = find_symbol(symbols, "area");
  ASSERT_NE(area, nullptr) << symbols.dump();
  EXPECT_EQ((*area)["containerName"], "Shape");
  EXPECT_EQ((*area)["kind"], 6);  // Method
  EXPECT_EQ((*area)["location"]["uri"], file_uri(root.path() / "pkg/shapes.py"));
  EXPECT_EQ((*area)["location"]["range"], range(1, 8, 1, 12));  // the name
  EXPECT_NE(find_symbol(workspace_symbols(client, "helper_function"), "helper_function"), nullptr);
  EXPECT_EQ(find_symbol(workspace_symbols(client, "hidden_function"), "hidden_function"), nullptr);
  // Fuzzy and ranked: the exact name first, then the prefix match.
  const Json fuzzy = workspace_symbols(client, "shape");
  ASSERT_GE(fuzzy.size(), 2u) << fuzzy.dump();
  EXPECT_EQ(fuzzy[0]["name"], "Shape");
  EXPECT_EQ(fuzzy[1]["name"], "make_shape");
  // Qualified.
  const Json qualified = workspace_symbols(client, "Shape.area");
  ASSERT_EQ(qualified.size(), 1u) << qualified.dump();
  EXPECT_EQ(qualified[0]["name"], "area");
}

TEST(WorkspaceIndex, ProgressRunsUnderTheTokenTheClientCreated) {
  TempDir root;
  TempDir cache;
  make_workspace(root);
  LspClient client = start_server();
  initialize_workspace(client, root.path(), options_for(cache));
  std::size_t answered = 0;
  // The end of the stretch of indexing.
  std::optional<Json> end;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!end && std::chrono::steady_clock::now() < until) {
    answer_server_requests(client, answered);
    client.request("chunkls/stats");  // files away what came meanwhile
    for (const Json& n : client.notifications()) {
      if (n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end") end = n;
    }
  }
  ASSERT_TRUE(end) << "no $/progress end";
  const std::vector<Json> requests = client.server_requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests[0]["method"], "window/workDoneProgress/create");
  const Json token = requests[0]["params"]["token"];
  std::vector<std::string> kinds;
  int last_percentage = -1;
  for (const Json& n : client.notifications()) {
    if (n["method"] != "$/progress") continue;
    EXPECT_EQ(n["params"]["token"], token);
    const Json& value = n["params"]["value"];
    kinds.push_back(value["kind"]);
    if (value.contains("percentage")) {
      EXPECT_GE(value["percentage"].get<int>(), last_percentage);
      last_percentage = value["percentage"];
    }
  }
  ASSERT_GE(kinds.size(), 2u);
  EXPECT_EQ(kinds.front(), "begin");
  EXPECT_EQ(kinds.back(), "end");
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "begin"), 1);
}

TEST(WorkspaceIndex, NoProgressForAClientWithoutWorkDoneProgress) {
  TempDir root;
  TempDir cache;
  make_workspace(root);
  LspClient client = start_server();
  initialize_workspace(client, root.path(), options_for(cache), {.progress = false});
  std::size_t answered = 0;
  wait_index_idle(client, answered);
  EXPECT_TRUE(client.server_requests().empty());
  for (const Json& n : client.notifications())
    EXPECT_NE(n["method"], "$/progress");
}

TEST(WorkspaceIndex, ARestartReadsTheStoreAndParsesNothing) {
  TempDir root;
  TempDir cache;
  make_workspace(root);
  age_tree(root.path());
  for (int run = 0; run < 2; ++run) {
    LspClient client = start_server();
    initialize_workspace(client, root.path(), options_for(cache));
    std::size_t answered = 0;
    const Json index = wait_index_idle(client, answered);
    if (run == 0) {
      EXPECT_EQ(index["parsed"], 2);
    } else {
      EXPECT_EQ(index["parsed"], 0) << index.dump();
      EXPECT_EQ(index["unchanged"], 2) << index.dump();
      EXPECT_EQ(index["warmFiles"], 2) << index.dump();
      const Json stats = result_of(client.request("chunkls/stats"));
      EXPECT_EQ(stats["stages"]["parse"]["count"], 0) << stats.dump();
    }
    EXPECT_NE(find_symbol(workspace_symbols(client, "make_shape"), "make_shape"), nullptr);
    client.request("shutdown", nullptr);
    client.notify("exit", nullptr);
    EXPECT_EQ(client.wait_exit(), 0);
  }
}

TEST(WorkspaceIndex, WatchedFileEventsAfterTheServerRegisteredForThem) {
  TempDir root;
  TempDir cache;
  make_workspace(root);
  LspClient client = start_server();
  initialize_workspace(client, root.path(), options_for(cache), {.watch = true});
  std::size_t answered = 0;
  wait_index_idle(client, answered);
  bool registered = false;
  for (const Json& r : client.server_requests()) {
    if (r["method"] == "client/registerCapability") {
      registered = true;
      EXPECT_EQ(r["params"]["registrations"][0]["method"], "workspace/didChangeWatchedFiles");
    }
  }
  EXPECT_TRUE(registered);
  const fs::path created = root.write("pkg/fresh.py", "def freshly_made():\n    pass\n");
  client.notify("workspace/didChangeWatchedFiles",
                {{"changes", Json::array({{{"uri", file_uri(created)}, {"type", 1}}})}});
  wait_index_idle(client, answered);
  EXPECT_NE(find_symbol(workspace_symbols(client, "freshly_made"), "freshly_made"), nullptr);
  fs::remove(root.path() / "pkg/shapes.py");
  client.notify("workspace/didChangeWatchedFiles",
                {{"changes",
                  Json::array({{{"uri", file_uri(root.path() / "pkg/shapes.py")}, {"type", 3}}})}});
  wait_index_idle(client, answered);
  EXPECT_EQ(find_symbol(workspace_symbols(client, "make_shape"), "make_shape"), nullptr);
  // A bad event is refused in the log and the server keeps serving.
  client.notify("workspace/didChangeWatchedFiles", {{"changes", "not an array"}});
  EXPECT_NE(find_symbol(workspace_symbols(client, "freshly_made"), "freshly_made"), nullptr);
}

// Polls workspace/symbol until `name` is found (or is gone): the server learns of the
// change from the kernel, whenever its event arrives.
bool wait_for_symbol(LspClient& client, const std::string& name, bool present) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < until) {
    if ((find_symbol(workspace_symbols(client, name), name) != nullptr) == present) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

TEST(WorkspaceIndex, AClientThatCannotWatchFilesGetsTheKernelsEvents) {
  TempDir root;
  TempDir cache;
  make_workspace(root);
  LspClient client = start_server();
  initialize_workspace(client, root.path(), options_for(cache), {.watch = false});
  std::size_t answered = 0;
  wait_index_idle(client, answered);
  for (const Json& r : client.server_requests())
    EXPECT_NE(r["method"], "client/registerCapability");
  root.write("pkg/new_file.py", "def appeared_on_disk():\n    pass\n");
  EXPECT_TRUE(wait_for_symbol(client, "appeared_on_disk", true));
  root.write("fresh/dir/deep.py", "def deep_in_a_new_directory():\n    pass\n");
  EXPECT_TRUE(wait_for_symbol(client, "deep_in_a_new_directory", true));
  root.write("ignored/more.py", "def never_indexed():\n    pass\n");
  fs::remove(root.path() / "pkg/shapes.py");
  EXPECT_TRUE(wait_for_symbol(client, "make_shape", false));
  EXPECT_EQ(find_symbol(workspace_symbols(client, "never_indexed"), "never_indexed"), nullptr);
}

TEST(WorkspaceIndex, WorkspaceFoldersAddedAndRemoved) {
  TempDir root;
  TempDir other;
  TempDir cache;
  make_workspace(root);
  git_init(other.path());
  other.write("lib/extra.py", "def extra_folder_function():\n    pass\n");
  LspClient client = start_server();
  initialize_workspace(client, root.path(), options_for(cache));
  std::size_t answered = 0;
  wait_index_idle(client, answered);
  const Json folder = {{"uri", file_uri(other.path())}, {"name", "other"}};
  client.notify("workspace/didChangeWorkspaceFolders",
                {{"event", {{"added", Json::array({folder})}, {"removed", Json::array()}}}});
  wait_index_idle(client, answered);
  EXPECT_NE(
      find_symbol(workspace_symbols(client, "extra_folder_function"), "extra_folder_function"),
      nullptr);
  client.notify("workspace/didChangeWorkspaceFolders",
                {{"event", {{"added", Json::array()}, {"removed", Json::array({folder})}}}});
  wait_index_idle(client, answered);
  EXPECT_EQ(
      find_symbol(workspace_symbols(client, "extra_folder_function"), "extra_folder_function"),
      nullptr);
  EXPECT_NE(find_symbol(workspace_symbols(client, "make_shape"), "make_shape"), nullptr);
}

TEST(WorkspaceIndex, LimitAndEmptyQueryStayBounded) {
  TempDir root;
  TempDir cache;
  git_init(root.path());
  std::string many;
  for (int i = 0; i < 500; ++i)
    many += fmt::format("def function_{}():\n    pass\n", i);
  root.write("many.py", many);
  LspClient client = start_server();
  Json options = options_for(cache);
  options["workspaceSymbol"] = {{"limit", 25}};
  initialize_workspace(client, root.path(), options);
  std::size_t answered = 0;
  wait_index_idle(client, answered);
  EXPECT_EQ(workspace_symbols(client, "function").size(), 25u);
  EXPECT_LE(workspace_symbols(client, "").size(), 25u);
  EXPECT_TRUE(workspace_symbols(client, "zzzzqqq").empty());
}

TEST(WorkspaceIndex, ColumnsInTheClientsEncoding) {
  TempDir root;
  TempDir cache;
  git_init(root.path());
  // "é" is 2 bytes and 1 UTF-16 unit; "😀" 4 bytes and 2 units.
  root.write("u.js", "/* é😀 */ function located() {}\n");
  for (const std::string encoding : {"utf-16", "utf-8"}) {
    LspClient client = start_server();
    initialize_workspace(client, root.path(), options_for(cache), {.encodings = {encoding}});
    std::size_t answered = 0;
    wait_index_idle(client, answered);
    const Json symbols = workspace_symbols(client, "located");
    const Json* located = find_symbol(symbols, "located");
    ASSERT_NE(located, nullptr) << symbols.dump();
    const int start = encoding == "utf-8" ? 22 : 19;
    EXPECT_EQ((*located)["location"]["range"], range(0, start, 0, start + 7)) << encoding;
  }
}

// A file the indexer gives up on (the parse time limit: 1 ms on 2.6 MB, which no machine
// meets) is counted as failed and named in the log with the reason.
TEST(WorkspaceIndex, AFileAtTheTimeLimitIsLoggedByName) {
  TempDir root;
  TempDir cache;
  git_init(root.path());
  root.write("big.py", big_python(2'600'000));
  const fs::path log = cache.path() / "server.log";
  {
    LspClient client = start_server({"--parse-time-limit", "1", "--log", log.string()});
    Json options = options_for(cache);
    options["index"]["maxFileSize"] = 0;
    initialize_workspace(client, root.path(), options, {.progress = false});
    std::size_t answered = 0;
    const Json index = wait_index_idle(client, answered);
    EXPECT_EQ(index["skipped"]["failed"], 1) << index.dump();
    EXPECT_TRUE(client.request("shutdown", nullptr).contains("result"));
    client.notify("exit", nullptr);
    EXPECT_EQ(client.wait_exit(), 0);
  }
  const std::string text = read_text_file(log);
  EXPECT_NE(text.find("big.py: gave up at the time limit while parsing"), std::string::npos)
      << text;
}

TEST(WorkspaceIndex, ShutdownWhileIndexingIsPromptAndCleanAndTheNextStartFinishes) {
  TempDir root;
  TempDir cache;
  git_init(root.path());
  for (int i = 0; i < 400; ++i) {
    root.write(fmt::format("d{}/m{}.py", i % 10, i), big_python(20000));
  }
  {
    LspClient client = start_server();
    initialize_workspace(client, root.path(), options_for(cache), {.progress = false});
    const Json response = client.request("shutdown", nullptr);
    EXPECT_TRUE(response.contains("result"));
    client.notify("exit", nullptr);
    EXPECT_EQ(client.wait_exit(), 0);
  }
  LspClient client = start_server();
  initialize_workspace(client, root.path(), options_for(cache), {.progress = false});
  std::size_t answered = 0;
  const Json index = wait_index_idle(client, answered);
  EXPECT_EQ(
      index["parsed"].get<int>() + index["unchanged"].get<int>() + index["fromStore"].get<int>(),
      400)
      << index.dump();
}

TEST(WorkspaceIndex, IndexKilledWithSigkillThenRunAgainGivesTheSameChunks) {
  TempDir root;
  TempDir cache;
  for (int i = 0; i < 300; ++i) {
    root.write(fmt::format("d{}/m{}.py", i % 7, i), big_python(30000));
  }
  const fs::path store_dir = cache.path();
  {
    ChildProcess index(
        {kBinary, "index", root.path().string(), "--cache", store_dir.string(), "--jobs", "2"});
    // Killed at whatever point it has reached once its store exists: every point must
    // leave a store that opens and is consistent.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    bool exists = false;
    while (!exists && index.running() && std::chrono::steady_clock::now() < until) {
      for (const auto& entry : fs::recursive_directory_iterator(store_dir)) {
        exists = exists || entry.path().filename() == "index.sqlite";
      }
      std::this_thread::sleep_for(milliseconds(5));
    }
    // Only a child not reaped yet: once running() has reaped it, its pid may be another
    // process's. Unreaped, the pid stays ours (at worst a zombie) until wait_exit.
    if (index.running()) ::kill(index.pid(), SIGKILL);
    index.wait_exit(std::chrono::seconds(20));
  }
  const auto again = testing::run_process({kBinary, "index", root.path().string(), "--cache",
                                           store_dir.string(), "--format", "jsonl", "--quiet"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto fresh = testing::run_process(
      {kBinary, "index", root.path().string(), "--no-cache", "--format", "jsonl", "--quiet"});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_FALSE(fresh.out.empty());
  EXPECT_TRUE(again.out == fresh.out) << "the resumed index differs from a fresh one";
}

}  // namespace
}  // namespace chunkls::e2e
