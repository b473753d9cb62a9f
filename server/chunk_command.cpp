#include "server/chunk_command.h"

#include <fmt/format.h>

#include <istream>
#include <ostream>

#include "engine/chunker.h"
#include "engine/source_file.h"

namespace chunkls {

int run_chunk_command(const ChunkCommandOptions& options, const LanguageRegistry& registry,
                      std::istream& in, std::ostream& out, std::ostream& err) {
  const Language* forced = nullptr;
  if (!options.language.empty()) {
    forced = registry.find(options.language);
    if (!forced) {
      err << fmt::format("chunkls: unsupported language '{}'\n", options.language);
      return 1;
    }
  }
  Chunker chunker;
  ChunkOutput output(out, options.format, options.with_content, options.with_folds);
  int failures = 0;
  auto report = [&](const std::string& path, const std::string& reason) {
    err << fmt::format("chunkls: {}: {}\n", path, reason);
    ++failures;
  };
  output.begin();
  for (const std::string& path : options.files) {
    const bool from_stdin = path == "-";
    SourceRead source = from_stdin ? read_source(in, options.max_bytes)
                                   : read_source(std::filesystem::path(path), options.max_bytes);
    if (!source) {
      report(path, source.reason);
      continue;
    }
    const Language* language =
        forced ? forced
               : registry.detect({.language_id = {}, .path = from_stdin ? std::string_view() : path, .content = source.bytes});
    if (!language) {
      report(path, from_stdin ? "unsupported language (stdin: give --language)"
                              : "unsupported language (unknown extension and no shebang; see --language)");
      continue;
    }
    try {
      const ChunkedText chunked = chunker.chunk(*language, source.bytes, from_stdin ? "<stdin>" : path);
      output.file({from_stdin ? "<stdin>" : path, language->name(), source.bytes, &chunked});
    } catch (const std::exception& e) {
      report(path, e.what());
    }
  }
  output.end();
  return failures == 0 ? 0 : 1;
}

}  // namespace chunkls
