// Transport: the seam between the LSP server and the bytes. The server reads framed
// message bodies from it and writes bodies to it; tests swap in an in-memory fake.
//
// Ownership: created by main (stdio or a TCP connection) and outlives the server.
// Thread-safety: read() is called by one thread (the server's reader); write() and
// stop() may be called from any thread at once (answers come from worker threads);
// writes are serialized inside, so frames never interleave.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/frame_decoder.h"

namespace chunkls::protocol {

class Transport {
 public:
  virtual ~Transport() = default;
  // Blocks until the next frame (a body or a problem); nullopt at end of stream, once
  // the client is gone (a write found it closed) or after stop().
  virtual std::optional<Frame> read() = 0;
  // Sends one message body with its header, waiting while the client is slow to read.
  // A closed peer is not an error here: the write is dropped and read() ends.
  virtual void write(std::string_view body) = 0;
  // The server is finishing: read() returns nullopt from now on, and a write (in
  // progress or to come) gives up once it has made no progress for `grace`, so a client
  // that stopped reading cannot keep the process alive while a slow one still gets
  // everything.
  virtual void stop(std::chrono::milliseconds grace) = 0;
  // Why the client is gone when a write found out (then read() ends too): "a write
  // failed with EPIPE (Broken pipe)". Empty while it is not, or when only the input ended.
  virtual std::string gone_reason() const = 0;
};

}  // namespace chunkls::protocol
