// Cancellation: which in-flight requests the client has given up on ($/cancelRequest).
// The reader registers each request it schedules and cancels by id; the worker that
// runs the request checks its token before (and between) the expensive steps and
// answers -32800 instead.
//
// Thread-safe: the reader adds and cancels, workers check and remove, concurrently.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "protocol/json_rpc.h"

namespace chunkls {

using CancellationToken = std::shared_ptr<const std::atomic<bool>>;

class CancellationRegistry {
 public:
  // A token for a request that starts now; a reused id replaces the older entry.
  CancellationToken add(const protocol::RequestId& id);
  // Returns false when no such request is in flight (already answered or unknown).
  bool cancel(const protocol::RequestId& id);
  // The request was answered: forget it.
  void remove(const protocol::RequestId& id);
  std::size_t in_flight() const;

 private:
  mutable std::mutex mutex_;
  std::map<protocol::RequestId, std::shared_ptr<std::atomic<bool>>> tokens_;
};

inline bool cancelled(const CancellationToken& token) {
  return token && token->load(std::memory_order_relaxed);
}

}  // namespace chunkls
