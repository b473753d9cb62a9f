// IndexProgressReporter with a recording ClientChannel (the seam it writes to): a token
// is created before any $/progress, begin/report/end in order under it, percentages never
// go back, a refused token means no progress for that stretch, a client without
// work-done progress gets nothing, cancel is recognised only for the live token, and two
// indexer threads' updates reach the channel in the order they were made.
#include "server/workspace/index_progress_reporter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

namespace chunkls {
namespace {

using nlohmann::json;

class RecordingChannel final : public ClientChannel {
 public:
  struct Sent {
    std::string method;
    json params;
  };
  void notify(std::string_view method, std::string_view params) override {
    sent.push_back({std::string(method), json::parse(params)});
  }
  void request(std::string_view method, std::string_view params,
               std::function<void(const ClientResponse&)> on_response) override {
    sent.push_back({std::string(method), json::parse(params)});
    pending.push_back(std::move(on_response));
  }
  // The client's answer to the oldest unanswered request.
  void answer(bool ok) {
    auto callback = std::move(pending.front());
    pending.erase(pending.begin());
    callback({.ok = ok, .error = ok ? "" : "refused"});
  }
  std::vector<std::string> kinds() const {
    std::vector<std::string> out;
    for (const Sent& s : sent) {
      out.push_back(s.method == "$/progress" ? s.params["value"]["kind"].get<std::string>()
                                             : s.method);
    }
    return out;
  }
  std::vector<Sent> sent;
  std::vector<std::function<void(const ClientResponse&)>> pending;
};

IndexProgress busy(std::uint64_t done, std::uint64_t found) {
  IndexProgress p;
  p.idle = false;
  p.done = done;
  p.found = found;
  return p;
}

IndexProgress idle(std::uint64_t done, std::uint64_t skipped = 0) {
  IndexProgress p;
  p.idle = true;
  p.done = done;
  p.found = done;
  p.parsed = done - skipped;
  return p;
}

TEST(IndexProgressReporter, TokenFirstThenBeginReportsAndEnd) {
  RecordingChannel client;
  IndexProgressReporter reporter(client, /*supported=*/true);
  reporter.update(busy(0, 10));
  reporter.update(busy(2, 10));  // before the client answered: nothing under the token yet
  ASSERT_EQ(client.kinds(), (std::vector<std::string>{"window/workDoneProgress/create"}));
  const json token = client.sent[0].params["token"];
  client.answer(true);
  reporter.update(busy(5, 10));
  reporter.update(busy(4, 20));  // more found: the percentage does not go back
  reporter.update(idle(20, /*skipped=*/3));
  EXPECT_EQ(client.kinds(), (std::vector<std::string>{"window/workDoneProgress/create", "begin",
                                                      "report", "report", "end"}));
  std::int64_t last = -1;
  for (const auto& s : client.sent) {
    if (s.method != "$/progress") continue;
    EXPECT_EQ(s.params["token"], token);
    if (s.params["value"].contains("percentage")) {
      EXPECT_GE(s.params["value"]["percentage"].get<std::int64_t>(), last);
      last = s.params["value"]["percentage"];
    }
  }
  EXPECT_EQ(client.sent[1].params["value"]["cancellable"], true);
  // Skipped files (unsupported, binary...) are done but not indexed.
  EXPECT_EQ(client.sent[4].params["value"]["message"], "indexed 17 files (3 skipped)");
  // The next stretch gets a new token.
  reporter.update(busy(0, 1));
  EXPECT_EQ(client.sent.back().method, "window/workDoneProgress/create");
  EXPECT_NE(client.sent.back().params["token"], token);
}

TEST(IndexProgressReporter, AStretchThatEndsBeforeTheTokenStillBeginsAndEnds) {
  RecordingChannel client;
  IndexProgressReporter reporter(client, true);
  reporter.update(busy(0, 3));
  reporter.update(idle(3));
  client.answer(true);
  EXPECT_EQ(client.kinds(),
            (std::vector<std::string>{"window/workDoneProgress/create", "begin", "end"}));
}

TEST(IndexProgressReporter, ARefusedTokenMeansNoProgressForThatStretch) {
  RecordingChannel client;
  IndexProgressReporter reporter(client, true);
  reporter.update(busy(0, 3));
  client.answer(false);
  reporter.update(busy(1, 3));
  reporter.update(idle(3));
  EXPECT_EQ(client.kinds(), (std::vector<std::string>{"window/workDoneProgress/create"}));
  reporter.update(busy(0, 1));  // a later stretch asks again
  EXPECT_EQ(client.kinds().size(), 2u);
}

TEST(IndexProgressReporter, NothingForAClientWithoutWorkDoneProgress) {
  RecordingChannel client;
  IndexProgressReporter reporter(client, /*supported=*/false);
  reporter.update(busy(0, 3));
  reporter.update(idle(3));
  EXPECT_TRUE(client.sent.empty());
}

TEST(IndexProgressReporter, OnlyTheLiveTokenIsCancellable) {
  RecordingChannel client;
  IndexProgressReporter reporter(client, true);
  reporter.update(busy(0, 3));
  const std::string token = client.sent[0].params["token"];
  EXPECT_FALSE(reporter.is_current(token));  // not accepted yet
  client.answer(true);
  EXPECT_TRUE(reporter.is_current(token));
  EXPECT_FALSE(reporter.is_current("someone-else"));
  reporter.update(idle(3));
  EXPECT_FALSE(reporter.is_current(token));
}

// A channel whose first report is held inside notify() until the test lets it go, as a
// thread descheduled while sending would be.
class HeldReportChannel final : public ClientChannel {
 public:
  void notify(std::string_view method, std::string_view params) override {
    const json value = json::parse(params)["value"];
    std::unique_lock lock(mutex_);
    if (value["kind"] == "report" && !held_once_) {
      held_once_ = true;
      holding_ = true;
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
    }
    kinds_.push_back(value["kind"].get<std::string>());
  }
  void request(std::string_view, std::string_view,
               std::function<void(const ClientResponse&)> on_response) override {
    on_created_ = std::move(on_response);
  }
  void answer() { on_created_({.ok = true, .error = ""}); }
  void wait_until_holding() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return holding_; });
  }
  void release() {
    const std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }
  std::vector<std::string> kinds() const {
    const std::lock_guard lock(mutex_);
    return kinds_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool held_once_ = false;
  bool holding_ = false;
  bool released_ = false;
  std::vector<std::string> kinds_;
  std::function<void(const ClientResponse&)> on_created_;
};

TEST(IndexProgressReporter, UpdatesFromTwoThreadsGoOutInTheOrderTheyWereMade) {
  HeldReportChannel client;
  IndexProgressReporter reporter(client, /*supported=*/true);
  reporter.update(busy(0, 10));
  client.answer();
  std::thread reporting([&] { reporter.update(busy(5, 10)); });
  client.wait_until_holding();  // the report is on its way out
  std::thread ending([&] { reporter.update(idle(10)); });
  // Whatever the end's thread does meanwhile, the end may not overtake the report.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  client.release();
  reporting.join();
  ending.join();
  EXPECT_EQ(client.kinds(), (std::vector<std::string>{"begin", "report", "end"}));
}

}  // namespace
}  // namespace chunkls
