// What `chunkls index --format jsonl` prints, in-process and without timing:
// - OrderedOutput prints each numbered file once, in number order, whatever order the
//   workers settle them in; a number withdrawn (the file was queued twice) or settled
//   twice prints nothing more (the old code waited forever for a withdrawn number).
// - run_index_command writes to its streams only under the console's lock. The flaky
//   IndexCommand.JsonlIsDeterministicAndHoldsWhatChunkPrints printed the chunks twice:
//   std::cerr is tied to std::cout, so progress lines written by one worker flushed
//   std::cout's buffer while another worker filled it. Here every write to either
//   stream checks that the writing thread holds the lock, so one unlocked write fails
//   the test whether or not another thread happened to write at the same moment.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <streambuf>

#include "engine/syntax/language_registry.h"
#include "server/cli/index_command.h"
#include "server/cli/ordered_output.h"
#include "tests/support/file_tree.h"
#include "tests/support/temp_dir.h"

namespace chunkls {
namespace {

using testing::TempDir;

// A string buffer that counts the calls made without the console's lock.
class LockCheckingBuffer final : public std::stringbuf {
 public:
  void watch(const IndexConsole* console) { console_ = console; }
  std::uint64_t unlocked_calls() const { return unlocked_.load(); }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    check();
    return std::stringbuf::xsputn(s, n);
  }
  int_type overflow(int_type c) override {
    check();
    return std::stringbuf::overflow(c);
  }
  int sync() override {
    check();
    return std::stringbuf::sync();
  }

 private:
  void check() {
    if (console_ && !console_->held_by_this_thread()) ++unlocked_;
  }
  const IndexConsole* console_ = nullptr;
  std::atomic<std::uint64_t> unlocked_{0};
};

const LanguageRegistry& registry() {
  static const LanguageRegistry languages = LanguageRegistry::with_builtins();
  return languages;
}

IndexedFile parsed_file(std::uint64_t seq, const std::string& name,
                        std::shared_ptr<StoredChunking> chunking, const std::string& text) {
  return {.seq = seq,
          .root = "/r",
          .path = "/r/" + name,
          .language = registry().find("python"),
          .outcome = IndexOutcome::kParsed,
          .chunks = chunking->chunks.size(),
          .chunking = std::move(chunking),
          .text = text};
}

std::shared_ptr<StoredChunking> one_chunk(const std::string& name) {
  auto chunking = std::make_shared<StoredChunking>();
  Chunk chunk;
  chunk.name = name;
  chunk.kind = ChunkKind::kFunction;
  chunking->chunks.push_back(chunk);
  return chunking;
}

std::vector<std::string> names_printed(const std::string& jsonl) {
  std::vector<std::string> names;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    const std::size_t at = line.find("\"name\":\"");
    names.push_back(line.substr(at + 8, line.find('"', at + 8) - at - 8));
  }
  return names;
}

TEST(OrderedOutput, PrintsEachNumberOnceInOrderWhateverTheOrderOfSettling) {
  std::ostringstream out;
  std::ostringstream err;
  IndexConsole console(out, err);
  ChunkOutput output(out, OutputFormat::kJsonl, /*with_content=*/false);
  OrderedOutput ordered(&output, console, nullptr);
  const std::string text = "def f(): pass\n";
  ordered.indexed(parsed_file(3, "c.py", one_chunk("c"), text));
  ordered.skipped(2);
  EXPECT_EQ(out.str(), "");  // 1 is not settled: nothing may be printed yet
  ordered.indexed(parsed_file(1, "a.py", one_chunk("a"), text));
  EXPECT_EQ(names_printed(out.str()), (std::vector<std::string>{"a", "c"}));
  // 4: queued twice, the walk's number withdrawn; 5 printed once although settled twice.
  ordered.indexed(parsed_file(5, "e.py", one_chunk("e"), text));
  ordered.indexed(parsed_file(5, "e.py", one_chunk("e"), text));
  ordered.withdrawn(4);
  ordered.indexed(parsed_file(1, "a.py", one_chunk("a"), text));  // long passed: ignored
  ordered.withdrawn(4);
  EXPECT_EQ(names_printed(out.str()), (std::vector<std::string>{"a", "c", "e"}));
  ordered.restart();  // the next root numbers from 1 again
  ordered.indexed(parsed_file(1, "a.py", one_chunk("next"), text));
  EXPECT_EQ(names_printed(out.str()), (std::vector<std::string>{"a", "c", "e", "next"}));
}

TEST(IndexCommandConsole, EveryWriteToEitherStreamHoldsTheConsolesLock) {
  TempDir tree;
  testing::git_init(tree.path());
  for (int i = 0; i < 40; ++i) {
    tree.write(fmt::format("src/m{:02}.py", i), fmt::format("def f{}():\n    pass\n", i));
  }
  tree.write("src/notes.txt", "no language\n");
  tree.write("src/blob.py", std::string("a\0b", 3));
  LockCheckingBuffer out_buffer;
  LockCheckingBuffer err_buffer;
  std::ostream out(&out_buffer);
  std::ostream err(&err_buffer);
  err.tie(&out);  // as std::cerr is tied to std::cout
  IndexConsole console(out, err);
  out_buffer.watch(&console);
  err_buffer.watch(&console);
  IndexCommandOptions options{.roots = {tree.path().string()},
                              .jobs = 2,
                              .no_cache = true,
                              .format = IndexFormat::kJsonl,
                              .with_content = false,
                              .progress_interval = std::chrono::milliseconds(0)};
  ASSERT_EQ(run_index_command(options, registry(), console), 0);
  EXPECT_EQ(out_buffer.unlocked_calls(), 0u);
  EXPECT_EQ(err_buffer.unlocked_calls(), 0u);
  std::vector<std::string> expected;
  for (int i = 0; i < 40; ++i)
    expected.push_back(fmt::format("f{}", i));
  EXPECT_EQ(names_printed(out_buffer.str()), expected);
  EXPECT_NE(err_buffer.str().find("indexed 40 files"), std::string::npos) << err_buffer.str();
  EXPECT_NE(err_buffer.str().find("chunkls index: "), std::string::npos) << err_buffer.str();
}

}  // namespace
}  // namespace chunkls
