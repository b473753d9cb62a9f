// ServerRun: one language server driven through a keystroke benchmark: initialize,
// open the file, wait until it answers a first documentSymbol, then for every edit a
// didChange followed at once by documentSymbol and foldingRange; the latency of a
// keystroke is from writing the didChange until both answers have arrived. A server
// that does not offer foldingRange (pyright; clangd 14 without --folding-ranges) is only
// asked for documentSymbol.
//
// run_server owns the server process for the duration of the call and always ends it.
// Thread-safety: a free function; concurrent calls share nothing.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "bench/lsp_latency/edit_script.h"

namespace chunkls::bench {

struct ServerRunOptions {
  std::string command_line;
  std::string stderr_path = "/dev/null";
  std::string path;  // absolute; its directory is the workspace root
  std::string language_id;
  std::chrono::milliseconds ready_timeout{600'000};   // start-up until the first symbols
  std::chrono::milliseconds request_timeout{60'000};  // one keystroke's answers
  std::chrono::milliseconds settle{2'000};            // after the first answers, before the edits
  std::chrono::milliseconds pause{0};                 // between keystrokes (0: type flat out)
  std::size_t unchanged = 100;  // both requests again with no edit, after the keystrokes
};

struct ServerRunResult {
  std::string server_info;      // serverInfo name and version from initialize, if given
  nlohmann::json capabilities;  // the advertised ones that matter here
  double initialize_ms = 0;
  double first_symbols_ms = 0;  // from didOpen to the first non-empty documentSymbol
  int ready_attempts = 0;       // documentSymbol requests until then
  bool folds_offered = false;   // foldingRangeProvider in the server's capabilities
  std::size_t first_symbols = 0, first_folds = 0;
  std::vector<double> latency_ms;            // per measured keystroke
  std::vector<double> unchanged_ms;          // both answers again, no edit before them
  double peak_rss_mb = 0;                    // the server's VmHWM before shutdown
  std::vector<double> symbols_ms, folds_ms;  // when each answer alone arrived
  std::size_t last_symbols = 0, last_folds = 0;
  double symbols_bytes = 0, folds_bytes = 0;  // mean answer sizes over the measured edits
  int error_answers = 0, null_answers = 0;
  std::string first_error;
  std::map<std::string, int> notifications, server_requests;
  nlohmann::json first_notifications;
  double shutdown_ms = 0;
  int exit_status = 0;
};

// Throws std::runtime_error when the server fails to start, answer in time or exits.
ServerRunResult run_server(const ServerRunOptions& options, const std::string& text,
                           std::span<const TextEdit> warmup, std::span<const TextEdit> measured);

// file:// URI of an absolute path (percent-encoding what RFC 3986 requires).
std::string file_uri(const std::string& absolute_path);

}  // namespace chunkls::bench
