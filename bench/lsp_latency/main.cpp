// lsp_latency: keystroke-to-answer latency of a language server on one large file,
// next to the raw cost of the same edits in tree-sitter. See bench/README.md
// ("LSP keystroke latency") for the method and results; bench/run_lsp_latency.sh runs
// it against chunkls and its peers.
#include <fmt/format.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bench/lsp_latency/edit_script.h"
#include "bench/lsp_latency/latency_summary.h"
#include "bench/lsp_latency/raw_reparse.h"
#include "bench/lsp_latency/server_run.h"
#include "engine/syntax/language_registry.h"

namespace {

using namespace chunkls::bench;
using nlohmann::json;
namespace fs = std::filesystem;

struct Options {
  ServerRunOptions server;
  std::string label;
  std::string raw_language;
  std::size_t edits = 500;
  std::size_t warmup = 20;
  std::uint64_t seed = 1;
  int raw_rounds = 3;
  std::string json_out;
  bool raw_only = false;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The 1-minute load average: on a shared machine, says how much else was running.
double load_average() {
  double load = -1;
  std::ifstream("/proc/loadavg") >> load;
  return load;
}

std::string row(const char* what, const LatencySummary& s) {
  return fmt::format(
      "{:<22} p50 {:9.3f}  p95 {:9.3f}  p99 {:9.3f}  max {:9.3f}  mean {:9.3f}  (n={})", what,
      s.p50, s.p95, s.p99, s.max, s.mean, s.count);
}

json counts_json(const std::map<std::string, int>& counts) {
  json out = json::object();
  for (const auto& [method, n] : counts)
    out[method] = n;
  return out;
}

int run(const Options& options) {
  const std::string text = read_file(options.server.path);
  const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) +
                     (text.empty() || text.back() == '\n' ? 0 : 1);
  if (lines < 20'000) {
    std::cerr << fmt::format("note: {} has {} lines (the benchmark asks for >= 20,000)\n",
                             options.server.path, lines);
  }
  const auto registry = chunkls::LanguageRegistry::with_builtins();
  const chunkls::Language* language = registry.find(options.raw_language);
  if (!language) throw std::runtime_error("no built-in grammar for " + options.raw_language);

  const auto script = make_edit_script(text, options.warmup + options.edits, options.seed);
  const std::span<const TextEdit> warmup(script.data(), options.warmup);
  const std::span<const TextEdit> measured(script.data() + options.warmup, options.edits);

  if (options.raw_only) {
    const RawReparseTimes raw =
        time_raw_reparse(language->grammar(), text, warmup, measured, options.raw_rounds);
    std::cout << fmt::format("file    {} ({} lines, {} bytes), {} initial parse {:.1f} ms\n",
                             options.server.path, lines, text.size(), options.raw_language,
                             raw.initial_parse_ms)
              << row("raw edit+reparse ms", summarize(raw.edit_ms)) << "\n";
    return 0;
  }
  std::cout << fmt::format("server  {} ({})\nfile    {} ({} lines, {} bytes), languageId {}\n",
                           options.label, options.server.command_line, options.server.path, lines,
                           text.size(), options.server.language_id)
            << std::flush;
  const double load_before = load_average();
  const ServerRunResult server = run_server(options.server, text, warmup, measured);
  const double load_after = load_average();
  // The raw baseline runs after the server has exited, so the two never share the CPU.
  const RawReparseTimes raw =
      time_raw_reparse(language->grammar(), text, warmup, measured, options.raw_rounds);

  const LatencySummary server_summary = summarize(server.latency_ms);
  const LatencySummary raw_summary = summarize(raw.edit_ms);
  const double ratio_p50 = server_summary.p50 / raw_summary.p50;
  const double ratio_p99 = server_summary.p99 / raw_summary.p99;
  // The target: a keystroke costs what the reparse and the answers cost, no more.
  const LatencySummary unchanged_summary = summarize(server.unchanged_ms);
  const double floor_p50 = raw_summary.p50 + unchanged_summary.p50;
  const double floor_p99 = raw_summary.p99 + unchanged_summary.p99;
  const double target_p50 = server_summary.p50 / floor_p50;
  const double target_p99 = server_summary.p99 / floor_p99;

