// workspace/symbol's answer as a view of SymbolIndex matches: SymbolInformation[] with
// each symbol's location at its name (what an editor jumps to), its container, and LSP's
// SymbolKind.
//
// The index keeps positions in bytes; a client on utf-16 or utf-32 needs the columns in
// its units, which depend on the line's text: each result's file is read once (for the
// at most `limit` results), its lines found as far as needed.
// A file that cannot be read or changed shape keeps byte columns (clamped by clients).
//
// A pure function; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "engine/index/symbols/symbol_index.h"
#include "protocol/position_encoding.h"

namespace chunkls {

std::string workspace_symbols_json(const std::vector<SymbolMatch>& matches,
                                   protocol::PositionEncoding encoding);

}  // namespace chunkls
