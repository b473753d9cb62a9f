// IndexConsole: the two streams `chunkls index` writes (chunks on the output stream;
// progress, log lines and the summary on the error stream) and the one lock that every
// write to either takes.
//
// Why one lock for both streams: std::cerr is tied to std::cout, so every write to the
// error stream first flushes the output stream. With a lock per stream (or none), a
// worker printing progress flushed std::cout's buffer while another worker was filling
// it, and the chunks came out twice, or with lines missing (the flaky
// IndexCommand.JsonlIsDeterministicAndHoldsWhatChunkPrints).
//
// Owned by run_index_command (or a test); borrows the streams. Thread-safe: the streams
// are reachable only through a `Locked`, which holds the lock while it lives.
#pragma once

#include <atomic>
#include <mutex>
#include <ostream>
#include <thread>

namespace chunkls {

class IndexConsole {
 public:
  IndexConsole(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}
  IndexConsole(const IndexConsole&) = delete;
  IndexConsole& operator=(const IndexConsole&) = delete;

  // Both streams, for as long as it lives.
  class Locked {
   public:
    explicit Locked(IndexConsole& console) : console_(console), lock_(console.mutex_) {
      console_.owner_.store(std::this_thread::get_id());
    }
    ~Locked() { console_.owner_.store(std::thread::id()); }
    Locked(const Locked&) = delete;
    Locked& operator=(const Locked&) = delete;
    std::ostream& out() { return console_.out_; }
    std::ostream& err() { return console_.err_; }

   private:
    IndexConsole& console_;
    std::lock_guard<std::mutex> lock_;
  };

  Locked lock() { return Locked(*this); }
  // Whether the calling thread holds the lock now (tests check every write with it).
  bool held_by_this_thread() const { return owner_.load() == std::this_thread::get_id(); }

 private:
  std::ostream& out_;
  std::ostream& err_;
  std::mutex mutex_;
  std::atomic<std::thread::id> owner_{};
};

}  // namespace chunkls
