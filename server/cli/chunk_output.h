// ChunkOutput: how `chunkls chunk` and `chunkls index` print a chunked file: an indented outline
// for people (text), one JSON document (json), or one JSON object per chunk (jsonl) for scripts and
// RAG pipelines. Field names are documented in README.md.
//
// Writes to the stream it is given; one instance per output stream, not thread-safe.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/chunks/chunker.h"

namespace chunkls {

enum class OutputFormat { kText, kJson, kJsonl };

struct ChunkedFile {
  std::string path;
  std::string language;
  std::string_view text;
  const std::vector<Chunk>* chunks = nullptr;
  const std::vector<Fold>* folds = nullptr;
};

class ChunkOutput {
 public:
  // `with_content`: chunk text in json/jsonl. `with_folds`: fold lines in text.
  ChunkOutput(std::ostream& out, OutputFormat format, bool with_content, bool with_folds = false)
      : out_(out), format_(format), with_content_(with_content), with_folds_(with_folds) {}
  void begin();
  void file(const ChunkedFile& file);
  void end();

 private:
  std::ostream& out_;
  OutputFormat format_;
  bool with_content_;
  bool with_folds_;
  bool first_file_ = true;
};

}  // namespace chunkls
