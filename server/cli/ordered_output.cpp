#include "server/cli/ordered_output.h"

#include <filesystem>

#include "engine/chunks/chunk_extractor.h"

namespace chunkls {

void OrderedOutput::indexed(const IndexedFile& file) {
  if (!output_) return;
  Ready ready{.path = file.path, .language = file.language ? file.language->name() : ""};
  if (file.chunking) {
    ready.chunks = file.chunking->chunks;
    ready.folds = file.chunking->folds;
    ready.text = std::string(file.text);
    if (file.outcome != IndexOutcome::kParsed) reassign_ids(ready.chunks, file.path);
  } else if (IndexStore* store = store_of_ ? store_of_(file.root) : nullptr) {
    // Unchanged since the last run: chunks from the store, text from the file.
    if (std::optional<StoredChunking> stored = store->chunking(file.key)) {
      ready.chunks = std::move(stored->chunks);
      ready.folds = std::move(stored->folds);
      reassign_ids(ready.chunks, file.path);
    }
    SourceRead read = read_source(std::filesystem::path(file.path), 0);
    ready.text = std::move(read.bytes);
  }
  settle(file.seq, std::move(ready));
}

void OrderedOutput::skipped(std::uint64_t seq) {
  if (output_ && seq != 0) settle(seq, std::nullopt);
}

void OrderedOutput::withdrawn(std::uint64_t seq) {
  if (output_ && seq != 0) settle(seq, std::nullopt);
}

void OrderedOutput::restart() {
  auto console = console_.lock();
  waiting_.clear();
  next_ = 1;
}

void OrderedOutput::settle(std::uint64_t seq, std::optional<Ready> ready) {
  auto console = console_.lock();
  if (seq < next_) return;                  // settled before: printed (or passed) once already
  waiting_.emplace(seq, std::move(ready));  // a second settle of a waiting number: ignored
  for (auto it = waiting_.find(next_); it != waiting_.end(); it = waiting_.find(next_)) {
    if (it->second) {
      const Ready& r = *it->second;
      output_->file({r.path, r.language, r.text, &r.chunks, &r.folds});
    }
    waiting_.erase(it);
    ++next_;
  }
}

}  // namespace chunkls
