// OpenDocument: the server's slot for one document the client opened: its strand (the
// serial queue that orders didOpen, didChange, didClose and the requests on it), a
// count of the sync messages posted to it, and the engine Document.
//
// Shared by the reader (which posts to the strand) and the tasks on the strand (which
// hold a shared_ptr, so a slot outlives its didClose until its queue drains). Only
// `posted` is touched by both; everything below it is strand-only.
#pragma once

#include <asio/strand.hpp>
#include <asio/thread_pool.hpp>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/document.h"

namespace chunkls {

using Strand = asio::strand<asio::thread_pool::executor_type>;

struct OpenDocument {
  OpenDocument(std::string uri_, Strand strand_)
      : uri(std::move(uri_)), strand(std::move(strand_)) {}

  const std::string uri;
  Strand strand;
  // didOpen/didChange/didClose notifications the reader has posted to the strand; a
  // request that sees it grow while queued knows newer text is on the way.
  std::atomic<std::uint64_t> posted{0};

  // Strand-only.
  std::unique_ptr<Document> document;  // null: unsupported language, or parsing gave up
  std::string unavailable_reason;      // why `document` is null
  std::int64_t version = 0;
  bool closed = false;
};

}  // namespace chunkls
