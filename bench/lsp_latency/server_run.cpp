#include "bench/lsp_latency/server_run.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "bench/lsp_latency/lsp_client.h"

namespace chunkls::bench {
namespace {

using nlohmann::json;

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// DocumentSymbol[] (nested through "children") or SymbolInformation[] (flat).
std::size_t count_symbols(const json& symbols) {
  if (!symbols.is_array()) return 0;
  std::size_t n = 0;
  for (const json& s : symbols) {
    ++n;
    if (s.contains("children")) n += count_symbols(s["children"]);
  }
  return n;
}

json initialize_params(const std::string& root_uri, const std::string& root_path) {
  json symbol_kinds = json::array();
  for (int kind = 1; kind <= 26; ++kind)
    symbol_kinds.push_back(kind);
  const std::string name = std::filesystem::path(root_path).filename().string();
  return {
      {"processId", static_cast<int>(::getpid())},
      {"clientInfo", {{"name", "chunkls-lsp-latency"}}},
      {"locale", "en"},
      {"rootUri", root_uri},
      {"rootPath", root_path},
      {"workspaceFolders", json::array({{{"uri", root_uri}, {"name", name}}})},
      {"trace", "off"},
      {"capabilities",
       {
           // Everyone on UTF-16, so chunkls and its peers convert columns alike.
           {"general", {{"positionEncodings", json::array({"utf-16"})}}},
           {"offsetEncoding", json::array({"utf-16"})},  // clangd's pre-3.17 spelling
           {"workspace", {{"configuration", true}, {"workspaceFolders", true}}},
           {"window", {{"workDoneProgress", true}}},
           {"textDocument",
            {
                {"synchronization", {{"dynamicRegistration", false}, {"didSave", false}}},
                {"documentSymbol",
                 {{"hierarchicalDocumentSymbolSupport", true},
                  {"symbolKind", {{"valueSet", symbol_kinds}}}}},
                {"foldingRange", {{"lineFoldingOnly", true}}},
                {"publishDiagnostics", json::object()},
            }},
       }},
  };
}

json advertised(const json& capabilities) {
  json out = json::object();
  for (const char* key : {"documentSymbolProvider", "foldingRangeProvider", "textDocumentSync",
                          "positionEncoding", "offsetEncoding"}) {
    if (capabilities.contains(key)) out[key] = capabilities[key];
  }
  return out;
}

}  // namespace

std::string file_uri(const std::string& absolute_path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file://";
  for (const char ch : absolute_path) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '/' || c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      uri += ch;
    } else {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    }
  }
  return uri;
}

