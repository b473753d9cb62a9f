#include "engine/store/store_writes.h"

#include "engine/store/sqlite_statement.h"

namespace chunkls::sqlite_store {
namespace {

const StoredChunking& no_chunking() {
  static const StoredChunking kEmpty;
  return kEmpty;
}

}  // namespace

void TableWrites::apply(const WriteOp& op) {
  std::visit([&](const auto& o) { apply_one(o); }, op);
}

void TableWrites::apply_one(const TouchOp& op) {
  const std::optional<std::int64_t> content = content_of(op.file.path);
  if (!content) return;
  {
    const std::string hash = encode_key(op.file.key);  // bound without a copy
    Statement& find = statements_.find_content;
    const auto reset = find.use();
    find.bind_blob(1, hash);
    if (!find.step() || find.i64(0) != *content) return;  // changed meanwhile: left as is
  }
  Statement& s = statements_.touch_file;
  const auto reset = s.use();
  s.bind_text(1, op.file.path);
  s.bind(2, op.file.stamp.size);
  s.bind(3, op.file.stamp.mtime_ns);
  s.bind(4, op.file.stamp.inode);
  s.finish();
}

void TableWrites::apply_one(const PutOp& op) {
  const std::int64_t content =
      store_content(op.file.key, op.chunking ? *op.chunking : no_chunking());
  const std::optional<std::int64_t> previous = content_of(op.file.path);
  {
    Statement& s = statements_.upsert_file;
    const auto reset = s.use();
    s.bind_text(1, op.file.path);
    s.bind(2, op.file.stamp.size);
    s.bind(3, op.file.stamp.mtime_ns);
    s.bind(4, op.file.stamp.inode);
    s.bind(5, content);
    s.bind_text(6, op.file.language);
    s.finish();
  }
  if (previous && *previous != content) collect(*previous);
}

void TableWrites::apply_one(const RemoveOp& op) {
  const std::optional<std::int64_t> previous = content_of(op.path);
  if (!previous) return;
  {
    const auto reset = statements_.delete_file.use();
    statements_.delete_file.bind_text(1, op.path);
    statements_.delete_file.finish();
  }
  collect(*previous);
}

void TableWrites::apply_one(const ClearOp&) {
  statements_.clear_chunks.execute();
  statements_.clear_contents.execute();
  statements_.clear_files.execute();
}

// The id of the content under `key`, inserted with its chunks when new.
std::int64_t TableWrites::store_content(const ContentKey& key, const StoredChunking& chunking) {
  const std::string hash = encode_key(key);
  {
    Statement& find = statements_.find_content;
    const auto reset = find.use();
    find.bind_blob(1, hash);
    if (find.step()) return find.i64(0);
  }
  const std::string folds = encode_folds(chunking.folds);
  {
    Statement& insert = statements_.insert_content;
    const auto reset = insert.use();
    insert.bind_blob(1, hash);
    insert.bind_blob(2, folds);
    insert.bind(3, chunking.omitted_too_deep);
    insert.bind(4, chunking.omitted_over_the_count);
    insert.bind(5, static_cast<std::uint64_t>(chunking.chunks.size()));
    insert.bind_blob(6, chunking.symbols);
    insert.finish();
  }
  const std::int64_t content = sqlite3_last_insert_rowid(db_);
  for (std::size_t i = 0; i < chunking.chunks.size(); ++i)
    insert_chunk(content, i, chunking.chunks[i]);
  return content;
}

void TableWrites::insert_chunk(std::int64_t content, std::size_t ordinal, const Chunk& chunk) {
  Statement& s = statements_.insert_chunk;
  const auto reset = s.use();
  s.bind(1, content);
  s.bind(2, static_cast<std::int64_t>(ordinal));
  s.bind(3, chunk.id);
  s.bind(4, static_cast<std::int64_t>(chunk.kind));
  s.bind_text(5, chunk.name);
  s.bind(6, std::int64_t{chunk.parent});
  s.bind(7, std::int64_t{chunk.depth});
  s.bind(8, chunk.content_hash);
  bind_range(s, 9, chunk.range);
  bind_range(s, 15, chunk.definition);
  bind_range(s, 21, chunk.selection);
  s.bind_text(27, chunk.detail);
  s.finish();
}

std::optional<std::int64_t> TableWrites::content_of(const std::string& path) {
  Statement& s = statements_.file_content;
  const auto reset = s.use();
  s.bind_text(1, path);
  if (!s.step()) return std::nullopt;
  return s.i64(0);
}

// Deletes a content, and its chunks, that no file names any more.
void TableWrites::collect(std::int64_t content) {
  {
    Statement& named = statements_.content_named;
    const auto reset = named.use();
    named.bind(1, content);
    if (named.step()) return;
  }
  for (Statement* s : {&statements_.delete_chunks, &statements_.delete_content}) {
    const auto reset = s->use();
    s->bind(1, content);
    s->finish();
  }
}

}  // namespace chunkls::sqlite_store
