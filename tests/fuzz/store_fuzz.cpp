// Fuzz target: the index store's reader (engine/store/) on corrupted database files. A
// real store database (two files, two contents of real chunks, folds and encoded
// symbols) is made once; each input patches bytes of it (and may leave a WAL file of
// its own bytes behind, which makes opening run quick_check and SQLite replay it), then
// opens it as chunkls would and reads everything a start reads: the files, the scan with
// symbols (and decodes them as the warm start does, SymbolIndex::replace_encoded), each
// content's chunking, the info. Opening and reading must neither crash nor throw (short
// of memory), and what is read back must be well formed (parent links before their
// children, known kinds), damage reading as nothing.
//
// Input: [flags: 1 byte][patch count] then per patch [offset: 3 bytes][bytes: count +
// bytes], then the WAL file's bytes (with flag bit 0).
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>

#include "engine/chunks/chunker.h"
#include "engine/index/symbols/symbol_index.h"
#include "engine/store/sqlite_index_store.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/fuzz_languages.h"

namespace {

using namespace chunkls;
namespace fs = std::filesystem;

constexpr std::string_view kVersions = "fuzz:1";
constexpr std::string_view kSource =
    "import os\n\n"
    "class Shape:\n"
    "    \"\"\"A shape.\"\"\"\n\n"
    "    def area(self) -> float:\n"
    "        return 0.0\n\n"
    "    def périmètre(self):\n"
    "        # région\n"
    "        return 1\n\n"
    "def main():\n"
    "    print(Shape().area())\n";

// The scratch directory, removed at exit; the pristine database's bytes.
class Scratch {
 public:
  Scratch() {
    std::string pattern = (fs::temp_directory_path() / "chunkls-store-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    directory_ = pattern;
    make_pristine();
  }
  ~Scratch() {
    std::error_code ignored;
    fs::remove_all(directory_, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  fs::path database() const { return directory_ / "index.sqlite"; }
  const std::string& pristine() const { return pristine_; }

 private:
  void make_pristine() {
    Chunker chunker;
    const Language& python = *fuzz::registry().find("python");
    std::uint64_t n = 0;
    {
      const std::unique_ptr<IndexStore> store =
          open_sqlite_store(database(), std::string(kVersions));
      for (const std::string_view text : {kSource, kSource.substr(0, kSource.size() / 2)}) {
        const ChunkedText chunked = chunker.chunk(python, text, "a.py");
        auto chunking = std::make_shared<StoredChunking>();
        chunking->chunks = chunked.chunks;
        chunking->folds = chunked.folds;
        chunking->symbols = SymbolIndex::encode(chunked.chunks);
        ++n;
        StoredFile file{.path = "/w/file" + std::to_string(n) + ".py",
                        .stamp = {.size = text.size(), .mtime_ns = 1, .inode = n},
                        .key = {.low = n, .high = ~n, .language = 7},
                        .language = "python"};
        store->put(file, chunking);
      }
      store->flush();
    }
    std::ifstream in(database(), std::ios::binary);
    pristine_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (pristine_.empty()) std::abort();
  }

  fs::path directory_;
  std::string pristine_;
};

void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
}

void check_chunking(const StoredChunking& chunking) {
  for (std::size_t i = 0; i < chunking.chunks.size(); ++i) {
    const Chunk& c = chunking.chunks[i];
    FUZZ_CHECK(c.parent >= -1 && c.parent < static_cast<std::int64_t>(i), "a parent link");
    FUZZ_CHECK(c.kind <= ChunkKind::kKey, "a chunk kind");
  }
  for (const Fold& f : chunking.folds)
    FUZZ_CHECK(f.kind <= FoldKind::kRegion, "a fold kind");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Scratch scratch;
  fuzz::FuzzInput input(data, size);
  const std::uint8_t flags = input.byte();
  std::string bytes = scratch.pristine();
  const std::size_t patches = input.byte() % 32;
  for (std::size_t i = 0; i < patches; ++i) {
    const std::uint32_t offset =
        (input.byte() | input.byte() << 8 | input.byte() << 16) % bytes.size();
    const std::string_view patch = input.short_string(32);
    bytes.replace(offset, std::min(patch.size(), bytes.size() - offset), patch);
  }
  if ((flags & 2) != 0) bytes.resize(bytes.size() * (flags >> 2) / 64);  // truncated

  const fs::path database = scratch.database();
  std::error_code ignored;
  for (const char* suffix : {"-wal", "-shm", ".damaged"})
    fs::remove(database.string() + suffix, ignored);
  write_file(database, bytes);
  if ((flags & 1) != 0) write_file(database.string() + "-wal", input.rest());

  const std::unique_ptr<IndexStore> store =
      open_sqlite_store(database, std::string(kVersions), {}, std::chrono::milliseconds(0));
  FUZZ_CHECK(store != nullptr, "no store");
  SymbolIndex symbols;
  store->scan(
      [&](const StoredFile& file, StoredSummary&& summary) {
        (void)symbols.replace_encoded(file.path, summary.symbols);
        return true;
      },
      true);
  (void)symbols.search({.query = "a"});
  for (const StoredFile& file : store->files()) {
    (void)store->file(file.path);
    if (const std::optional<StoredChunking> chunking = store->chunking(file.key)) {
      check_chunking(*chunking);
    }
  }
  (void)store->info();
  return 0;
}