  std::cout << fmt::format(
      "serverInfo {}\n"
      "start   initialize {:.0f} ms; first documentSymbol {:.0f} ms after didOpen ({} "
      "request(s)): {} symbols, {} folding ranges\n"
      "edits   {} measured after {} warm-up, seed {}\n",
      server.server_info.empty() ? "-" : server.server_info, server.initialize_ms,
      server.first_symbols_ms, server.ready_attempts, server.first_symbols, server.first_folds,
      options.edits, options.warmup, options.seed);
  std::cout << fmt::format(
                   "load    1-min load average {:.2f} before, {:.2f} after the server run\n",
                   load_before, load_after)
            << row("keystroke->answers ms", server_summary) << "\n"
            << row("  documentSymbol ms", summarize(server.symbols_ms)) << "\n"
            << (server.folds_offered
                    ? row("  foldingRange ms", summarize(server.folds_ms))
                    : std::string("  foldingRange          not offered by the server"))
            << "\n"
            << row("raw edit+reparse ms", raw_summary) << "\n"
            << row("unchanged answers ms", unchanged_summary) << "\n"
            << fmt::format(
                   "target  keystroke / (raw + unchanged) p50 {:.2f}x (<= 1.5), p99 {:.2f}x "
                   "(<= 2); server peak RSS {:.0f} MB\n",
                   target_p50, target_p99, server.peak_rss_mb)
            << fmt::format(
                   "ratio   server/raw p50 {:.1f}x, p99 {:.1f}x (raw: {} rounds, "
                   "initial parse {:.1f} ms)\n",
                   ratio_p50, ratio_p99, options.raw_rounds, raw.initial_parse_ms)
            << fmt::format(
                   "answers last documentSymbol {} symbols, foldingRange {} ranges (mean {:.0f} "
                   "and {:.0f} bytes of JSON); {} error and {} null answers{}{}\n",
                   server.last_symbols, server.last_folds, server.symbols_bytes, server.folds_bytes,
                   server.error_answers, server.null_answers,
                   server.first_error.empty() ? "" : "; first: ", server.first_error);

