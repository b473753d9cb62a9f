// The DocumentScheduler in-process, with the real engine and a recording Responder (the
// seam it writes to): the task boundary (nothing a task throws escapes, and each
// failure is answered or told), the reader-only and strand-only rules, stop() dropping
// queued work and stopping running work, and changes applied whatever parsing does.
#include "server/scheduling/document_scheduler.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>

#include <asio/post.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#include "server/scheduling/task_boundary.h"

namespace chunkls {
namespace {

using namespace std::chrono_literals;
using protocol::ErrorCode;
using protocol::RequestId;

// What the scheduler sent, in order; waits for answers by id.
class RecordingResponder final : public Responder {
 public:
  struct Answer {
    std::string result;  // when ok
    std::optional<ErrorCode> error;
    std::string message;
  };

  void reply(const RequestId& id, std::string_view result_json) override {
    record(id, {std::string(result_json), std::nullopt, {}});
  }
  void reply_error(const RequestId& id, ErrorCode code, std::string_view message) override {
    record(id, {{}, code, std::string(message)});
  }
  void tell_user(protocol::MessageType, std::string_view message, bool pop_up) override {
    std::lock_guard lock(mutex_);
    (pop_up ? shown_ : logged_).emplace_back(message);
  }

  Answer wait(const RequestId& id) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, 60s, [&] { return answers_.contains(id); })) {
      throw std::runtime_error("no answer for " + id.to_string());
    }
    return answers_.at(id);
  }
  std::size_t answered() {
    std::lock_guard lock(mutex_);
    return answers_.size();
  }
  std::vector<std::string> shown() {
    std::lock_guard lock(mutex_);
    return shown_;
  }

 private:
  void record(const RequestId& id, Answer answer) {
    {
      std::lock_guard lock(mutex_);
      answers_.insert_or_assign(id, std::move(answer));
    }
    changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<RequestId, Answer> answers_;
  std::vector<std::string> shown_;
  std::vector<std::string> logged_;
};

const LanguageRegistry& registry() {
  static const LanguageRegistry languages = LanguageRegistry::with_builtins();
  return languages;
}

