#include "server/cli/chunk_output.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace chunkls {
namespace {

using nlohmann::json;

json position(std::uint32_t row, std::uint32_t column, std::uint32_t byte) {
  return {{"line", row}, {"column", column}, {"byte", byte}};
}

json range_json(const TextRange& r) {
  return {{"start", position(r.start.row, r.start.column, r.start_byte)},
          {"end", position(r.end.row, r.end.column, r.end_byte)}};
}

json chunk_json(const std::vector<Chunk>& chunks, std::size_t index, std::string_view text,
                bool with_content) {
  const Chunk& c = chunks[index];
  json j = {{"id", chunk_id_hex(c.id)},
            {"kind", to_string(c.kind)},
            {"name", c.name},
            {"qualified_name", qualified_name(chunks, index)},
            {"detail", c.detail},
            {"parent_id", c.parent < 0
                              ? json(nullptr)
                              : json(chunk_id_hex(chunks[static_cast<std::size_t>(c.parent)].id))},
            {"depth", c.depth},
            {"range", range_json(c.range)},
            {"selection_range", range_json(c.selection)},
            {"content_hash", fmt::format("{:016x}", c.content_hash)}};
  if (with_content) {
    j["content"] =
        std::string(text.substr(c.range.start_byte, c.range.end_byte - c.range.start_byte));
  }
  return j;
}

json fold_json(const Fold& f) {
  return {{"start_line", f.start_row}, {"end_line", f.end_row}, {"kind", to_string(f.kind)}};
}

// Invalid UTF-8 in names or content is replaced, never a failure.
std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

void ChunkOutput::begin() {
  if (format_ == OutputFormat::kJson) out_ << "{\"files\":[";
}

void ChunkOutput::file(const ChunkedFile& file) {
  const std::vector<Chunk>& chunks_of_file = *file.chunks;
  const std::vector<Fold>& folds_of_file = *file.folds;
  switch (format_) {
    case OutputFormat::kText: {
      out_ << fmt::format("{} ({}, {} chunks, {} folds)\n", file.path, file.language,
                          chunks_of_file.size(), folds_of_file.size());
      for (const Chunk& c : chunks_of_file) {
        const std::string head =
            fmt::format("{:{}}{} {}", "", 2 * (c.depth + 1), to_string(c.kind), c.name);
        out_ << fmt::format("{:<48} {:>6}-{:<6} {}\n", head, c.range.start.row + 1,
                            c.range.end.row + 1, c.detail);
      }
      if (with_folds_) {
        for (const Fold& f : folds_of_file) {
          out_ << fmt::format("  fold {} {}-{}\n", to_string(f.kind), f.start_row + 1,
                              f.end_row + 1);
        }
      }
      break;
    }
    case OutputFormat::kJson: {
      json j = {{"path", file.path}, {"language", file.language}};
      json chunks = json::array();
      for (std::size_t i = 0; i < chunks_of_file.size(); ++i)
        chunks.push_back(chunk_json(chunks_of_file, i, file.text, with_content_));
      json folds = json::array();
      for (const Fold& f : folds_of_file)
        folds.push_back(fold_json(f));
      j["chunks"] = std::move(chunks);
      j["folds"] = std::move(folds);
      if (!first_file_) out_ << ',';
      out_ << '\n' << dump(j);
      break;
    }
    case OutputFormat::kJsonl: {
      for (std::size_t i = 0; i < chunks_of_file.size(); ++i) {
        json j = chunk_json(chunks_of_file, i, file.text, with_content_);
        j["path"] = file.path;
        j["language"] = file.language;
        out_ << dump(j) << '\n';
      }
      break;
    }
  }
  first_file_ = false;
}

void ChunkOutput::end() {
  if (format_ == OutputFormat::kJson) out_ << "\n]}\n";
  out_.flush();
}

}  // namespace chunkls
