// IndexQueue: priority classes, arrival order within one, raising and dropping, holds.
#include "engine/index/index_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace chunkls {
namespace {

std::vector<std::string> drain(IndexQueue& queue) {
  std::vector<std::string> out;
  while (std::optional<IndexItem> item = queue.try_pop())
    out.push_back(item->path);
  return out;
}

TEST(IndexQueue, MostUrgentClassFirstAndArrivalOrderWithinOne) {
  IndexQueue queue;
  queue.push({.path = "/r/rest1"});
  queue.push({.path = "/r/near", .priority = IndexPriority::kNear});
  queue.push({.path = "/r/rest2"});
  queue.push({.path = "/r/open", .priority = IndexPriority::kOpen});
  queue.push({.path = "/r/changed", .priority = IndexPriority::kChanged});
  EXPECT_EQ(queue.size(), 5u);
  EXPECT_EQ(drain(queue),
            (std::vector<std::string>{"/r/open", "/r/changed", "/r/near", "/r/rest1", "/r/rest2"}));
  EXPECT_EQ(queue.size(), 0u);
}

TEST(IndexQueue, APathIsQueuedOnceAndCanBeRaisedButNotLowered) {
  IndexQueue queue;
  EXPECT_TRUE(queue.push({.path = "/a"}));
  EXPECT_TRUE(queue.push({.path = "/b"}));
  EXPECT_FALSE(queue.push({.path = "/a"}));
  EXPECT_TRUE(queue.raise("/b", IndexPriority::kOpen));
  EXPECT_TRUE(queue.raise("/b", IndexPriority::kRest));  // queued, not lowered
  EXPECT_FALSE(queue.raise("/c", IndexPriority::kOpen));
  EXPECT_EQ(drain(queue), (std::vector<std::string>{"/b", "/a"}));
}

TEST(IndexQueue, DroppedPathsAreNotHandedOut) {
  IndexQueue queue;
  queue.push({.path = "/r1/a"});
  queue.push({.path = "/r2/b"});
  queue.push({.path = "/r1/sub/c"});
  queue.push({.path = "/r10/d"});
  EXPECT_TRUE(queue.drop("/r2/b"));
  EXPECT_FALSE(queue.drop("/r2/b"));
  EXPECT_EQ(queue.drop_below("/r1"), 2u);  // not /r10
  EXPECT_EQ(drain(queue), (std::vector<std::string>{"/r10/d"}));
  // Queued again after a drop: a fresh entry.
  queue.push({.path = "/r2/b"});
  EXPECT_EQ(drain(queue), (std::vector<std::string>{"/r2/b"}));
}

TEST(IndexQueue, PopWaitsForAnItemAndEndsOnStop) {
  IndexQueue queue;
  std::optional<IndexItem> got;
  std::jthread consumer([&] { got = queue.pop({}); });
  queue.push({.path = "/x"});
  consumer.join();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->path, "/x");
  std::jthread waiter([&] { got = queue.pop({}); });
  queue.stop();
  waiter.join();
  EXPECT_FALSE(got);
}

TEST(IndexQueue, AHoldKeepsItemsUntilReleased) {
  IndexQueue queue;
  queue.hold_until(std::chrono::steady_clock::now() + std::chrono::hours(1));
  queue.push({.path = "/later"});
  queue.push({.path = "/first", .priority = IndexPriority::kOpen});
  std::optional<IndexItem> got;
  std::jthread consumer([&] { got = queue.pop({}); });
  // Whatever the consumer did meanwhile, it cannot have taken anything.
  EXPECT_EQ(queue.size(), 2u);
  queue.hold_until(std::chrono::steady_clock::now());
  consumer.join();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->path, "/first");
}

TEST(IndexQueue, AStopTokenEndsAWait) {
  IndexQueue queue;
  std::stop_source source;
  std::optional<IndexItem> got = IndexItem{};
  std::jthread consumer([&] { got = queue.pop(source.get_token()); });
  source.request_stop();
  consumer.join();
  EXPECT_FALSE(got);
}

}  // namespace
}  // namespace chunkls