std::shared_ptr<spdlog::logger> quiet_log() {
  return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

// The names of the top-level chunks, as the query's result.
std::string names(Document& document, const std::string&, const Deadline& deadline) {
  std::string out;
  for (const Chunk& c : document.chunked(deadline).chunks) {
    if (c.depth == 0) out += (out.empty() ? "" : ",") + c.name;
  }
  return out;
}

class DocumentSchedulerTest : public ::testing::Test {
 protected:
  void open(const std::string& uri, const std::string& text, std::int64_t version = 1) {
    scheduler.open({.uri = uri, .language_id = "python", .version = version, .text = text});
  }
  RequestId ask(const std::string& uri, DocumentScheduler::Query query = names) {
    const RequestId id(next_id++);
    scheduler.request(id, uri, std::move(query));
    return id;
  }

  RecordingResponder responder;
  Monitor monitor;
  DocumentScheduler scheduler{registry(), responder, SchedulerOptions{}, monitor, quiet_log()};
  std::int64_t next_id = 1;
};

TEST(TaskBoundary, NothingEscapesAndEveryFailureIsDescribed) {
  EXPECT_EQ(run_guarded([] {}), std::nullopt);
  EXPECT_EQ(run_guarded([] { throw std::runtime_error("broken"); }), "broken");
  EXPECT_EQ(run_guarded([] { throw std::bad_alloc(); }), "out of memory");
  EXPECT_EQ(run_guarded([] { throw 42; }), "an exception that is not a std::exception");
  EXPECT_EQ(run_guarded([] { throw Cancelled("parsing"); }), "cancelled while parsing");
}

// Whatever a request's work throws, the request gets an answer (-32603), the user
// hears of it, the worker lives on, and the document keeps serving.
TEST_F(DocumentSchedulerTest, AnyExceptionInARequestIsAnsweredAndTheDocumentServesOn) {
  open("file:///a.py", "def a():\n    pass\n");
  const std::vector<DocumentScheduler::Query> failing = {
      [](Document&, const std::string&, const Deadline&) -> std::string { throw std::bad_alloc(); },
      [](Document&, const std::string&, const Deadline&) -> std::string {
        throw std::runtime_error("boom");
      },
      [](Document&, const std::string&, const Deadline&) -> std::string { throw 7; },
      [](Document&, const std::string&, const Deadline&) -> std::string {
        throw ChunkError("text larger than 4 GiB cannot be parsed");
      },
  };
  for (const auto& query : failing) {
    const RequestId id = ask("file:///a.py", query);
    const auto answer = responder.wait(id);
    EXPECT_EQ(answer.error, ErrorCode::kInternalError) << answer.message;
  }
  EXPECT_EQ(responder.shown().size(), failing.size()) << "each failure pops up";
  EXPECT_EQ(responder.wait(ask("file:///a.py")).result, "a");
}

TEST_F(DocumentSchedulerTest, OnlyTheReaderThreadMayCallIt) {
  open("file:///a.py", "def a():\n    pass\n");  // this thread is the reader from now on
  std::thread other([&] {
    EXPECT_THROW(open("file:///b.py", "x = 1\n"), std::logic_error);
    EXPECT_THROW(scheduler.close("file:///a.py"), std::logic_error);
    EXPECT_THROW(ask("file:///a.py"), std::logic_error);
  });
  other.join();
  EXPECT_EQ(responder.wait(ask("file:///a.py")).result, "a");
}

TEST(DocumentSlot, StateIsReachableOnlyOnItsStrand) {
  asio::thread_pool pool(1);
  DocumentSlot slot("file:///a.py", asio::make_strand(pool.get_executor()));
  EXPECT_THROW(slot.state(), std::logic_error);
  std::promise<bool> on_strand;
  asio::post(slot.strand, [&] {
    slot.state().version = 3;
    on_strand.set_value(slot.state().version == 3);
  });
  EXPECT_TRUE(on_strand.get_future().get());
  pool.join();
}

// stop(): work queued behind a busy document is dropped without an answer (the client
// said exit), running work stops at its next deadline check, and join() returns.
TEST_F(DocumentSchedulerTest, StopDropsQueuedWorkAndStopsRunningWork) {
  open("file:///a.py", "def a():\n    pass\n");
  open("file:///b.py", "def b():\n    pass\n");
  scheduler.set_time_limit(0ms);  // only stop() ends the running work
  std::promise<void> started;
  const RequestId running = ask(
      "file:///b.py", [&](Document&, const std::string&, const Deadline& deadline) -> std::string {
        started.set_value();
        while (!deadline.expired())
          std::this_thread::sleep_for(1ms);
        deadline.give_up("waiting");
      });
  scheduler.pause("file:///a.py");
  std::vector<RequestId> queued;
  for (int i = 0; i < 5; ++i)
    queued.push_back(ask("file:///a.py"));
  started.get_future().wait();
  scheduler.stop();
  scheduler.join();
  EXPECT_EQ(responder.answered(), 0u) << "nothing is answered after exit";
}

// A change applies to the text at once; parsing comes later and may give up without
// losing anything (the time limit here is already over when parsing starts).
TEST_F(DocumentSchedulerTest, ChangesApplyWhateverParsingDoes) {
  scheduler.set_time_limit(1ms);
  std::string big;
  for (int i = 0; i < 100000; ++i)  // 2.6 MB: no parser reads that in 1 ms
    big += "def f" + std::to_string(i) + "():\n    return " + std::to_string(i) + "\n";
  open("file:///a.py", big);
  scheduler.change(
      {.uri = "file:///a.py",
       .version = 2,
       .changes = {{.range = protocol::Range{{0, 0}, {0, 0}}, .text = "def new():\n  pass\n"}}});
  const auto gave_up = responder.wait(ask("file:///a.py"));
  EXPECT_EQ(gave_up.error, ErrorCode::kRequestFailed) << gave_up.message;
  scheduler.set_time_limit(0ms);
  const auto answer = responder.wait(ask("file:///a.py"));
  EXPECT_EQ(answer.result.substr(0, 12), "new,f0,f1,f2");
}

}  // namespace
}  // namespace chunkls
