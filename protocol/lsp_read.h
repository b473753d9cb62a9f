// Reading the params of the LSP methods chunkls serves out of an IncomingMessage.
//
// Each function throws RpcError(kInvalidParams) with the offending JSON pointer when a
// required field is missing or has the wrong type; optional fields the client left
// out get the specification's defaults. Free functions; one message, one thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocol/incoming_message.h"
#include "protocol/lsp_types.h"

namespace chunkls::protocol {

InitializeParams read_initialize(const IncomingMessage& message);
TextDocumentItem read_did_open(const IncomingMessage& message);
DidChangeParams read_did_change(const IncomingMessage& message);
// params.textDocument.uri, for didClose, didSave, documentSymbol, foldingRange.
std::string read_document_uri(const IncomingMessage& message);
SelectionRangeParams read_selection_range(const IncomingMessage& message);
// params.id of $/cancelRequest.
RequestId read_cancel_id(const IncomingMessage& message);
// params.query of workspace/symbol.
std::string read_workspace_symbol_query(const IncomingMessage& message);
// params.changes of workspace/didChangeWatchedFiles (unknown change types are refused).
std::vector<FileEvent> read_watched_files(const IncomingMessage& message);
// params.event of workspace/didChangeWorkspaceFolders.
WorkspaceFoldersChange read_workspace_folders_change(const IncomingMessage& message);
// params.token of window/workDoneProgress/cancel, as text ("7" for 7).
std::string read_progress_token(const IncomingMessage& message);
// chunkls's settings under `pointer` ("/params/initializationOptions",
// "/params/settings/chunkls"); nothing there gives empty Settings. Never throws: a
// value of the wrong type or range is left out and described in Settings::problems.
Settings read_settings(const IncomingMessage& message, std::string_view pointer);

// The encoding the server picks from the client's offer: utf-8 when offered (cheapest:
// our offsets are bytes), else utf-16 (the default every client supports), utf-32 when
// the client offers it without utf-16.
PositionEncoding negotiate_position_encoding(const ClientCapabilities& capabilities);

}  // namespace chunkls::protocol
