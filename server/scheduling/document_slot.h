// DocumentSlot: the server's place for one document the client opened (or sent changes
// for): its strand (the serial queue that orders didOpen, didChange, didClose and the
// requests on it), a count of the sync messages posted to it, and, reachable only from
// that strand, its state: the engine Document and why it might serve nothing.
//
// Shared by the reader (which posts to the strand) and the tasks on the strand (which
// hold a shared_ptr, so a slot outlives its didClose until its queue drains). `posted`
// is atomic; state() throws std::logic_error when called off the strand, so the
// strand-only rule cannot be broken silently.
#pragma once

#include <asio/strand.hpp>
#include <asio/thread_pool.hpp>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "engine/document/document.h"
#include "engine/syntax/language.h"

namespace chunkls {

using Strand = asio::strand<asio::thread_pool::executor_type>;

// What the strand knows of the document.
struct SlotState {
  // Detected at didOpen (or from the path when changes came first); null: no grammar.
  const Language* language = nullptr;
  std::string language_id;  // as the client said at didOpen
  std::string path;
  // The text the client has, parsed; null when there is no grammar or while out of sync.
  std::unique_ptr<Document> document;
  std::optional<std::int64_t> version;
  bool closed = false;
  // Non-empty: why the server no longer holds the client's text (a change it could not
  // apply). Requests answer -32803 with it until a change carries the whole text.
  std::string out_of_sync;
  // The chunk list left something out and the user was told (once per document).
  bool omission_told = false;
  // The text bytes DocumentScheduler's open-document total counts for this slot.
  std::uint64_t counted_bytes = 0;

  bool serving() const { return document != nullptr; }
};

class DocumentSlot {
 public:
  DocumentSlot(std::string uri_, Strand strand_)
      : uri(std::move(uri_)), strand(std::move(strand_)) {}

  const std::string uri;
  Strand strand;
  // Sync notifications the reader has posted to the strand; a request that sees it grow
  // while queued knows newer text is on the way.
  std::atomic<std::uint64_t> posted{0};

  SlotState& state() {
    if (!strand.running_in_this_thread()) {
      throw std::logic_error("the state of " + uri + " was touched off its strand");
    }
    return state_;
  }

 private:
  SlotState state_;
};

}  // namespace chunkls
