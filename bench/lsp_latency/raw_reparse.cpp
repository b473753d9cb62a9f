#include "bench/lsp_latency/raw_reparse.h"

#include <chrono>
#include <stdexcept>

#include "engine/syntax/ts_handles.h"

namespace chunkls::bench {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

TSInputEdit input_edit(const TextEdit& edit) {
  const auto inserted = static_cast<std::uint32_t>(edit.inserted.size());
  TSInputEdit out{};
  out.start_byte = edit.byte_offset;
  out.old_end_byte = edit.byte_offset + edit.deleted;
  out.new_end_byte = edit.byte_offset + inserted;
  out.start_point = {edit.line, edit.byte_column};
  out.old_end_point = {edit.line, edit.byte_column + edit.deleted};
  out.new_end_point = {edit.line, edit.byte_column + inserted};
  return out;
}

}  // namespace

RawReparseTimes time_raw_reparse(const TSLanguage* grammar, std::string text,
                                 std::span<const TextEdit> warmup,
                                 std::span<const TextEdit> measured, int rounds) {
  Parser parser;
  if (!parser.set_language(grammar)) throw std::runtime_error("tree-sitter refused the grammar");
  RawReparseTimes times;
  const auto start = Clock::now();
  Tree tree = parser.parse(text);
  times.initial_parse_ms = ms_since(start);
  if (!tree) throw std::runtime_error("the initial parse failed");

  const auto step = [&](const TextEdit& edit) {
    apply(text, edit);
    const auto t0 = Clock::now();
    const TSInputEdit ts_edit = input_edit(edit);
    ts_tree_edit(tree.get(), &ts_edit);
    Tree next = parser.parse(text, &tree);
    const double ms = ms_since(t0);
    if (!next) throw std::runtime_error("an incremental parse failed");
    tree = std::move(next);
    return ms;
  };
  for (const TextEdit& edit : warmup)
    step(edit);
  times.edit_ms.reserve(measured.size() * static_cast<std::size_t>(rounds));
  for (int round = 0; round < rounds; ++round) {
    for (const TextEdit& edit : measured)
      times.edit_ms.push_back(step(edit));
  }
  return times;
}

}  // namespace chunkls::bench
