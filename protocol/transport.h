// Transport: the seam between the LSP server and the bytes. The server reads framed
// message bodies from it and writes bodies to it; tests swap in an in-memory fake.
//
// Ownership: created by main (stdio or a TCP connection) and outlives the server.
// Thread-safety: read() is called by one thread (the server's reader); write() may be
// called from any thread at once (answers come from worker threads) and is serialized
// inside, so frames never interleave.
#pragma once

#include <optional>
#include <string_view>

#include "protocol/frame_decoder.h"

namespace chunkls::protocol {

class Transport {
 public:
  virtual ~Transport() = default;
  // Blocks until the next frame (a body or a problem); nullopt at end of stream.
  virtual std::optional<Frame> read() = 0;
  // Sends one message body with its header. A closed peer is not an error here: the
  // reader sees end of stream and the server stops.
  virtual void write(std::string_view body) = 0;
};

}  // namespace chunkls::protocol
