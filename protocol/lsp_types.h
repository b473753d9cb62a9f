// The LSP types chunkls reads and writes, as plain values: positions and ranges in the
// negotiated encoding's units, the client capabilities that change our answers, the
// params of the methods we serve and the shapes of our results.
//
// Only the fields chunkls uses; names follow the specification. Value types, safe to
// copy between threads. Reading is lsp_read.h, writing lsp_write.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/position_encoding.h"

namespace chunkls::protocol {

struct Position {
  std::uint32_t line = 0;
  std::uint32_t character = 0;  // in the negotiated encoding's code units
  friend bool operator==(const Position&, const Position&) = default;
  friend auto operator<=>(const Position&, const Position&) = default;
};

struct Range {
  Position start;
  Position end;
  friend bool operator==(const Range&, const Range&) = default;
};

// What the client told us in `initialize` that changes what we send.
struct ClientCapabilities {
  std::vector<PositionEncoding> position_encodings;  // general.positionEncodings, in order
  bool hierarchical_document_symbols = false;
  std::optional<std::uint32_t> folding_range_limit;
  bool line_folding_only = false;
  std::optional<std::vector<std::string>> folding_range_kinds;  // valueSet, when given
  bool folding_collapsed_text = false;
  bool work_done_progress = false;
  // workspace.didChangeWatchedFiles.dynamicRegistration: we may register file watchers.
  bool watched_files_registration = false;
  // workspace.workspaceFolders: the client sends didChangeWorkspaceFolders.
  bool workspace_folders = false;
};

// chunkls's own settings, from initializationOptions or workspace/didChangeConfiguration
// (`settings.chunkls`); absent ones keep their values.
// One cache level's budgets (`cache.<level>.maxEntries`, `.maxBytes`, `.ttlSeconds`).
struct CacheLevelSettings {
  std::optional<std::int64_t> max_entries;  // >= 0
  std::optional<std::int64_t> max_bytes;    // >= 0
  std::optional<std::int64_t> ttl_seconds;  // >= 0; 0: entries do not expire
  bool any() const { return max_entries || max_bytes || ttl_seconds; }
};

struct Settings {
  std::optional<std::int64_t> parse_time_limit_ms;  // >= 0; 0: no limit
  // `cache.trees`, `cache.chunks`, `cache.files`, `cache.constructs`.
  CacheLevelSettings trees_cache;
  CacheLevelSettings chunks_cache;
  CacheLevelSettings files_cache;
  CacheLevelSettings constructs_cache;
  // `index.*`: the workspace indexer.
  std::optional<bool> index_enabled;
  std::optional<std::vector<std::string>> index_exclude;  // globs, .gitignore syntax
  std::optional<std::int64_t> index_max_file_size;        // bytes, >= 0; 0: no limit
  std::optional<std::string> index_cache_directory;       // absolute; "" : in memory
  std::optional<std::int64_t> index_workers;              // >= 1
  // `workspaceSymbol.limit`: most results of one workspace/symbol (>= 1).
  std::optional<std::int64_t> workspace_symbol_limit;
  // Values that were refused (wrong type or range), each naming its field; the
  // settings above leave them out.
  std::string problems;
};

struct WorkspaceFolder {
  std::string uri;
  std::string name;
  friend bool operator==(const WorkspaceFolder&, const WorkspaceFolder&) = default;
};

struct InitializeParams {
  ClientCapabilities capabilities;
  Settings settings;  // initializationOptions
  std::optional<std::string> root_uri;
  std::vector<WorkspaceFolder> workspace_folders;  // empty: none given (or null)
  std::string client_name;
};

// workspace/didChangeWatchedFiles.
enum class FileChangeType : int { kCreated = 1, kChanged = 2, kDeleted = 3 };
struct FileEvent {
  std::string uri;
  FileChangeType type = FileChangeType::kChanged;
};

// workspace/didChangeWorkspaceFolders.
struct WorkspaceFoldersChange {
  std::vector<WorkspaceFolder> added;
  std::vector<WorkspaceFolder> removed;
};

struct TextDocumentItem {
  std::string uri;
  std::string language_id;
  std::int64_t version = 0;
  std::string text;
};

struct ContentChange {
  std::optional<Range> range;  // none: the whole text is replaced
  std::string text;
};

struct DidChangeParams {
  std::string uri;
  std::optional<std::int64_t> version;  // null or absent: applied in arrival order
  std::vector<ContentChange> changes;
};

struct SelectionRangeParams {
  std::string uri;
  std::vector<Position> positions;
};

// LSP SymbolKind values.
enum class SymbolKind : int {
  kFile = 1,
  kModule = 2,
  kNamespace = 3,
  kPackage = 4,
  kClass = 5,
  kMethod = 6,
  kProperty = 7,
  kField = 8,
  kConstructor = 9,
  kEnum = 10,
  kInterface = 11,
  kFunction = 12,
  kVariable = 13,
  kConstant = 14,
  kString = 15,
  kNumber = 16,
  kBoolean = 17,
  kArray = 18,
  kObject = 19,
  kKey = 20,
  kNull = 21,
  kEnumMember = 22,
  kStruct = 23,
  kEvent = 24,
  kOperator = 25,
  kTypeParameter = 26,
};

struct DocumentSymbol {
  std::string name;
  std::string detail;
  SymbolKind kind = SymbolKind::kFunction;
  Range range;
  Range selection_range;  // inside `range`
  std::vector<DocumentSymbol> children;
};

struct SymbolInformation {
  std::string name;
  SymbolKind kind = SymbolKind::kFunction;
  std::string uri;
  Range range;
  std::string container_name;  // empty: omitted
};

struct FoldingRange {
  std::uint32_t start_line = 0;
  std::uint32_t end_line = 0;
  std::optional<std::uint32_t> start_character;
  std::optional<std::uint32_t> end_character;
  std::optional<std::string> kind;  // "comment", "imports", "region"
  std::optional<std::string> collapsed_text;
};

// One position's answer: ranges from the innermost outwards; each contains the previous.
struct SelectionRange {
  std::vector<Range> ranges;
};

enum class MessageType : int { kError = 1, kWarning = 2, kInfo = 3, kLog = 4 };

}  // namespace chunkls::protocol
