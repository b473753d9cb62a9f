// IndexProgressReporter: the indexer's progress as LSP work-done progress. When the
// client supports it (window.workDoneProgress), each stretch of indexing gets a token
// the client creates (window/workDoneProgress/create), then $/progress begin (title,
// cancellable), reports (percentage, "done/found files"), and end when the indexer is
// idle. Nothing is sent under a token before the client has accepted it; a client that
// refuses the token gets no progress for that stretch.
//
// Thread-safety: update() is called from the indexer's threads, the create callback on
// the reader; one mutex, held while messages are handed to the ClientChannel (which only
// queues them and calls no callback under its own locks), so they reach the client in
// the order the state machine made them.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/index/workspace_indexer.h"
#include "server/workspace/client_channel.h"

namespace chunkls {

class IndexProgressReporter {
 public:
  IndexProgressReporter(ClientChannel& client, bool supported)
      : client_(client), supported_(supported) {}

  void update(const IndexProgress& progress);
  // Whether `token` is the one of the stretch in progress (a cancel for it cancels the
  // indexing).
  bool is_current(std::string_view token) const;

 private:
  enum class State : std::uint8_t { kIdle, kCreating, kActive, kRefused };
  struct Message {
    std::string method;
    std::string params;
  };
  void created(std::uint64_t generation, bool ok);
  std::string progress_params(std::string_view value_json) const;
  static std::string begin_value(const IndexProgress& progress);
  std::string report_value(const IndexProgress& progress);
  static std::string end_value(const IndexProgress& progress);
  void send(const std::vector<Message>& messages);

  ClientChannel& client_;
  const bool supported_;
  mutable std::mutex mutex_;
  State state_ = State::kIdle;
  std::uint64_t generation_ = 0;
  std::string token_;
  IndexProgress latest_;
  bool end_pending_ = false;
  std::uint32_t percentage_ = 0;
};

}  // namespace chunkls
