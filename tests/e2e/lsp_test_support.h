// Shared helpers for the end-to-end tests of `chunkls` as a language server: starting and
// initializing a server with chosen client capabilities, opening documents, asking for
// symbols, comparing LSP ranges, generating large inputs, temporary files.
//
// Plain functions and small value types; nothing is shared between tests (each test
// starts its own server). Use from the test's thread only.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "lsp_client.h"
#include "tests/support/temp_dir.h"

namespace chunkls::e2e {

inline const std::string kBinary = CHUNKLS_BINARY;
inline const std::filesystem::path kSourceDir = CHUNKLS_SOURCE_DIR;

// What the test client claims to support; turned into LSP ClientCapabilities.
struct ClientOptions {
  std::vector<std::string> position_encodings;  // general.positionEncodings; empty: omitted
  bool hierarchical_symbols = true;
  bool line_folding_only = false;
  std::optional<int> folding_range_limit;
  std::optional<std::vector<std::string>> folding_kinds;  // foldingRangeKind.valueSet
  bool collapsed_text = false;
};

Json client_capabilities(const ClientOptions& options);

// Starts `chunkls` with these arguments (no arguments: LSP over stdio).
LspClient start_server(const std::vector<std::string>& args = {});
// Sends initialize (and the initialized notification); returns the whole response.
Json initialize(LspClient& client, const ClientOptions& options = {});
// A server that has answered initialize; fails the test when it did not.
LspClient start_initialized(const ClientOptions& options = {},
                            const std::vector<std::string>& args = {});

// The result of a response; throws std::runtime_error when it is an error.
Json result_of(const Json& response);
// The error code of a response, or 0 when it has none.
int error_code(const Json& response);

void open_document(LspClient& client, const std::string& uri, const std::string& language_id,
                   const std::string& text, int version = 1);
Json text_document(const std::string& uri);
// One content change: a ranged edit, or the whole new text.
Json edit(const Json& range, const std::string& text);
Json whole(const std::string& text);
// didChange with these changes, in order. `version` is a number, or null. (A vector,
// not a Json: `Json x = {one_json}` copies one_json instead of making an array.)
void change(LspClient& client, const std::string& uri, const Json& version,
            const std::vector<Json>& changes);
// The --test-hooks methods: hold a document's queue until resume_document().
void pause_document(LspClient& client, const std::string& uri);
void resume_document(LspClient& client, const std::string& uri);
// The messages of the window/showMessage (pop-ups) and window/logMessage notifications
// received so far.
std::vector<std::string> shown_messages(const LspClient& client);
std::vector<std::string> logged_messages(const LspClient& client);
// Whether any of `messages` contains `needle`.
bool any_contains(const std::vector<std::string>& messages, const std::string& needle);
Json document_symbols(LspClient& client, const std::string& uri,
                      std::chrono::milliseconds timeout = kDefaultTimeout);
Json folding_ranges(LspClient& client, const std::string& uri);
Json selection_ranges(LspClient& client, const std::string& uri, const Json& positions);

// LSP positions and ranges.
Json position(int line, int character);
Json range(int start_line, int start_character, int end_line, int end_character);
bool position_le(const Json& a, const Json& b);
bool range_contains(const Json& outer, const Json& inner);

// DocumentSymbol trees in pre-order (each symbol without its "children").
std::vector<Json> flatten_symbols(const Json& symbols);
// "name@line" for each symbol in pre-order: a compact picture of an outline.
std::vector<std::string> outline(const Json& symbols);

// The document every health check opens, and whether a documentSymbol result is its
// exact answer.
::testing::AssertionResult answers_health_check(LspClient& client, int attempts = 1,
                                                std::chrono::milliseconds wait = kDefaultTimeout);

// About `bytes` bytes of valid Python: functions f0, f1, ... of five lines each, with a
// string of `padding` bytes in each (fewer, longer functions); the number written goes
// to *functions.
std::string big_python(std::size_t bytes, int* functions = nullptr, std::size_t padding = 0);

// A string parameter with a test name of its own (names must be alphanumeric).
struct Named {
  std::string name;
  std::string value;
};
inline void PrintTo(const Named& named, std::ostream* out) {
  *out << named.value;
}
inline std::string test_name(const ::testing::TestParamInfo<Named>& test) {
  return test.param.name;
}

// tests/fixtures/<lang>/sample.* with the LSP languageId that names its language.
struct FixtureFile {
  std::string file;  // relative to tests/fixtures
  std::string language_id;
  std::filesystem::path path() const { return kSourceDir / "tests/fixtures" / file; }
  std::string name() const { return file.substr(0, file.find('/')); }  // for test names
};
const std::vector<FixtureFile>& fixture_files();
inline void PrintTo(const FixtureFile& fixture, std::ostream* out) {
  *out << fixture.file;
}

std::string read_text_file(const std::filesystem::path& path);
std::string file_uri(const std::filesystem::path& path);

// A fresh directory under the system temp dir, removed with everything in it.
using TempDir = testing::TempDir;

}  // namespace chunkls::e2e
