// JsonWriter: a small streaming JSON writer for the server's answers, which are large
// (thousands of symbols and folds) and written on every keystroke: it appends to one
// string with no intermediate tree.
//
// Strings are escaped per RFC 8259; invalid UTF-8 in them becomes U+FFFD, so the output
// is always valid JSON. Commas are placed by the writer. One writer per answer, used by
// one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chunkls::protocol {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(std::uint32_t number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(bool flag);
  // Rounded to three decimals (milliseconds to the microsecond); not finite: null.
  JsonWriter& value(double number);
  JsonWriter& null();
  // Inserts already-serialized JSON as one value.
  JsonWriter& raw(std::string_view json);

  // Room for `bytes` more, so a large answer grows its buffer once.
  void reserve(std::size_t bytes) { out_.reserve(out_.size() + bytes); }
  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();

  std::string out_;
  std::vector<bool> has_items_;  // per open container: whether a comma is due
  bool after_key_ = false;
};

// Appends `text` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view text);

}  // namespace chunkls::protocol
