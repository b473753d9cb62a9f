// The raw baseline of the latency benchmark: the same keystrokes applied straight to
// tree-sitter (ts_tree_edit, then an incremental parse from the edited tree), with no
// server, protocol or chunking around it. What a keystroke costs at the least.
//
// A pure function over its arguments; it owns its parser and trees. Thread-safe.
#pragma once

#include <tree_sitter/api.h>

#include <span>
#include <string>
#include <vector>

#include "bench/lsp_latency/edit_script.h"

namespace chunkls::bench {

struct RawReparseTimes {
  double initial_parse_ms = 0;
  std::vector<double> edit_ms;  // per measured edit, all rounds in order
};

// Parses `text`, applies `warmup` untimed, then `measured` `rounds` times over (each
// round from the text as it is then; the script's pairs leave it unchanged). Each
// sample is ts_tree_edit + Parser::parse(text, &old_tree); changing our copy of the text
// is not timed (a server may keep its text in a rope). Throws std::runtime_error when
// the grammar cannot be loaded or a parse fails.
RawReparseTimes time_raw_reparse(const TSLanguage* grammar, std::string text,
                                 std::span<const TextEdit> warmup,
                                 std::span<const TextEdit> measured, int rounds);

}  // namespace chunkls::bench
