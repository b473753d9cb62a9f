// Requests on documents the client never opened, in a workspace that tries to lead the
// server astray: a link inside the folder to a file outside it, to "/", a ".." segment
// (plain or percent-encoded), a remote host, a FIFO named like a source (answered at
// once, never waited on), and names that are not UTF-8 or hold a newline (read, and
// their URIs in workspace/symbol percent-encoded byte for byte). Without any workspace
// folder the server reads any local file (unopened_document_test.cpp).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "e2e/lsp_test_support.h"
#include "tests/support/file_tree.h"
#include "tests/support/temp_dir.h"

namespace chunkls::e2e {
namespace {

namespace fs = std::filesystem;
using testing::git_init;
using testing::TempDir;

constexpr const char* kPython = "def inside_function():\n    pass\n";

// A server whose workspace folder is `root`, indexed in memory.
LspClient start_in(const fs::path& root) {
  LspClient client = start_server({"--index-in-memory"});
  Json capabilities = client_capabilities({});
  capabilities["workspace"] = {{"workspaceFolders", true}};
  const Json response = client.request(
      "initialize", {{"processId", static_cast<int>(::getpid())},
                     {"rootUri", file_uri(root)},
                     {"workspaceFolders", Json::array({{{"uri", file_uri(root)}, {"name", "ws"}}})},
                     {"capabilities", capabilities}});
  EXPECT_TRUE(response.contains("result")) << response.dump();
  client.notify("initialized");
  return client;
}

// The error message of a documentSymbol request on `uri`; "" when it answered.
std::string refusal(LspClient& client, const std::string& uri) {
  const Json response =
      client.request("textDocument/documentSymbol", {{"textDocument", text_document(uri)}});
  if (!response.contains("error")) return "";
  EXPECT_EQ(error_code(response), -32602) << response.dump();
  return response["error"]["message"].get<std::string>();
}

// A workspace folder with a.py in it, and a source file outside it.
struct FolderAndOutside {
  FolderAndOutside() {
    git_init(root.path());
    root.write("a.py", kPython);
    secret = outside.write("secret.py", "def outside_secret():\n    pass\n");
  }
  TempDir root;
  TempDir outside;
  fs::path secret;
};

TEST(HostileWorkspace, LinksOutOfTheFolderAreRefusedWithAClearError) {
  const FolderAndOutside tree;
  const TempDir& root = tree.root;
  const fs::path& secret = tree.secret;
  fs::create_symlink(secret, root.path() / "link.py");
  fs::create_symlink("/", root.path() / "slash");
  fs::create_symlink(root.path() / "a.py", root.path() / "near.py");
  LspClient client = start_in(root.path());

  EXPECT_EQ(refusal(client, file_uri(root.path() / "a.py")), "");
  EXPECT_EQ(refusal(client, file_uri(root.path() / "near.py")), "");  // a link inside
  const std::string via_link = refusal(client, file_uri(root.path() / "link.py"));
  EXPECT_NE(via_link.find("outside the workspace folders"), std::string::npos) << via_link;
  const std::string via_slash =
      refusal(client, file_uri(root.path() / "slash" / secret.relative_path()));
  EXPECT_NE(via_slash.find("outside the workspace folders"), std::string::npos) << via_slash;
  const std::string direct = refusal(client, file_uri(secret));
  EXPECT_NE(direct.find("outside the workspace folders"), std::string::npos) << direct;
  EXPECT_TRUE(answers_health_check(client));
}

TEST(HostileWorkspace, DotDotSegmentsAndRemoteHostsAreRefused) {
  const FolderAndOutside tree;
  const TempDir& root = tree.root;
  const fs::path& secret = tree.secret;
  LspClient client = start_in(root.path());
  std::string climb = file_uri(root.path());
  for (std::size_t i = 0; i < 16; ++i)
    climb += "/..";
  for (const std::string& uri : {climb + secret.string(), file_uri(root.path()) + "/%2e%2e/x.py",
                                 file_uri(root.path()) + "/./a.py"}) {
    const std::string message = refusal(client, uri);
    EXPECT_NE(message.find("'..' segment"), std::string::npos) << uri << ": " << message;
  }
  const std::string remote = refusal(client, "file://otherhost" + root.path().string() + "/a.py");
  EXPECT_NE(remote.find("remote host (otherhost)"), std::string::npos) << remote;
  EXPECT_TRUE(answers_health_check(client));
}

TEST(HostileWorkspace, AFifoNamedLikeASourceIsAnsweredAtOnceNeverWaitedOn) {
  TempDir root;
  git_init(root.path());
  const fs::path fifo = root.path() / "x.py";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  LspClient client = start_in(root.path());
  const std::string message = refusal(client, file_uri(fifo));
  EXPECT_NE(message.find("not a regular file (a FIFO)"), std::string::npos) << message;
  EXPECT_TRUE(answers_health_check(client));
}

TEST(HostileWorkspace, NamesThatAreNotUtf8OrHoldANewlineAreReadAndTheirUrisExact) {
  TempDir root;
  git_init(root.path());
  root.write(std::string("caf\xe9.py"), "def latin1_named():\n    pass\n");
  root.write("two\nlines.py", "def newline_named():\n    pass\n");
  LspClient client = start_in(root.path());
  const std::string base = file_uri(root.path());
  EXPECT_EQ(outline(document_symbols(client, base + "/caf%E9.py")),
            std::vector<std::string>{"latin1_named@0"});
  EXPECT_EQ(outline(document_symbols(client, base + "/two%0Alines.py")),
            std::vector<std::string>{"newline_named@0"});
  // workspace/symbol, once indexed: the URIs percent-encode every byte that needs it.
  std::string latin1_uri;
  std::string newline_uri;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((latin1_uri.empty() || newline_uri.empty()) && std::chrono::steady_clock::now() < until) {
    const Json symbols = result_of(client.request("workspace/symbol", {{"query", "named"}}));
    for (const Json& symbol : symbols) {
      if (symbol["name"] == "latin1_named") latin1_uri = symbol["location"]["uri"];
      if (symbol["name"] == "newline_named") newline_uri = symbol["location"]["uri"];
    }
    if (latin1_uri.empty() || newline_uri.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  EXPECT_EQ(latin1_uri, base + "/caf%E9.py");
  EXPECT_EQ(newline_uri, base + "/two%0Alines.py");
}

}  // namespace
}  // namespace chunkls::e2e
