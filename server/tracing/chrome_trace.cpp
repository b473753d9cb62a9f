#include "server/tracing/chrome_trace.h"

#include <fmt/format.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "protocol/json_writer.h"

namespace chunkls {

namespace {

constexpr std::size_t kFlushBytes = 1 << 16;

std::string quoted(std::string_view text) {
  protocol::JsonWriter out;
  out.value(text);
  return out.take();
}

}  // namespace

ChromeTrace::ChromeTrace(const std::string& path, const Clock& clock)
    : file_(std::fopen(path.c_str(), "w")),
      origin_(clock.now()),
      pid_(static_cast<long>(getpid())) {
  if (!file_) {
    throw std::runtime_error(
        fmt::format("cannot write the trace file {}: {}", path, std::strerror(errno)));
  }
  buffer_ = "[\n";
}

ChromeTrace::~ChromeTrace() {
  const std::lock_guard lock(mutex_);
  buffer_ += "\n]\n";
  std::fwrite(buffer_.data(), 1, buffer_.size(), file_.get());
}

void ChromeTrace::complete(std::string_view name, std::string_view category,
                           Clock::time_point start, std::chrono::nanoseconds duration,
                           std::string_view detail) {
  const long tid = static_cast<long>(syscall(SYS_gettid));
  const double ts = std::chrono::duration<double, std::micro>(start - origin_).count();
  const double dur = std::chrono::duration<double, std::micro>(duration).count();
  std::string event =
      fmt::format(R"({{"name":{},"cat":{},"ph":"X","ts":{:.3f},"dur":{:.3f},"pid":{},"tid":{})",
                  quoted(name), quoted(category), ts, dur, pid_, tid);
  if (!detail.empty()) event += fmt::format(R"(,"args":{{"detail":{}}})", quoted(detail));
  event += '}';
  std::array<char, 16> thread_name{};
  const bool named =
      pthread_getname_np(pthread_self(), thread_name.data(), thread_name.size()) == 0;
  const std::lock_guard lock(mutex_);
  if (named_threads_.insert(tid).second) {
    write_locked(
        fmt::format(R"({{"name":"thread_name","ph":"M","pid":{},"tid":{},"args":{{"name":{}}}}})",
                    pid_, tid, quoted(named ? thread_name.data() : "thread")));
  }
  write_locked(event);
}

void ChromeTrace::write_locked(std::string_view event) {
  if (!first_) buffer_ += ",\n";
  first_ = false;
  buffer_ += event;
  if (buffer_.size() >= kFlushBytes) {
    std::fwrite(buffer_.data(), 1, buffer_.size(), file_.get());
    std::fflush(file_.get());
    buffer_.clear();
  }
}

}  // namespace chunkls
