// ClientWriter: every message the server writes to the client, and the server's own
// requests to the client (ids "chunkls-N") with the callbacks waiting for their answers.
// It is the workspace side's ClientChannel; the LspServer sends its answers and log
// messages through it and hands it the client's responses.
//
// Ordering and waiting: the reader thread never writes itself: what it sends is posted
// to the scheduler's in-order queue (`post`), so a client that stops reading never stops
// the reader from reading `exit`. Notifications and requests (from the indexer's threads
// and the reader) are posted the same way, in the order they were made. Other threads
// (document workers answering requests) write directly; the Transport serialises writes.
//
// Threads: every member is safe from any thread; set_reader() is called once by the
// reader before it reads. A response callback runs on the reader, once, outside any lock.
// Owned by the LspServer; borrows the Transport and the logger, which outlive it.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "protocol/incoming_message.h"
#include "protocol/transport.h"
#include "server/workspace/client_channel.h"

namespace chunkls {

class ClientWriter final : public ClientChannel {
 public:
  // Runs a task on a worker, tasks in the order posted.
  using Post = std::function<void(std::function<void()>)>;

  ClientWriter(protocol::Transport& transport, Post post, std::shared_ptr<spdlog::logger> log);
  ClientWriter(const ClientWriter&) = delete;
  ClientWriter& operator=(const ClientWriter&) = delete;
  ~ClientWriter() override = default;

  // The thread that reads the client's messages: what it sends goes through `post`.
  void set_reader(std::thread::id reader);

  // Writes a message body now, or, from the reader, through `post`.
  void send(std::string body);
  // Writes a message body through `post`, whoever calls.
  void send_later(std::string body);

  // ClientChannel.
  void notify(std::string_view method, std::string_view params_json) override;
  void request(std::string_view method, std::string_view params_json,
               std::function<void(const ClientResponse&)> on_response) override;

  // The client's answer to one of our requests: its callback runs (here, once); an
  // answer to an id we did not send is logged and dropped.
  void handle_response(const protocol::IncomingMessage& message);

 private:
  protocol::Transport& transport_;
  Post post_;
  std::shared_ptr<spdlog::logger> log_;
  std::atomic<std::thread::id> reader_;
  std::mutex mutex_;  // guards the two below
  std::uint64_t next_outgoing_ = 1;
  std::map<protocol::RequestId, std::function<void(const ClientResponse&)>> outgoing_;
};

}  // namespace chunkls
