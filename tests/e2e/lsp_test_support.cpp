#include "lsp_test_support.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace chunkls::e2e {

namespace fs = std::filesystem;

Json client_capabilities(const ClientOptions& options) {
  Json folding = {{"dynamicRegistration", false}, {"lineFoldingOnly", options.line_folding_only}};
  if (options.folding_range_limit) folding["rangeLimit"] = *options.folding_range_limit;
  if (options.folding_kinds) folding["foldingRangeKind"] = {{"valueSet", *options.folding_kinds}};
  folding["foldingRange"] = {{"collapsedText", options.collapsed_text}};
  Json capabilities = {
      {"textDocument",
       {{"synchronization", {{"didSave", true}}},
        {"documentSymbol", {{"hierarchicalDocumentSymbolSupport", options.hierarchical_symbols}}},
        {"foldingRange", folding},
        {"selectionRange", {{"dynamicRegistration", false}}}}},
      {"window", {{"workDoneProgress", false}}},
      {"general", Json::object()}};
  if (!options.position_encodings.empty()) {
    capabilities["general"]["positionEncodings"] = options.position_encodings;
  }
  return capabilities;
}

LspClient start_server(const std::vector<std::string>& args) {
  std::vector<std::string> argv{kBinary};
  argv.insert(argv.end(), args.begin(), args.end());
  return LspClient::spawn(argv);
}

Json initialize(LspClient& client, const ClientOptions& options) {
  const Json params = {{"processId", static_cast<int>(::getpid())},
                       {"clientInfo", {{"name", "chunkls-e2e"}}},
                       {"rootUri", nullptr},
                       {"capabilities", client_capabilities(options)}};
  Json response = client.request("initialize", params);
  if (response.contains("result")) client.notify("initialized");
  return response;
}

LspClient start_initialized(const ClientOptions& options, const std::vector<std::string>& args) {
  LspClient client = start_server(args);
  const Json response = initialize(client, options);
  if (!response.contains("result")) {
    throw std::runtime_error("initialize failed: " + response.dump());
  }
  return client;
}

Json result_of(const Json& response) {
  if (!response.contains("result")) {
    throw std::runtime_error("expected a result, got: " + response.dump().substr(0, 2000));
  }
  return response["result"];
}

int error_code(const Json& response) {
  if (!response.contains("error") || !response["error"].is_object()) return 0;
  return response["error"].value("code", 0);
}

Json text_document(const std::string& uri) {
  return {{"uri", uri}};
}

void open_document(LspClient& client, const std::string& uri, const std::string& language_id,
                   const std::string& text, int version) {
  client.notify(
      "textDocument/didOpen",
      {{"textDocument",
        {{"uri", uri}, {"languageId", language_id}, {"version", version}, {"text", text}}}});
}

Json edit(const Json& r, const std::string& text) {
  return {{"range", r}, {"text", text}};
}

Json whole(const std::string& text) {
  return {{"text", text}};
}

void change(LspClient& client, const std::string& uri, const Json& version,
            const std::vector<Json>& changes) {
  client.notify("textDocument/didChange", {{"textDocument", {{"uri", uri}, {"version", version}}},
                                           {"contentChanges", Json(changes)}});
}

void pause_document(LspClient& client, const std::string& uri) {
  client.notify("chunkls/test/pause", {{"textDocument", text_document(uri)}});
}

void resume_document(LspClient& client, const std::string& uri) {
  client.notify("chunkls/test/resume", {{"textDocument", text_document(uri)}});
}

namespace {

std::vector<std::string> messages_of(const LspClient& client, const std::string& method) {
  std::vector<std::string> out;
  for (const Json& n : client.notifications()) {
    if (n.value("method", "") == method) out.push_back(n["params"]["message"]);
  }
  return out;
}

}  // namespace

std::vector<std::string> shown_messages(const LspClient& client) {
  return messages_of(client, "window/showMessage");
}

std::vector<std::string> logged_messages(const LspClient& client) {
  return messages_of(client, "window/logMessage");
}

bool any_contains(const std::vector<std::string>& messages, const std::string& needle) {
  for (const std::string& m : messages) {
    if (m.find(needle) != std::string::npos) return true;
  }
  return false;
}

Json document_symbols(LspClient& client, const std::string& uri,
                      std::chrono::milliseconds timeout) {
  return result_of(client.request("textDocument/documentSymbol",
                                  {{"textDocument", text_document(uri)}}, timeout));
}

