#include "protocol/lsp_read.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace chunkls::protocol {

namespace dom = simdjson::dom;

namespace {

std::uint32_t to_uinteger(std::int64_t number, std::string_view pointer) {
  if (number < 0 || number > std::numeric_limits<std::int32_t>::max()) {
    throw_invalid_params(pointer, "a non-negative 32-bit integer");
  }
  return static_cast<std::uint32_t>(number);
}

std::uint32_t read_uinteger(const dom::object& object, std::string_view key,
                            std::string_view where) {
  std::int64_t number = 0;
  const auto pointer = fmt::format("{}/{}", where, key);
  if (object[key].get_int64().get(number)) {
    throw_invalid_params(pointer, "an integer");
  }
  return to_uinteger(number, pointer);
}

Position read_position(dom::element value, std::string_view where) {
  dom::object object;
  if (value.get_object().get(object)) throw_invalid_params(where, "a Position object");
  Position position;
  position.line = read_uinteger(object, "line", where);
  position.character = read_uinteger(object, "character", where);
  return position;
}

Range read_range(dom::element value, std::string_view where) {
  dom::object object;
  if (value.get_object().get(object)) throw_invalid_params(where, "a Range object");
  dom::element start;
  dom::element end;
  if (object["start"].get(start)) {
    throw_invalid_params(fmt::format("{}/start", where), "a Position");
  }
  Range range;
  range.start = read_position(start, fmt::format("{}/start", where));
  if (object["end"].get(end)) {
    throw_invalid_params(fmt::format("{}/end", where), "a Position");
  }
  range.end = read_position(end, fmt::format("{}/end", where));
  return range;
}

std::vector<std::string> read_strings(dom::element value, std::string_view where) {
  dom::array array;
  if (value.get_array().get(array)) throw_invalid_params(where, "an array of strings");
  std::vector<std::string> out;
  for (dom::element element : array) {
    std::string_view text;
    if (element.get_string().get(text)) throw_invalid_params(where, "an array of strings");
    out.emplace_back(text);
  }
  return out;
}

std::vector<WorkspaceFolder> read_folders(dom::element value, std::string_view where) {
  dom::array array;
  if (value.get_array().get(array)) throw_invalid_params(where, "an array of WorkspaceFolders");
  std::vector<WorkspaceFolder> out;
  std::size_t index = 0;
  for (dom::element element : array) {
    const std::string at = fmt::format("{}/{}", where, index++);
    dom::object object;
    std::string_view uri;
    if (element.get_object().get(object) || object["uri"].get_string().get(uri)) {
      throw_invalid_params(at, "a WorkspaceFolder with a uri");
    }
    std::string_view name;
    if (object["name"].get_string().get(name)) name = {};
    out.push_back({std::string(uri), std::string(name)});
  }
  return out;
}

}  // namespace

PositionEncoding negotiate_position_encoding(const ClientCapabilities& capabilities) {
  const auto& offered = capabilities.position_encodings;
  const auto offers = [&](PositionEncoding e) {
    return std::find(offered.begin(), offered.end(), e) != offered.end();
  };
  if (offers(PositionEncoding::kUtf8)) return PositionEncoding::kUtf8;
  // utf-16 is the one every client supports; utf-32 only for a client that offers it alone.
  if (offers(PositionEncoding::kUtf32) && !offers(PositionEncoding::kUtf16)) {
    return PositionEncoding::kUtf32;
  }
  return PositionEncoding::kUtf16;
}

