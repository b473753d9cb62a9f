// Cancellation: which in-flight requests the client has given up on ($/cancelRequest).
// The reader registers each request it schedules and cancels by id; the token is a
// StopFlag, so the request's Deadline carries it into the engine and a cancelled parse
// or query walk stops within milliseconds; the request then answers -32800.
//
// Thread-safe: the reader adds and cancels, workers check and remove, concurrently.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "engine/syntax/deadline.h"
#include "protocol/json_rpc.h"

namespace chunkls {

using CancellationToken = StopFlag;

class CancellationRegistry {
 public:
  // A token for a request that starts now; a reused id replaces the older entry.
  CancellationToken add(const protocol::RequestId& id);
  // Returns false when no such request is in flight (already answered or unknown).
  bool cancel(const protocol::RequestId& id);
  // Raises every token (the server is exiting).
  void cancel_all();
  // The request holding `token` was answered: forget it (not a newer request that
  // reused its id).
  void remove(const protocol::RequestId& id, const CancellationToken& token);
  std::size_t in_flight() const;

 private:
  mutable std::mutex mutex_;
  std::map<protocol::RequestId, std::shared_ptr<std::atomic<bool>>> tokens_;
};

inline bool cancelled(const CancellationToken& token) {
  return token && token->load(std::memory_order_relaxed);
}

}  // namespace chunkls
