// The baseline of `chunkls index`'s throughput: the same files (the same walk, size
// limit, binary check and language detection) read and parsed by raw tree-sitter on the
// same number of threads, nothing else. Prints one line: files, bytes, seconds, MB/s.
// Usage: parse_tree DIR [--jobs N] [--max-size BYTES]
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "engine/index/workspace_walk.h"
#include "engine/syntax/language_registry.h"
#include "engine/syntax/ts_handles.h"
#include "engine/text/source_file.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: parse_tree DIR [--jobs N] [--max-size BYTES]\n");
    return 2;
  }
  const std::string root = argv[1];
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  std::uint64_t max_bytes = chunkls::kDefaultMaxFileBytes;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--jobs") == 0) jobs = static_cast<unsigned>(std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--max-size") == 0)
      max_bytes = std::strtoull(argv[i + 1], nullptr, 10);
  }
  const chunkls::LanguageRegistry registry = chunkls::LanguageRegistry::with_builtins();
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::string> paths;
  chunkls::WorkspaceWalk(root, {.max_file_bytes = max_bytes, .trusted_root = true})
      .run(
          [&](chunkls::WalkedFile&& file) {
            paths.push_back(file.path.string());
            return true;
          },
          [](chunkls::WalkSkip&&) { return true; });
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::uint64_t> files{0};
  std::vector<std::jthread> threads;
  for (unsigned t = 0; t < jobs; ++t) {
    threads.emplace_back([&] {
      std::map<const TSLanguage*, chunkls::Parser> parsers;
      for (std::size_t i = next++; i < paths.size(); i = next++) {
        const std::string& path = paths[i];
        // As the indexer: an unknown extension is not read.
        const chunkls::Language* by_name = registry.detect({.path = path});
        const std::size_t slash = path.rfind('/');
        const std::size_t dot = path.rfind('.');
        if (!by_name && dot != std::string::npos && dot > slash + 1) continue;
        const chunkls::SourceRead read = chunkls::read_source(path, max_bytes);
        if (!read) continue;
        const chunkls::Language* language = registry.detect({.path = path, .content = read.bytes});
        if (!language) continue;
        chunkls::Parser& parser = parsers[language->grammar()];
        if (!parser.set_language(language->grammar())) continue;
        const chunkls::Tree tree = parser.parse(read.bytes);
        if (tree) {
          bytes += read.bytes.size();
          ++files;
        }
      }
    });
  }
  threads.clear();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print("parse_tree: {} files, {} bytes, {:.3f} s, {:.1f} MB/s, {} threads\n", files.load(),
             bytes.load(), seconds, static_cast<double>(bytes.load()) / 1e6 / seconds, jobs);
  return 0;
}
