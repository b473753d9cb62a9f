// ClientChannel: what the server's workspace side sends the client on its own
// initiative: notifications ($/progress) and requests (window/workDoneProgress/create,
// client/registerCapability) whose answers come back later. The seam between the
// workspace side and the wire: the ClientWriter (server/lsp/) implements it, tests
// record what it gets.
//
// Called from any thread: implementations are thread-safe. A response callback runs on
// the reader thread, once, with the result (or the error message), and must not block.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace chunkls {

struct ClientResponse {
  bool ok = false;
  std::string error;  // the client's error message when !ok
};

class ClientChannel {
 public:
  virtual ~ClientChannel() = default;
  virtual void notify(std::string_view method, std::string_view params_json) = 0;
  virtual void request(std::string_view method, std::string_view params_json,
                       std::function<void(const ClientResponse&)> on_response) = 0;
};

}  // namespace chunkls