  if (!options.json_out.empty()) {
    json edits = json::array();
    for (const TextEdit& e : script)
      edits.push_back(to_json(e));
    const json out{
        {"label", options.label},
        {"server", options.server.command_line},
        {"server_info", server.server_info},
        {"capabilities", server.capabilities},
        {"file", {{"path", options.server.path}, {"lines", lines}, {"bytes", text.size()}}},
        {"language_id", options.server.language_id},
        {"raw_language", options.raw_language},
        {"seed", options.seed},
        {"warmup", options.warmup},
        {"pause_ms", options.server.pause.count()},
        {"startup",
         {{"initialize_ms", server.initialize_ms},
          {"first_symbols_ms", server.first_symbols_ms},
          {"ready_attempts", server.ready_attempts},
          {"first_symbols", server.first_symbols},
          {"first_folds", server.first_folds}}},
        {"server_ms", to_json(server_summary)},
        {"document_symbol_ms", to_json(summarize(server.symbols_ms))},
        {"folding_range_offered", server.folds_offered},
        {"folding_range_ms", to_json(summarize(server.folds_ms))},
        {"raw_reparse_ms", to_json(raw_summary)},
        {"raw_rounds", options.raw_rounds},
        {"raw_initial_parse_ms", raw.initial_parse_ms},
        {"ratio_p50", ratio_p50},
        {"ratio_p99", ratio_p99},
        {"unchanged_ms", to_json(unchanged_summary)},
        {"target_p50", target_p50},
        {"target_p99", target_p99},
        {"unchanged_samples_ms", server.unchanged_ms},
        {"peak_rss_mb", server.peak_rss_mb},
        {"answers",
         {{"last_symbols", server.last_symbols},
          {"symbols_bytes", server.symbols_bytes},
          {"folds_bytes", server.folds_bytes},
          {"last_folds", server.last_folds},
          {"errors", server.error_answers},
          {"nulls", server.null_answers},
          {"first_error", server.first_error}}},
        {"notifications", counts_json(server.notifications)},
        {"server_requests", counts_json(server.server_requests)},
        {"first_notifications", server.first_notifications},
        {"shutdown_ms", server.shutdown_ms},
        {"load_average", {{"before", load_before}, {"after", load_after}}},
        {"exit_status", server.exit_status},
        {"latency_samples_ms", server.latency_ms},
        {"raw_samples_ms", raw.edit_ms},
        {"edits", edits},  // warm-up first, then the measured ones
    };
    std::ofstream(options.json_out) << out.dump(1) << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // A server that dies must show up as an error message, not kill us on write.
  ::signal(SIGPIPE, SIG_IGN);
  Options options;
  CLI::App app{
      "Keystroke-to-answer latency of a language server (documentSymbol + "
      "foldingRange after each single-character didChange), against raw "
      "tree-sitter reparsing of the same edits"};
  long ready_s = 600, timeout_s = 60, settle_ms = 2000, pause_ms = 0;
  auto* server_option =
      app.add_option("--server", options.server.command_line, "server command line (run by sh)");
  app.add_flag("--raw-only", options.raw_only, "only the raw tree-sitter baseline")
      ->excludes(server_option);
  app.add_option("--file", options.server.path, "the file to edit (its directory is the root)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--language-id", options.server.language_id, "LSP languageId")->required();
  app.add_option("--raw-language", options.raw_language,
                 "chunkls language for the raw baseline (default: the languageId)");
  app.add_option("--label", options.label,
                 "name in the report (default: the command's first word)");
  app.add_option("--edits", options.edits, "measured keystrokes")->capture_default_str();
  app.add_option("--warmup", options.warmup, "unmeasured keystrokes first")->capture_default_str();
  app.add_option("--seed", options.seed, "edit script seed")->capture_default_str();
  app.add_option("--raw-rounds", options.raw_rounds, "passes of the raw baseline")
      ->capture_default_str();
  app.add_option("--json", options.json_out, "write all results and samples here");
  app.add_option("--server-log", options.server.stderr_path, "the server's stderr")
      ->capture_default_str();
  app.add_option("--ready-timeout-s", ready_s, "start-up limit")->capture_default_str();
  app.add_option("--timeout-s", timeout_s, "limit per keystroke")->capture_default_str();
  app.add_option("--settle-ms", settle_ms, "idle time after the first answers")
      ->capture_default_str();
  app.add_option("--pause-ms", pause_ms, "idle time between keystrokes")->capture_default_str();
  app.add_option("--unchanged", options.server.unchanged,
                 "times both requests are sent again with no edit, after the keystrokes")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!options.raw_only && options.server.command_line.empty()) {
    std::cerr << "lsp_latency: --server is required (or --raw-only)\n";
    return 2;
  }

  options.server.path = fs::absolute(options.server.path).lexically_normal().string();
  options.server.ready_timeout = std::chrono::seconds(ready_s);
  options.server.request_timeout = std::chrono::seconds(timeout_s);
  options.server.settle = std::chrono::milliseconds(settle_ms);
  options.server.pause = std::chrono::milliseconds(pause_ms);
  if (options.raw_language.empty()) options.raw_language = options.server.language_id;
  if (options.label.empty()) {
    options.label = options.server.command_line.substr(0, options.server.command_line.find(' '));
  }
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::cerr << "lsp_latency: " << e.what() << "\n";
    return 1;
  }
}
