#include "engine/index/index_skip.h"

namespace chunkls {

std::string_view to_string(IndexSkip reason) {
  switch (reason) {
    case IndexSkip::kIgnored:
      return "ignored";
    case IndexSkip::kExcluded:
      return "excluded";
    case IndexSkip::kTooLarge:
      return "too large";
    case IndexSkip::kNotAFile:
      return "not a file";
    case IndexSkip::kUnreadable:
      return "unreadable";
    case IndexSkip::kOutsideRoot:
      return "outside the root";
    case IndexSkip::kLoop:
      return "loop";
    case IndexSkip::kFileLimit:
      return "file limit";
    case IndexSkip::kBinary:
      return "binary";
    case IndexSkip::kUnsupported:
      return "unsupported";
    case IndexSkip::kFailed:
      return "failed";
    case IndexSkip::kCount:
      break;
  }
  return "unknown";
}

IndexSkip skip_of(WalkSkipReason reason) {
  switch (reason) {
    case WalkSkipReason::kIgnored:
      return IndexSkip::kIgnored;
    case WalkSkipReason::kExcluded:
      return IndexSkip::kExcluded;
    case WalkSkipReason::kTooLarge:
      return IndexSkip::kTooLarge;
    case WalkSkipReason::kNotAFile:
      return IndexSkip::kNotAFile;
    case WalkSkipReason::kUnreadable:
      return IndexSkip::kUnreadable;
    case WalkSkipReason::kOutsideRoot:
      return IndexSkip::kOutsideRoot;
    case WalkSkipReason::kLoop:
      return IndexSkip::kLoop;
    case WalkSkipReason::kFileLimit:
      return IndexSkip::kFileLimit;
  }
  return IndexSkip::kUnreadable;
}

IndexSkip skip_of(SourceProblem problem) {
  switch (problem) {
    case SourceProblem::kTooLarge:
      return IndexSkip::kTooLarge;
    case SourceProblem::kBinary:
      return IndexSkip::kBinary;
    case SourceProblem::kNotAFile:
      return IndexSkip::kNotAFile;
    case SourceProblem::kOutside:
      return IndexSkip::kOutsideRoot;
    default:  // unreadable, or changed while being read (the detail says which)
      return IndexSkip::kUnreadable;
  }
}

}  // namespace chunkls