InitializeParams read_initialize(const IncomingMessage& message) {
  InitializeParams params;
  if (!message.at("/params")) throw_invalid_params("/params", "InitializeParams");
  auto& caps = params.capabilities;
  if (auto encodings = message.at("/params/capabilities/general/positionEncodings")) {
    for (const std::string& name :
         read_strings(*encodings, "/params/capabilities/general/positionEncodings")) {
      // Unknown encodings are skipped: the client offers, we pick among what we know.
      if (auto encoding = position_encoding_from_string(name)) {
        caps.position_encodings.push_back(*encoding);
      }
    }
  }
  caps.hierarchical_document_symbols =
      message
          .bool_at(
              "/params/capabilities/textDocument/documentSymbol/hierarchicalDocumentSymbolSupport")
          .value_or(false);
  if (auto limit = message.int_at("/params/capabilities/textDocument/foldingRange/rangeLimit")) {
    caps.folding_range_limit =
        to_uinteger(*limit, "/params/capabilities/textDocument/foldingRange/rangeLimit");
  }
  caps.line_folding_only =
      message.bool_at("/params/capabilities/textDocument/foldingRange/lineFoldingOnly")
          .value_or(false);
  if (auto kinds =
          message.at("/params/capabilities/textDocument/foldingRange/foldingRangeKind/valueSet")) {
    caps.folding_range_kinds = read_strings(
        *kinds, "/params/capabilities/textDocument/foldingRange/foldingRangeKind/valueSet");
  }
  caps.folding_collapsed_text =
      message.bool_at("/params/capabilities/textDocument/foldingRange/foldingRange/collapsedText")
          .value_or(false);
  caps.work_done_progress =
      message.bool_at("/params/capabilities/window/workDoneProgress").value_or(false);
  params.settings = read_settings(message, "/params/initializationOptions");
  params.root_uri = message.string_at("/params/rootUri");
  caps.watched_files_registration =
      message.bool_at("/params/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
          .value_or(false);
  caps.workspace_folders =
      message.bool_at("/params/capabilities/workspace/workspaceFolders").value_or(false);
  if (auto folders = message.at("/params/workspaceFolders")) {
    params.workspace_folders = read_folders(*folders, "/params/workspaceFolders");
  }
  params.client_name = message.string_at("/params/clientInfo/name").value_or("");
  return params;
}

TextDocumentItem read_did_open(const IncomingMessage& message) {
  TextDocumentItem item;
  item.uri = message.required_string("/params/textDocument/uri");
  item.language_id = message.string_at("/params/textDocument/languageId").value_or("");
  item.version = message.int_at("/params/textDocument/version").value_or(0);
  item.text = message.required_string("/params/textDocument/text");
  return item;
}

DidChangeParams read_did_change(const IncomingMessage& message) {
  DidChangeParams params;
  params.uri = message.required_string("/params/textDocument/uri");
  params.version = message.int_at("/params/textDocument/version");
  auto changes = message.at("/params/contentChanges");
  dom::array array;
  if (!changes || changes->get_array().get(array)) {
    throw_invalid_params("/params/contentChanges", "an array");
  }
  std::size_t index = 0;
  for (dom::element element : array) {
    const std::string where = fmt::format("/params/contentChanges/{}", index++);
    dom::object object;
    if (element.get_object().get(object)) throw_invalid_params(where, "a change object");
    ContentChange change;
    dom::element range;
    if (object["range"].get(range) == simdjson::SUCCESS && !range.is_null()) {
      change.range = read_range(range, where + "/range");
    }
    std::string_view text;
    if (object["text"].get_string().get(text)) throw_invalid_params(where + "/text", "a string");
    change.text = std::string(text);
    // rangeLength is deprecated and redundant with range: ignored.
    params.changes.push_back(std::move(change));
  }
  return params;
}

namespace {

// The largest budget taken: 1 PiB of bytes, 2^40 entries, ten years.
constexpr std::int64_t kMaxBudget = std::int64_t{1} << 50;
constexpr std::int64_t kMaxTtlSeconds = std::int64_t{10} * 365 * 24 * 3600;

template <typename Refuse>
void read_cache_settings(const IncomingMessage& message, std::string_view pointer,
                         Settings& settings, Refuse&& refuse) {
  const std::string cache = fmt::format("{}/cache", pointer);
  std::optional<dom::element> element;
  try {
    element = message.at(cache);
  } catch (const RpcError& e) {
    refuse(e);
    return;
  }
  if (!element) return;
  dom::object levels;
  if (element->get_object().get(levels)) {
    refuse(RpcError(
        ErrorCode::kInvalidParams,
        fmt::format("{} must be an object of cache levels (trees, chunks, files, constructs)",
                    cache)));
    return;
  }
  for (const auto field : levels) {
    const std::string_view name = field.key;
    CacheLevelSettings* level = name == "trees"        ? &settings.trees_cache
                                : name == "chunks"     ? &settings.chunks_cache
                                : name == "files"      ? &settings.files_cache
                                : name == "constructs" ? &settings.constructs_cache
                                                       : nullptr;
    if (!level) {
      refuse(RpcError(ErrorCode::kInvalidParams,
                      fmt::format("{}/{}: no such cache level (trees, chunks, files, constructs)",
                                  cache, name)));
      continue;
    }
    auto read = [&](std::string_view key, std::int64_t most, std::optional<std::int64_t>& into) {
      const std::string at = fmt::format("{}/{}/{}", cache, name, key);
      try {
        if (auto value = message.int_at(at)) {
          if (*value < 0 || *value > most) {
            throw RpcError(
                ErrorCode::kInvalidParams,
                fmt::format("{} must be a whole number from 0 to {}, not {}", at, most, *value));
          }
          into = value;
        }
      } catch (const RpcError& e) {
        refuse(e);
      }
    };
    read("maxEntries", kMaxBudget, level->max_entries);
    read("maxBytes", kMaxBudget, level->max_bytes);
    read("ttlSeconds", kMaxTtlSeconds, level->ttl_seconds);
  }
}

}  // namespace

namespace {

template <typename Refuse>
void read_index_settings(const IncomingMessage& message, std::string_view pointer,
                         Settings& settings, Refuse&& refuse) {
  const auto guarded = [&](auto&& read) {
    try {
      read();
    } catch (const RpcError& e) {
      refuse(e);
    }
  };
  guarded(
      [&] { settings.index_enabled = message.bool_at(fmt::format("{}/index/enabled", pointer)); });
  guarded([&] {
    const std::string at = fmt::format("{}/index/exclude", pointer);
    if (auto value = message.at(at)) settings.index_exclude = read_strings(*value, at);
  });
  guarded([&] {
    const std::string at = fmt::format("{}/index/maxFileSize", pointer);
    if (auto bytes = message.int_at(at)) {
      if (*bytes < 0) throw_invalid_params(at, "a number of bytes, 0 or more");
      settings.index_max_file_size = *bytes;
    }
  });
  guarded([&] {
    const std::string at = fmt::format("{}/index/cacheDirectory", pointer);
    if (auto directory = message.string_at(at)) {
      if (!directory->empty() && directory->front() != '/') {
        throw_invalid_params(at, "an absolute directory, or \"\" to keep the index in memory");
      }
      settings.index_cache_directory = *directory;
    }
  });
  guarded([&] {
    const std::string at = fmt::format("{}/index/workers", pointer);
    if (auto workers = message.int_at(at)) {
      if (*workers < 1 || *workers > 256) throw_invalid_params(at, "a number of threads, 1 to 256");
      settings.index_workers = *workers;
    }
  });
  guarded([&] {
    const std::string at = fmt::format("{}/workspaceSymbol/limit", pointer);
    if (auto limit = message.int_at(at)) {
      if (*limit < 1 || *limit > 100000) throw_invalid_params(at, "a number from 1 to 100000");
      settings.workspace_symbol_limit = *limit;
    }
  });
}

}  // namespace

Settings read_settings(const IncomingMessage& message, std::string_view pointer) {
  Settings settings;
  auto refuse = [&](const std::exception& e) {
    if (!settings.problems.empty()) settings.problems += "; ";
    settings.problems += e.what();
  };
  try {
    if (!message.at(pointer)) return settings;
  } catch (const RpcError& e) {
    refuse(e);
    return settings;
  }
  read_cache_settings(message, pointer, settings, refuse);
  read_index_settings(message, pointer, settings, refuse);
  const std::string limit = fmt::format("{}/parseTimeLimitMs", pointer);
  try {
    if (auto ms = message.int_at(limit)) {
      if (*ms < 0) throw_invalid_params(limit, "a number of milliseconds, 0 or more");
      settings.parse_time_limit_ms = *ms;
    }
  } catch (const RpcError& e) {
    refuse(e);
  }
  return settings;
}

std::string read_workspace_symbol_query(const IncomingMessage& message) {
  return message.string_at("/params/query").value_or("");
}

std::vector<FileEvent> read_watched_files(const IncomingMessage& message) {
  auto changes = message.at("/params/changes");
  dom::array array;
  if (!changes || changes->get_array().get(array)) {
    throw_invalid_params("/params/changes", "an array of FileEvents");
  }
  std::vector<FileEvent> out;
  std::size_t index = 0;
  for (dom::element element : array) {
    const std::string where = fmt::format("/params/changes/{}", index++);
    dom::object object;
    std::string_view uri;
    std::int64_t type = 0;
    if (element.get_object().get(object) || object["uri"].get_string().get(uri) ||
        object["type"].get_int64().get(type) || type < 1 || type > 3) {
      throw_invalid_params(where, "a FileEvent {uri, type 1..3}");
    }
    out.push_back({std::string(uri), static_cast<FileChangeType>(type)});
  }
  return out;
}

WorkspaceFoldersChange read_workspace_folders_change(const IncomingMessage& message) {
  WorkspaceFoldersChange change;
  if (auto added = message.at("/params/event/added")) {
    change.added = read_folders(*added, "/params/event/added");
  }
  if (auto removed = message.at("/params/event/removed")) {
    change.removed = read_folders(*removed, "/params/event/removed");
  }
  return change;
}

std::string read_progress_token(const IncomingMessage& message) {
  auto token = message.at("/params/token");
  if (!token) throw_invalid_params("/params/token", "a progress token");
  std::string_view text;
  if (token->get_string().get(text) == simdjson::SUCCESS) return std::string(text);
  std::int64_t number = 0;
  if (token->get_int64().get(number) == simdjson::SUCCESS) return std::to_string(number);
  throw_invalid_params("/params/token", "a string or an integer");
}

std::string read_document_uri(const IncomingMessage& message) {
  return message.required_string("/params/textDocument/uri");
}

SelectionRangeParams read_selection_range(const IncomingMessage& message) {
  SelectionRangeParams params;
  params.uri = message.required_string("/params/textDocument/uri");
  auto positions = message.at("/params/positions");
  dom::array array;
  if (!positions || positions->get_array().get(array)) {
    throw_invalid_params("/params/positions", "an array of Positions");
  }
  std::size_t index = 0;
  for (dom::element element : array) {
    const std::string where = fmt::format("/params/positions/{}", index++);
    params.positions.push_back(read_position(element, where));
  }
  return params;
}

RequestId read_cancel_id(const IncomingMessage& message) {
  auto value = message.at("/params/id");
  if (value && value->is_int64()) return RequestId(value->get_int64().value_unsafe());
  if (value && value->is_string())
    return RequestId(std::string(value->get_string().value_unsafe()));
  throw_invalid_params("/params/id", "an integer or a string");
}

}  // namespace chunkls::protocol
