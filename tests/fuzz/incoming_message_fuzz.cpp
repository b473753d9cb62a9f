// Fuzz target: reading one JSON-RPC message body (protocol/incoming_message.h) and
// every params reader of protocol/lsp_read.h on it, whatever its method says, as the
// server would if the method named it. Checks beyond "no crash":
// - parsing fails only with RpcError (-32700 or -32600), a reader only with -32602;
// - every string handed on is valid UTF-8 (bad bytes and lone surrogates are repaired);
// - what the server writes back parses again to the same id and method (json_rpc.h,
//   json_writer.h escape whatever they are given);
// - a file URI's path, made a URI again, reads back as the same path (uri.h).
//
// Input: the body.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "protocol/incoming_message.h"
#include "protocol/json_rpc.h"
#include "protocol/lsp_read.h"
#include "protocol/uri.h"
#include "protocol/utf8.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace chunkls::protocol;

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void check_text(std::string_view text, std::string_view what) {
  FUZZ_CHECK(valid_utf8(text), std::string(what) + " is not UTF-8");
}

void check_uri(std::string_view uri) {
  check_text(uri, "a URI");
  const std::optional<std::string> path = file_path_from_uri(uri);
  if (!path || !path->starts_with('/')) return;
  const std::string again = file_uri_from_path(*path);
  FUZZ_CHECK(file_path_from_uri(again) == path, "'" + *path + "' -> " + again);
}

// A reader may refuse the params, with -32602 only.
void read(const std::function<void()>& reader) {
  try {
    reader();
  } catch (const RpcError& e) {
    FUZZ_CHECK(e.code() == ErrorCode::kInvalidParams, e.what());
  }
}

void read_every_params(IncomingMessage& m) {
  read([&] {
    const InitializeParams p = read_initialize(m);
    (void)negotiate_position_encoding(p.capabilities);
    check_text(p.settings.problems, "a settings problem");
    for (const WorkspaceFolder& f : p.workspace_folders)
      check_uri(f.uri);
    if (p.root_uri) check_uri(*p.root_uri);
  });
  read([&] {
    const TextDocumentItem item = read_did_open(m);
    check_uri(item.uri);
    check_text(item.text, "a document's text");
  });
  read([&] {
    const DidChangeParams p = read_did_change(m);
    for (const ContentChange& c : p.changes)
      check_text(c.text, "a change's text");
  });
  read([&] { check_uri(read_document_uri(m)); });
  read([&] { (void)read_selection_range(m); });
  read([&] { (void)read_cancel_id(m).to_json(); });
  read([&] { check_text(read_workspace_symbol_query(m), "a query"); });
  read([&] {
    for (const FileEvent& e : read_watched_files(m))
      check_uri(e.uri);
  });
  read([&] { (void)read_workspace_folders_change(m); });
  read([&] { (void)read_progress_token(m); });
  (void)read_settings(m, "/params/settings/chunkls");
  (void)read_settings(m, "/params");
}

// What the server writes about this message parses back to the same id and method.
void check_answers(const IncomingMessage& m) {
  if (m.id()) {
    const IncomingMessage answer =
        IncomingMessage::parse(error_body(m.id(), ErrorCode::kInvalidParams, m.method()));
    FUZZ_CHECK(answer.id() == m.id(), "an error answer's id changed: " + m.id()->to_json());
    FUZZ_CHECK(answer.string_at("/error/message") == m.method(), "the message changed");
  }
  if (m.has_method()) {
    check_text(m.method(), "the method");
    const IncomingMessage note = IncomingMessage::parse(notification_body(m.method(), "{}"));
    FUZZ_CHECK(note.method() == m.method(), "a method changed: " + m.method());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::optional<IncomingMessage> message;
  try {
    message.emplace(IncomingMessage::parse(std::string(reinterpret_cast<const char*>(data), size)));
  } catch (const RpcError& e) {
    FUZZ_CHECK(e.code() == ErrorCode::kParseError || e.code() == ErrorCode::kInvalidRequest,
               e.what());
    return 0;
  }
  check_answers(*message);
  read_every_params(*message);
  return 0;
}
