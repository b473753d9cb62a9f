// `chunkls merge SHARD... --out STORE|DIR`: joins the shard stores that the tasks of
// `chunkls index DIR --shard K/N --out FILE` wrote (on the nodes of a cluster) into one
// store (engine/store/store_merge.h). STORE is a file; an existing directory DIR is a
// cache directory, and the store goes where `chunkls index --cache DIR` and the server
// with that cache directory look for the root's store. Prints what it merged; refusals
// (mixed versions, overlapping or missing shards...) name the files, exit code 1.
//
// Runs on the calling thread.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "engine/syntax/language_registry.h"

namespace chunkls {

struct MergeCommandOptions {
  std::vector<std::string> shards;
  std::string out;
};

int run_merge_command(const MergeCommandOptions& options, const LanguageRegistry& registry,
                      std::ostream& out, std::ostream& err);

}  // namespace chunkls
