// Requests on documents the client never opened: a file:// uri of a file on disk is
// answered from the disk; a missing file or a uri of another scheme is invalid params.
#include <gtest/gtest.h>

#include "lsp_test_support.h"

namespace chunkls::e2e {
namespace {

TEST(UnopenedDocument, FileOnDiskIsReadFromDisk) {
  TempDir dir;
  const auto file = dir.write("on_disk.py", "class OnDisk:\n    def m(self):\n        pass\n");
  LspClient client = start_initialized();
  const Json symbols = document_symbols(client, file_uri(file));
  EXPECT_EQ(outline(symbols), (std::vector<std::string>{"OnDisk@0", "m@1"})) << symbols.dump();
  const Json folds = folding_ranges(client, file_uri(file));
  EXPECT_EQ(folds.size(), 2u) << folds.dump();
}

TEST(UnopenedDocument, OpenTextWinsOverDiskUntilClosed) {
  TempDir dir;
  const auto file = dir.write("both.py", "def disk():\n    pass\n");
  LspClient client = start_initialized();
  open_document(client, file_uri(file), "python", "def editor():\n    pass\n");
  EXPECT_EQ(outline(document_symbols(client, file_uri(file))),
            std::vector<std::string>{"editor@0"});
  client.notify("textDocument/didClose", {{"textDocument", text_document(file_uri(file))}});
  EXPECT_EQ(outline(document_symbols(client, file_uri(file))), std::vector<std::string>{"disk@0"});
}

TEST(UnopenedDocument, PercentEncodedPathIsDecoded) {
  TempDir dir;
  const auto file = dir.write("with space.py", "def spaced():\n    pass\n");
  LspClient client = start_initialized();
  const std::string uri = "file://" + dir.path().string() + "/with%20space.py";
  EXPECT_EQ(outline(document_symbols(client, uri)), std::vector<std::string>{"spaced@0"});
}

TEST(UnopenedDocument, MissingFileIsInvalidParamsWithAMessage) {
  TempDir dir;
  LspClient client = start_initialized();
  const Json response =
      client.request("textDocument/documentSymbol",
                     {{"textDocument", text_document(file_uri(dir.path() / "does_not_exist.py"))}});
  EXPECT_EQ(error_code(response), -32602) << response.dump();
  ASSERT_TRUE(response["error"]["message"].is_string());
  EXPECT_FALSE(response["error"]["message"].get<std::string>().empty());
  EXPECT_TRUE(answers_health_check(client));
}

TEST(UnopenedDocument, DirectoryIsInvalidParams) {
  TempDir dir;
  LspClient client = start_initialized();
  const Json response = client.request("textDocument/foldingRange",
                                       {{"textDocument", text_document(file_uri(dir.path()))}});
  EXPECT_EQ(error_code(response), -32602) << response.dump();
}

class NonFileUri : public ::testing::TestWithParam<Named> {};

TEST_P(NonFileUri, IsInvalidParamsWithAMessage) {
  LspClient client = start_initialized();
  const Json response = client.request("textDocument/documentSymbol",
                                       {{"textDocument", text_document(GetParam().value)}});
  EXPECT_EQ(error_code(response), -32602) << response.dump();
  ASSERT_TRUE(response["error"]["message"].is_string());
  EXPECT_FALSE(response["error"]["message"].get<std::string>().empty());
}

INSTANTIATE_TEST_SUITE_P(UnopenedDocument, NonFileUri,
                         ::testing::Values(Named{"Untitled", "untitled:Untitled-1"},
                                           Named{"Https", "https://example.com/x.py"},
                                           Named{"NotAUri", "not a uri at all"},
                                           Named{"Empty", ""}),
                         test_name);

TEST(UnopenedDocument, UntitledDocumentsWorkOnceOpened) {
  LspClient client = start_initialized();
  open_document(client, "untitled:Untitled-1", "python", "def draft():\n    pass\n");
  EXPECT_EQ(outline(document_symbols(client, "untitled:Untitled-1")),
            std::vector<std::string>{"draft@0"});
}

}  // namespace
}  // namespace chunkls::e2e