Json folding_ranges(LspClient& client, const std::string& uri) {
  return result_of(
      client.request("textDocument/foldingRange", {{"textDocument", text_document(uri)}}));
}

Json selection_ranges(LspClient& client, const std::string& uri, const Json& positions) {
  return result_of(
      client.request("textDocument/selectionRange",
                     {{"textDocument", text_document(uri)}, {"positions", positions}}));
}

Json position(int line, int character) {
  return {{"line", line}, {"character", character}};
}

Json range(int start_line, int start_character, int end_line, int end_character) {
  return {{"start", position(start_line, start_character)},
          {"end", position(end_line, end_character)}};
}

bool position_le(const Json& a, const Json& b) {
  const int al = a.at("line"), bl = b.at("line");
  return al < bl || (al == bl && a.at("character").get<int>() <= b.at("character").get<int>());
}

bool range_contains(const Json& outer, const Json& inner) {
  return position_le(outer.at("start"), inner.at("start")) &&
         position_le(inner.at("end"), outer.at("end"));
}

namespace {

void flatten_into(const Json& symbols, std::vector<Json>& out) {
  for (const Json& symbol : symbols) {
    Json copy = symbol;
    copy.erase("children");
    out.push_back(std::move(copy));
    if (symbol.contains("children")) flatten_into(symbol["children"], out);
  }
}

}  // namespace

std::vector<Json> flatten_symbols(const Json& symbols) {
  std::vector<Json> out;
  flatten_into(symbols, out);
  return out;
}

std::vector<std::string> outline(const Json& symbols) {
  std::vector<std::string> out;
  for (const Json& s : flatten_symbols(symbols)) {
    const Json& r = s.contains("range") ? s["range"] : s["location"]["range"];
    out.push_back(s.value("name", "?") + "@" + std::to_string(r["start"]["line"].get<int>()));
  }
  return out;
}

::testing::AssertionResult answers_health_check(LspClient& client, int attempts,
                                                std::chrono::milliseconds wait) {
  const Json expected = {{"name", "ok"},
                         {"kind", 12},
                         {"range", range(0, 0, 1, 8)},
                         {"selectionRange", range(0, 4, 0, 6)}};
  std::string last;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    // A fresh uri per attempt: a retry must not depend on an earlier, swallowed didOpen.
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    const std::string uri = "file:///health/check" + std::to_string(stamp) + ".py";
    try {
      open_document(client, uri, "python", "def ok():\n    pass\n");
      const Json response = client.request("textDocument/documentSymbol",
                                           {{"textDocument", text_document(uri)}}, wait);
      last = response.dump();
      const Json result = response.value("result", Json());
      if (result.is_array() && result.size() == 1) {
        Json got = result[0];
        got.erase("detail");
        got.erase("children");
        got.erase("tags");
        got.erase("deprecated");
        if (got == expected) return ::testing::AssertionSuccess();
      }
    } catch (const std::runtime_error& e) {
      last = e.what();
      if (!client.server_running()) break;
    }
  }
  return ::testing::AssertionFailure()
         << "no correct documentSymbol answer after " << attempts << " attempt(s); last: " << last;
}

std::string big_python(std::size_t bytes, int* functions, std::size_t padding) {
  std::string text;
  text.reserve(bytes + padding + 200);
  const std::string pad(padding, 'x');
  int i = 0;
  while (text.size() < bytes) {
    const std::string n = std::to_string(i++);
    text += "def f" + n + "(a, b):\n    if a:\n        return [a, b, " + n + "]\n    return '" +
            pad + "'\n\n";
  }
  if (functions) *functions = i;
  return text;
}

const std::vector<FixtureFile>& fixture_files() {
  static const std::vector<FixtureFile> files = {{"bash/sample.sh", "shellscript"},
                                                 {"c/sample.c", "c"},
                                                 {"cpp/sample.cpp", "cpp"},
                                                 {"go/sample.go", "go"},
                                                 {"java/sample.java", "java"},
                                                 {"javascript/sample.js", "javascript"},
                                                 {"json/sample.json", "json"},
                                                 {"python/sample.py", "python"},
                                                 {"ruby/sample.rb", "ruby"},
                                                 {"rust/sample.rs", "rust"},
                                                 {"tsx/sample.tsx", "typescriptreact"},
                                                 {"typescript/sample.ts", "typescript"}};
  return files;
}

std::string read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string file_uri(const fs::path& path) {
  // Test paths are plain ASCII without spaces; no percent-encoding needed.
  return "file://" + fs::absolute(path).string();
}

}  // namespace chunkls::e2e
