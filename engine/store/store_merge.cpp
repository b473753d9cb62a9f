#include "engine/store/store_merge.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <map>
#include <optional>

#include "engine/store/sqlite_handles.h"
#include "engine/store/sqlite_statement.h"
#include "engine/store/store_opening.h"
#include "engine/store/store_schema.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;
using sqlite_store::exec;
using sqlite_store::first_value;
using sqlite_store::SqliteError;

std::string quoted(const fs::path& path) {
  return fmt::format("'{}'", path.string());
}

// The SQL literal of a file name for ATTACH (quotes doubled).
std::string sql_text(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::uint64_t count(sqlite3* db, const char* sql) {
  return std::stoull(first_value(db, sql));
}

}  // namespace

ShardRecord check_shard_stores(const std::vector<fs::path>& shards, const std::string& versions) {
  if (shards.empty()) throw MergeError("no shard stores to merge");
  std::optional<ShardRecord> common;
  std::map<std::uint32_t, fs::path> by_index;
  for (const fs::path& shard : shards) {
    std::string made_by;
    std::optional<ShardRecord> record;
    try {
      record = read_shard_record(shard, &made_by);
    } catch (const StoreFileError& e) {
      throw MergeError(e.what());
    }
    if (!record) {
      throw MergeError(fmt::format(
          "{} is not a shard store (write one with chunkls index --shard K/N --out FILE)",
          quoted(shard)));
    }
    if (made_by != versions) {
      throw MergeError(fmt::format(
          "{} was made by a chunkls with another store schema, grammars or queries than "
          "this one's: index that shard again with this binary",
          quoted(shard)));
    }
    if (!common) {
      common = *record;
    } else {
      const fs::path& first = shards.front();
      const auto differ = [&](const char* what, const std::string& a, const std::string& b) {
        throw MergeError(fmt::format("{} and {} are shards of different {} ({} and {})",
                                     quoted(first), quoted(shard), what, a, b));
      };
      if (record->root != common->root) differ("roots", common->root, record->root);
      if (record->partition != common->partition) {
        differ("partitions", common->partition, record->partition);
      }
      if (record->shard.count != common->shard.count) {
        differ("shard counts", std::to_string(common->shard.count),
               std::to_string(record->shard.count));
      }
      if (record->walk != common->walk) differ("walks (options)", common->walk, record->walk);
    }
    const auto [at, fresh] = by_index.emplace(record->shard.index, shard);
    if (!fresh) {
      throw MergeError(fmt::format("{} and {} are both shard {}", quoted(at->second), quoted(shard),
                                   to_string(record->shard)));
    }
  }
  std::string missing;
  for (std::uint32_t k = 0; k < common->shard.count; ++k) {
    if (!by_index.contains(k)) {
      missing += fmt::format("{}{}/{}", missing.empty() ? "" : ", ", k, common->shard.count);
    }
  }
  if (!missing.empty()) {
    throw MergeError(
        fmt::format("shard {} of {} is missing: a merge needs every shard", missing, common->root));
  }
  common->shard.index = 0;
  return *common;
}

MergeSummary merge_shard_stores(const std::vector<fs::path>& shards, const fs::path& destination,
                                const std::string& versions) {
  MergeSummary summary;
  summary.record = check_shard_stores(shards, versions);
  const fs::path partial = partial_path(destination);
  std::error_code ignored;
  fs::remove(partial, ignored);
  try {
    sqlite::Connection connection;
    if (sqlite::open(partial.c_str(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, connection) !=
        SQLITE_OK) {
      throw MergeError(fmt::format("cannot create {}: {}", quoted(partial),
                                   connection ? sqlite3_errmsg(connection.get()) : "no memory"));
    }
    sqlite3* db = connection.get();
    exec(db, "PRAGMA page_size=16384");  // as the store makes its files
    exec(db, "PRAGMA journal_mode=DELETE");
    exec(db, "PRAGMA synchronous=OFF");  // synced once, whole, before the rename
    sqlite_store::prepare_schema(db, versions);
    const std::string chunk_columns = sqlite_store::chunk_columns(true);
    for (const fs::path& shard : shards) {
      exec(db, "ATTACH DATABASE " + sql_text(shard.string()) + " AS shard");
      exec(db, "BEGIN");
      // A path in two shards: the partition was not what the records say.
      const std::string twice = first_value(
          db, "SELECT path FROM shard.files WHERE path IN (SELECT path FROM main.files) LIMIT 1");
      if (!twice.empty()) {
        exec(db, "ROLLBACK");
        throw MergeError(
            fmt::format("{} is in {} and in a shard merged before it: the shards "
                        "overlap",
                        twice, quoted(shard)));
      }
      // Contents are kept once, by their hash; the shard's ids map onto the merged ones.
      exec(db,
           "INSERT OR IGNORE INTO main.contents(hash, folds, omitted_deep, omitted_count, "
           "chunk_count, symbols) SELECT hash, folds, omitted_deep, omitted_count, chunk_count, "
           "symbols FROM shard.contents");
      exec(db,
           "CREATE TEMP TABLE ids AS SELECT s.id AS old, m.id AS new FROM shard.contents s "
           "JOIN main.contents m ON m.hash = s.hash");
      exec(db, "CREATE UNIQUE INDEX temp.ids_old ON ids(old)");
      exec(
          db, "INSERT OR IGNORE INTO main.chunks(content, ordinal, " + chunk_columns +
                  ") SELECT ids.new, c.ordinal, " +
                  [&] {
                    std::string prefixed;
                    for (const std::string& name : sqlite_store::chunk_column_names(true))
                      prefixed += (prefixed.empty() ? "c." : ", c.") + name;
                    return prefixed;
                  }() +
                  " FROM shard.chunks c JOIN ids ON ids.old = c.content");
      exec(db,
           "INSERT INTO main.files(path, size, mtime_ns, inode, content, language) SELECT "
           "f.path, f.size, f.mtime_ns, f.inode, ids.new, f.language FROM shard.files f JOIN "
           "ids ON ids.old = f.content");
      exec(db, "DROP TABLE temp.ids");
      exec(db, "COMMIT");
      exec(db, "DETACH DATABASE shard");
    }
    exec(db, "INSERT OR REPLACE INTO meta(key, value) VALUES('root', " +
                 sql_text(summary.record.root) + ")");
    exec(db, "INSERT OR REPLACE INTO meta(key, value) VALUES('merged', " +
                 sql_text(fmt::format("{} shards, {}", summary.record.shard.count,
                                      summary.record.partition)) +
                 ")");
    summary.files = count(db, "SELECT count(*) FROM files");
    summary.contents = count(db, "SELECT count(*) FROM contents");
    summary.chunks = count(db, "SELECT count(*) FROM chunks");
  } catch (const SqliteError& e) {
    fs::remove(partial, ignored);
    throw MergeError(fmt::format("merging into {}: {}", quoted(partial), e.what()));
  } catch (...) {
    fs::remove(partial, ignored);
    throw;
  }
  try {
    install_file(partial, destination);
  } catch (const StoreFileError& e) {
    fs::remove(partial, ignored);
    throw MergeError(e.what());
  }
  return summary;
}

}  // namespace chunkls
