// Responder: where the DocumentScheduler's results go: answers to requests and messages
// for the user. The seam between scheduling (what runs when) and the wire (JSON-RPC
// over a Transport): the LspServer implements it, tests record what it receives.
//
// Called from worker threads, concurrently: implementations are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "protocol/json_rpc.h"
#include "protocol/lsp_types.h"

namespace chunkls {

class Responder {
 public:
  virtual ~Responder() = default;
  // A request's result, as JSON text.
  virtual void reply(const protocol::RequestId& id, std::string_view result_json) = 0;
  virtual void reply_error(const protocol::RequestId& id, protocol::ErrorCode code,
                           std::string_view message) = 0;
  // Something the user should know. `pop_up`: shown as a notification
  // (window/showMessage: the server lost track of a document, an internal error);
  // otherwise only in the client's log (window/logMessage). Both are logged.
  virtual void tell_user(protocol::MessageType type, std::string_view message, bool pop_up) = 0;
};

}  // namespace chunkls
