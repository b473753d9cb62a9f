#include "protocol/lsp_read.h"

#include <fmt/format.h>

#include <limits>

namespace chunkls::protocol {

namespace ondemand = simdjson::ondemand;

namespace {

std::uint32_t to_uinteger(std::int64_t number, std::string_view pointer) {
  if (number < 0 || number > std::numeric_limits<std::int32_t>::max()) {
    throw_invalid_params(pointer, "a non-negative 32-bit integer");
  }
  return static_cast<std::uint32_t>(number);
}

std::uint32_t read_uinteger(ondemand::object& object, std::string_view key,
                            std::string_view where) {
  std::int64_t number = 0;
  const auto pointer = fmt::format("{}/{}", where, key);
  if (object.find_field_unordered(key).get_int64().get(number)) {
    throw_invalid_params(pointer, "an integer");
  }
  return to_uinteger(number, pointer);
}

Position read_position(ondemand::value value, std::string_view where) {
  ondemand::object object;
  if (value.get_object().get(object)) throw_invalid_params(where, "a Position object");
  Position position;
  position.line = read_uinteger(object, "line", where);
  position.character = read_uinteger(object, "character", where);
  return position;
}

Range read_range(ondemand::value value, std::string_view where) {
  ondemand::object object;
  if (value.get_object().get(object)) throw_invalid_params(where, "a Range object");
  ondemand::value start;
  ondemand::value end;
  if (object.find_field_unordered("start").get(start)) {
    throw_invalid_params(fmt::format("{}/start", where), "a Position");
  }
  Range range;
  range.start = read_position(start, fmt::format("{}/start", where));
  if (object.find_field_unordered("end").get(end)) {
    throw_invalid_params(fmt::format("{}/end", where), "a Position");
  }
  range.end = read_position(end, fmt::format("{}/end", where));
  return range;
}

std::vector<std::string> read_strings(ondemand::value value, std::string_view where) {
  ondemand::array array;
  if (value.get_array().get(array)) throw_invalid_params(where, "an array of strings");
  std::vector<std::string> out;
  for (auto element : array) {
    std::string_view text;
    if (element.get_string().get(text)) throw_invalid_params(where, "an array of strings");
    out.emplace_back(text);
  }
  return out;
}

}  // namespace

PositionEncoding negotiate_position_encoding(const ClientCapabilities& capabilities) {
  const auto& offered = capabilities.position_encodings;
  for (PositionEncoding encoding : offered) {
    if (encoding == PositionEncoding::kUtf8) return encoding;
  }
  for (PositionEncoding encoding : offered) {
    if (encoding == PositionEncoding::kUtf16 || encoding == PositionEncoding::kUtf32) {
      return encoding;
    }
  }
  return PositionEncoding::kUtf16;
}

InitializeParams read_initialize(IncomingMessage& message) {
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
  params.root_uri = message.string_at("/params/rootUri");
  params.client_name = message.string_at("/params/clientInfo/name").value_or("");
  return params;
}

TextDocumentItem read_did_open(IncomingMessage& message) {
  TextDocumentItem item;
  item.uri = message.required_string("/params/textDocument/uri");
  item.language_id = message.string_at("/params/textDocument/languageId").value_or("");
  item.version = message.int_at("/params/textDocument/version").value_or(0);
  item.text = message.required_string("/params/textDocument/text");
  return item;
}

DidChangeParams read_did_change(IncomingMessage& message) {
  DidChangeParams params;
  params.uri = message.required_string("/params/textDocument/uri");
  params.version = message.required_int("/params/textDocument/version");
  auto changes = message.at("/params/contentChanges");
  ondemand::array array;
  if (!changes || changes->get_array().get(array)) {
    throw_invalid_params("/params/contentChanges", "an array");
  }
  std::size_t index = 0;
  for (auto element : array) {
    const std::string where = fmt::format("/params/contentChanges/{}", index++);
    ondemand::object object;
    if (element.get_object().get(object)) throw_invalid_params(where, "a change object");
    ContentChange change;
    bool has_text = false;
    for (auto field : object) {
      std::string_view key;
      if (field.unescaped_key().get(key)) throw_invalid_params(where, "a change object");
      if (key == "range") {
        ondemand::value value = field.value();
        bool null = false;
        if (value.is_null().get(null) == simdjson::SUCCESS && null) continue;
        change.range = read_range(value, where + "/range");
      } else if (key == "text") {
        std::string_view text;
        if (field.value().get_string().get(text)) throw_invalid_params(where + "/text", "a string");
        change.text = std::string(text);
        has_text = true;
      }
      // rangeLength is deprecated and redundant with range: ignored.
    }
    if (!has_text) throw_invalid_params(where + "/text", "a string");
    params.changes.push_back(std::move(change));
  }
  return params;
}

std::string read_document_uri(IncomingMessage& message) {
  return message.required_string("/params/textDocument/uri");
}

SelectionRangeParams read_selection_range(IncomingMessage& message) {
  SelectionRangeParams params;
  params.uri = message.required_string("/params/textDocument/uri");
  auto positions = message.at("/params/positions");
  ondemand::array array;
  if (!positions || positions->get_array().get(array)) {
    throw_invalid_params("/params/positions", "an array of Positions");
  }
  std::size_t index = 0;
  for (auto element : array) {
    ondemand::value value;
    const std::string where = fmt::format("/params/positions/{}", index++);
    if (element.get(value)) throw_invalid_params(where, "a Position");
    params.positions.push_back(read_position(value, where));
  }
  return params;
}

RequestId read_cancel_id(IncomingMessage& message) {
  auto value = message.at("/params/id");
  if (!value) throw_invalid_params("/params/id", "an integer or a string");
  ondemand::json_type type;
  if (value->type().get(type)) throw_invalid_params("/params/id", "an integer or a string");
  std::int64_t number = 0;
  if (type == ondemand::json_type::number && value->get_int64().get(number) == simdjson::SUCCESS) {
    return RequestId(number);
  }
  std::string_view text;
  if (type == ondemand::json_type::string && value->get_string().get(text) == simdjson::SUCCESS) {
    return RequestId(std::string(text));
  }
  throw_invalid_params("/params/id", "an integer or a string");
}

}  // namespace chunkls::protocol
