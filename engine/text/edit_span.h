// EditSpan: where a text changed, as one replacement: bytes [start, old_end) of the old
// text became [start, new_end) of the new one, with the tree-sitter points of those
// offsets in each text. Several edits in a row compose into the one span that covers
// them all (then()), so a document can say what changed since its chunks were last
// brought up to date, and what lies outside the span can be moved instead of recomputed
// (shift()), the way ts_tree_edit moves nodes.
//
// A plain value; safe to copy and to read from any thread.
#pragma once

#include <algorithm>
#include <cstdint>

#include "engine/text/text_range.h"

namespace chunkls {

struct EditSpan {
  std::uint32_t start = 0;
  std::uint32_t old_end = 0;
  std::uint32_t new_end = 0;
  Point start_point;
  Point old_end_point;
  Point new_end_point;

  std::int64_t delta() const { return std::int64_t{new_end} - std::int64_t{old_end}; }

  // Where a position of the old text at or after old_end lies in the new text.
  std::uint32_t shift(std::uint32_t old_byte) const {
    return static_cast<std::uint32_t>(std::int64_t{old_byte} + delta());
  }
  Point shift(Point p) const {
    if (p.row == old_end_point.row) {
      return {new_end_point.row, new_end_point.column + (p.column - old_end_point.column)};
    }
    return {p.row + new_end_point.row - old_end_point.row, p.column};
  }
  // Where a position of the new text at or after new_end lies in the old text.
  Point unshift(Point p) const {
    if (p.row == new_end_point.row) {
      return {old_end_point.row, old_end_point.column + (p.column - new_end_point.column)};
    }
    return {p.row - new_end_point.row + old_end_point.row, p.column};
  }
  // A range of the old text: ends at or after old_end move, starts before start stay.
  // (A range edge inside the span has no place in the new text; callers never ask.)
  void shift(TextRange& r) const {
    if (r.start_byte >= old_end) {
      r.start_byte = shift(r.start_byte);
      r.start = shift(r.start);
    }
    if (r.end_byte >= old_end) {
      r.end_byte = shift(r.end_byte);
      r.end = shift(r.end);
    }
  }

  // This span followed by `next`, whose offsets are in this span's new text.
  EditSpan then(const EditSpan& next) const {
    EditSpan out;
    out.start = std::min(start, next.start);
    out.start_point = next.start < start ? next.start_point : start_point;
    if (next.old_end <= new_end) {
      // `next` ends inside (or before the end of) what this span wrote.
      out.old_end = old_end;
      out.old_end_point = old_end_point;
      out.new_end = static_cast<std::uint32_t>(std::int64_t{new_end} + next.delta());
      out.new_end_point = next.shift(new_end_point);
    } else {
      // `next` reaches past it: its old end lies in the text this span did not touch.
      out.old_end = static_cast<std::uint32_t>(std::int64_t{next.old_end} - delta());
      out.old_end_point = unshift(next.old_end_point);
      out.new_end = next.new_end;
      out.new_end_point = next.new_end_point;
    }
    return out;
  }

  friend bool operator==(const EditSpan&, const EditSpan&) = default;
};

}  // namespace chunkls
