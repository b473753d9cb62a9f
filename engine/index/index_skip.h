// IndexSkip: why the indexer left a file (or a directory) out, the one list of reasons the
// indexer reports (SkippedFile, IndexProgress::skipped), whether the walk skipped it
// (WalkSkipReason) or the reader did (SourceProblem, no language, a failed parse).
//
// A value type and free functions, no state; safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/index/workspace_walk.h"
#include "engine/text/source_file.h"

namespace chunkls {

// Why a file was not indexed (the walk's reasons, and the reader's).
enum class IndexSkip : std::uint8_t {
  kIgnored,      // .gitignore and friends
  kExcluded,     // a user exclude glob
  kTooLarge,     // over the size limit
  kNotAFile,     // FIFO, socket, device
  kUnreadable,   // could not be read or stat'ed
  kOutsideRoot,  // a link out of the root
  kLoop,         // a directory reached twice
  kFileLimit,    // past the file limit of a root without a project marker
  kBinary,       // a NUL byte in the first 8 KiB
  kUnsupported,  // no language for it
  kFailed,       // parsing gave up (time limit) or failed
  kCount,
};
std::string_view to_string(IndexSkip reason);

// The walk's reason as the indexer reports it.
IndexSkip skip_of(WalkSkipReason reason);
// The reader's problem as the indexer reports it.
IndexSkip skip_of(SourceProblem problem);

}  // namespace chunkls
