// LspClient: the client half of a JSON-RPC conversation with one language server:
// numbered requests, notifications, and waiting for answers while keeping the server
// unblocked (its requests to us get the answers an editor would give; its
// notifications are counted and dropped).
//
// Owns the LspConnection. Thread-safety: one thread at a time.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "bench/lsp_latency/lsp_connection.h"

namespace chunkls::bench {

struct Response {
  nlohmann::json result;  // null when the server answered with an error
  nlohmann::json error;   // null unless the server answered with an error
  Clock::time_point received;
  std::size_t bytes = 0;  // size of the answer's JSON text
};

class LspClient {
 public:
  LspClient(const std::string& command_line, const std::string& stderr_path);

  // Returns the request's id.
  int request(const std::string& method, nlohmann::json params);
  void notify(const std::string& method, nlohmann::json params);
  // Waits for the answers to `ids`, answering the server's own requests meanwhile.
  // Throws std::runtime_error when `deadline` passes first or the server goes away.
  std::map<int, Response> await(std::span<const int> ids, Clock::time_point deadline);
  // Reads and handles whatever arrives until `until` (lets a server finish start-up work).
  void drain(Clock::time_point until);

  // Notifications and server-to-client requests seen so far, by method.
  const std::map<std::string, int>& notifications() const { return notifications_; }
  const std::map<std::string, int>& server_requests() const { return server_requests_; }
  // The first small params seen per notification method ($/typescriptVersion says which
  // tsserver answered, window/logMessage often the server's version).
  const nlohmann::json& first_notifications() const { return first_notifications_; }
  // Answers to requests nobody awaited any more (e.g. after a timeout).
  int stray_responses() const { return stray_responses_; }

  // What workspace/workspaceFolders is answered with (the folders sent in initialize).
  void set_workspace_folders(nlohmann::json folders) { workspace_folders_ = std::move(folders); }

  LspConnection& connection() { return connection_; }

 private:
  // Handles one incoming message; responses go to pending_.
  void handle(ReceivedMessage message);
  nlohmann::json answer_for(const std::string& method, const nlohmann::json& params) const;

  LspConnection connection_;
  int next_id_ = 1;
  std::map<int, Response> pending_;  // answered, not yet collected by await()
  std::map<std::string, int> notifications_;
  std::map<std::string, int> server_requests_;
  nlohmann::json first_notifications_ = nlohmann::json::object();
  int stray_responses_ = 0;
  nlohmann::json workspace_folders_;
};

}  // namespace chunkls::bench