ServerRunResult run_server(const ServerRunOptions& options, const std::string& text,
                           std::span<const TextEdit> warmup, std::span<const TextEdit> measured) {
  ServerRunResult result;
  const std::string root = std::filesystem::path(options.path).parent_path().string();
  const std::string root_uri = file_uri(root);
  const std::string uri = file_uri(options.path);
  const json document{{"uri", uri}};

  LspClient client(options.command_line, options.stderr_path);
  client.set_workspace_folders(json::array(
      {{{"uri", root_uri}, {"name", std::filesystem::path(root).filename().string()}}}));

  // Start-up: initialize, initialized, didOpen.
  const auto start = Clock::now();
  const int init_id = client.request("initialize", initialize_params(root_uri, root));
  const int ids_init[] = {init_id};
  const Response init = client.await(ids_init, start + options.ready_timeout).at(init_id);
  if (!init.error.is_null()) throw std::runtime_error("initialize failed: " + init.error.dump());
  result.initialize_ms = ms_between(start, init.received);
  if (init.result.contains("serverInfo")) {
    const json& info = init.result["serverInfo"];
    result.server_info = info.value("name", "") + " " + info.value("version", "");
  }
  result.capabilities = advertised(init.result.value("capabilities", json::object()));
  const json folds_capability = result.capabilities.value("foldingRangeProvider", json());
  result.folds_offered = folds_capability.is_object() || folds_capability == true;
  client.notify("initialized", json::object());
  const auto opened = Clock::now();
  client.notify(
      "textDocument/didOpen",
      {{"textDocument",
        {{"uri", uri}, {"languageId", options.language_id}, {"version", 1}, {"text", text}}}});

  // Ready: the first non-empty documentSymbol (peers may answer empty while loading).
  const auto ready_deadline = opened + options.ready_timeout;
  for (;;) {
    ++result.ready_attempts;
    const int id = client.request("textDocument/documentSymbol", {{"textDocument", document}});
    const int ids[] = {id};
    const Response r = client.await(ids, ready_deadline).at(id);
    if (!r.error.is_null() && r.error.value("code", 0) == -32601) {
      throw std::runtime_error("the server does not do documentSymbol: " + r.error.dump());
    }
    if (r.error.is_null() && count_symbols(r.result) > 0) {
      result.first_symbols_ms = ms_between(opened, r.received);
      result.first_symbols = count_symbols(r.result);
      break;
    }
    if (Clock::now() >= ready_deadline) throw std::runtime_error("no symbols before the timeout");
    client.drain(Clock::now() + std::chrono::milliseconds(250));
  }
  if (result.folds_offered) {
    const int id = client.request("textDocument/foldingRange", {{"textDocument", document}});
    const int ids[] = {id};
    const Response r = client.await(ids, ready_deadline).at(id);
    result.first_folds = r.result.is_array() ? r.result.size() : 0;
  }
  client.drain(Clock::now() + options.settle);

  // documentSymbol, then foldingRange when the server offers it; both answers.
  const auto ask_both = [&](Clock::time_point t0, int& symbols_id, int& folds_id) {
    symbols_id = client.request("textDocument/documentSymbol", {{"textDocument", document}});
    folds_id = result.folds_offered
                   ? client.request("textDocument/foldingRange", {{"textDocument", document}})
                   : -1;
    const int ids[] = {symbols_id, folds_id};
    return client.await(std::span(ids, result.folds_offered ? 2 : 1), t0 + options.request_timeout);
  };

  // The keystrokes.
  int version = 1;
  const auto type = [&](const TextEdit& edit, bool record) {
    ++version;
    const json start_pos{{"line", edit.line}, {"character", edit.utf16_column}};
    const json end_pos{{"line", edit.line}, {"character", edit.utf16_column + edit.deleted}};
    const json change{
        {"textDocument", {{"uri", uri}, {"version", version}}},
        {"contentChanges", json::array({{{"range", {{"start", start_pos}, {"end", end_pos}}},
                                         {"text", edit.inserted}}})}};
    const auto t0 = Clock::now();
    client.notify("textDocument/didChange", change);
    int symbols_id = 0, folds_id = 0;
    auto answers = ask_both(t0, symbols_id, folds_id);
    const Response& symbols = answers.at(symbols_id);
    // Without foldingRange, the keystroke is answered with its symbols.
    const Response& folds = result.folds_offered ? answers.at(folds_id) : symbols;
    for (const Response* r : {&symbols, &folds}) {
      if (!r->error.is_null()) {
        ++result.error_answers;
        if (result.first_error.empty()) result.first_error = r->error.dump();
      } else if (r->result.is_null()) {
        ++result.null_answers;
      }
      if (!result.folds_offered) break;  // `folds` is `symbols` again
    }
    if (!record) return;
    result.latency_ms.push_back(ms_between(t0, std::max(symbols.received, folds.received)));
    result.symbols_ms.push_back(ms_between(t0, symbols.received));
    if (result.folds_offered) result.folds_ms.push_back(ms_between(t0, folds.received));
    result.last_symbols = count_symbols(symbols.result);
    result.last_folds = result.folds_offered && folds.result.is_array() ? folds.result.size() : 0;
    const auto n = static_cast<double>(result.latency_ms.size());
    result.symbols_bytes += (static_cast<double>(symbols.bytes) - result.symbols_bytes) / n;
    if (result.folds_offered) {
      result.folds_bytes += (static_cast<double>(folds.bytes) - result.folds_bytes) / n;
    }
    if (options.pause.count() > 0) client.drain(Clock::now() + options.pause);
  };
  for (const TextEdit& edit : warmup)
    type(edit, false);
  // Warm-up answers are not counted as errors of the measured run.
  result.error_answers = result.null_answers = 0;
  result.first_error.clear();
  for (const TextEdit& edit : measured)
    type(edit, true);
  // The same answers for a document that did not change: what answering costs alone.
  for (std::size_t i = 0; i < options.unchanged; ++i) {
    const auto t0 = Clock::now();
    int symbols_id = 0, folds_id = 0;
    auto answers = ask_both(t0, symbols_id, folds_id);
    Clock::time_point last = answers.at(symbols_id).received;
    if (result.folds_offered) last = std::max(last, answers.at(folds_id).received);
    result.unchanged_ms.push_back(ms_between(t0, last));
  }

  // The server's peak memory so far (its process only: clangd's or tsserver's helpers
  // are not counted).
  {
    std::ifstream status("/proc/" + std::to_string(client.connection().pid()) + "/status");
    for (std::string line; std::getline(status, line);) {
      if (line.starts_with("VmHWM:")) result.peak_rss_mb = std::stod(line.substr(6)) / 1024.0;
    }
  }
  // Shutdown. A server that will not say goodbye is ended anyway by terminate().
  const auto stop = Clock::now();
  try {
    const int id = client.request("shutdown", nullptr);
    const int ids[] = {id};
    client.await(ids, stop + std::chrono::seconds(10));
    client.notify("exit", nullptr);
  } catch (const std::runtime_error&) {
  }
  result.exit_status = client.connection().terminate(std::chrono::seconds(5));
  result.shutdown_ms = ms_between(stop, Clock::now());
  result.notifications = client.notifications();
  result.server_requests = client.server_requests();
  result.first_notifications = client.first_notifications();
  return result;
}

}  // namespace chunkls::bench
