#include "server/scheduling/cancellation.h"

namespace chunkls {

CancellationToken CancellationRegistry::add(const protocol::RequestId& id) {
  auto token = std::make_shared<std::atomic<bool>>(false);
  std::lock_guard lock(mutex_);
  tokens_.insert_or_assign(id, token);
  return token;
}

bool CancellationRegistry::cancel(const protocol::RequestId& id) {
  std::lock_guard lock(mutex_);
  const auto it = tokens_.find(id);
  if (it == tokens_.end()) return false;
  it->second->store(true, std::memory_order_relaxed);
  return true;
}

void CancellationRegistry::cancel_all() {
  std::lock_guard lock(mutex_);
  for (auto& [id, token] : tokens_)
    token->store(true, std::memory_order_relaxed);
}

void CancellationRegistry::remove(const protocol::RequestId& id, const CancellationToken& token) {
  std::lock_guard lock(mutex_);
  const auto it = tokens_.find(id);
  if (it != tokens_.end() && it->second == token) tokens_.erase(it);
}

std::size_t CancellationRegistry::in_flight() const {
  std::lock_guard lock(mutex_);
  return tokens_.size();
}

}  // namespace chunkls
