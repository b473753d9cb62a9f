#include "server/workspace/index_progress_reporter.h"

#include <fmt/format.h>

#include <algorithm>

#include "protocol/json_writer.h"

namespace chunkls {
namespace {

std::string files_message(const IndexProgress& progress) {
  if (progress.walking) {
    return fmt::format("{}/{} files (looking for more)", progress.done, progress.found);
  }
  return fmt::format("{}/{} files", progress.done, progress.found);
}

}  // namespace

void IndexProgressReporter::update(const IndexProgress& progress) {
  if (!supported_) return;
  std::vector<Message> out;
  std::string create_params;  // a new stretch: ask the client for a token first
  std::uint64_t generation = 0;
  // The lock is held while the messages are handed to the channel (which only queues
  // them): two indexer threads' updates then go out in the order the state machine made
  // them, never a report after its end.
  const std::lock_guard lock(mutex_);
  {
    latest_ = progress;
    switch (state_) {
      case State::kIdle:
        if (progress.idle) break;
        state_ = State::kCreating;
        end_pending_ = false;
        percentage_ = 0;
        token_ = fmt::format("chunkls-index-{}", ++generation_);
        {
          protocol::JsonWriter params;
          params.begin_object().key("token").value(token_).end_object();
          create_params = params.take();
          generation = generation_;
        }
        break;
      case State::kCreating:
        if (progress.idle) end_pending_ = true;
        break;
      case State::kActive:
        if (progress.idle) {
          out.push_back({"$/progress", progress_params(end_value(progress))});
          state_ = State::kIdle;
        } else {
          out.push_back({"$/progress", progress_params(report_value(progress))});
        }
        break;
      case State::kRefused:
        if (progress.idle) state_ = State::kIdle;
        break;
    }
  }
  // The callback comes later, on the reader thread, outside the channel's locks.
  if (!create_params.empty()) {
    client_.request("window/workDoneProgress/create", create_params,
                    [this, generation](const ClientResponse& r) { created(generation, r.ok); });
  }
  send(out);
}

void IndexProgressReporter::created(std::uint64_t generation, bool ok) {
  std::vector<Message> out;
  const std::lock_guard lock(mutex_);
  {
    if (generation != generation_ || state_ != State::kCreating) return;
    if (!ok) {
      state_ = end_pending_ ? State::kIdle : State::kRefused;
      return;
    }
    out.push_back({"$/progress", progress_params(begin_value(latest_))});
    if (end_pending_ || latest_.idle) {
      out.push_back({"$/progress", progress_params(end_value(latest_))});
      state_ = State::kIdle;
    } else {
      state_ = State::kActive;
    }
  }
  send(out);
}

bool IndexProgressReporter::is_current(std::string_view token) const {
  const std::lock_guard lock(mutex_);
  return state_ == State::kActive && token == token_;
}

void IndexProgressReporter::send(const std::vector<Message>& messages) {
  for (const Message& message : messages)
    client_.notify(message.method, message.params);
}

std::string IndexProgressReporter::progress_params(std::string_view value_json) const {
  protocol::JsonWriter out;
  out.begin_object();
  out.key("token").value(token_);
  out.key("value").raw(value_json);
  out.end_object();
  return out.take();
}

std::string IndexProgressReporter::begin_value(const IndexProgress& progress) {
  protocol::JsonWriter out;
  out.begin_object();
  out.key("kind").value("begin");
  out.key("title").value("Indexing");
  out.key("cancellable").value(true);
  out.key("message").value(files_message(progress));
  out.key("percentage").value(0);
  out.end_object();
  return out.take();
}

std::string IndexProgressReporter::report_value(const IndexProgress& progress) {
  std::uint32_t percentage =
      progress.found == 0 ? 0 : static_cast<std::uint32_t>(100 * progress.done / progress.found);
  // Never backwards: the walk finds files faster than they are indexed.
  percentage_ = std::max(percentage_, std::min<std::uint32_t>(percentage, 99));
  protocol::JsonWriter out;
  out.begin_object();
  out.key("kind").value("report");
  out.key("message").value(files_message(progress));
  out.key("percentage").value(percentage_);
  out.end_object();
  return out.take();
}

std::string IndexProgressReporter::end_value(const IndexProgress& progress) {
  protocol::JsonWriter out;
  out.begin_object();
  out.key("kind").value("end");
  // Files the reader skipped (unsupported, binary, too large...) are done, not indexed.
  const std::uint64_t indexed = progress.parsed + progress.stored + progress.unchanged;
  const std::uint64_t skipped = progress.done > indexed ? progress.done - indexed : 0;
  out.key("message").value(skipped == 0
                               ? fmt::format("indexed {} files", indexed)
                               : fmt::format("indexed {} files ({} skipped)", indexed, skipped));
  out.end_object();
  return out.take();
}

}  // namespace chunkls
