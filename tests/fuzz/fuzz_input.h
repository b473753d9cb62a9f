// FuzzInput: reads the structured values a fuzz target needs (small numbers, lengths,
// byte strings) off the front of libFuzzer's input, and hands out the rest as one
// string. Every target puts its header first and the big payload (a text, a message, a
// rule file) last, so a seed is "header + a real file" and mutating the header leaves
// the payload alone. An input that runs out reads as zeros: every input is valid.
//
// Our own (clang's FuzzedDataProvider is not available to the gcc builds that replay
// the corpora). A view over the input; one target call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chunkls::fuzz {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size)
      : bytes_(reinterpret_cast<const char*>(data), size) {}

  bool empty() const { return bytes_.empty(); }

  std::uint8_t byte() {
    if (bytes_.empty()) return 0;
    const auto b = static_cast<std::uint8_t>(bytes_.front());
    bytes_.remove_prefix(1);
    return b;
  }
  // Two bytes, little-endian.
  std::uint16_t u16() {
    const std::uint16_t low = byte();
    return static_cast<std::uint16_t>(low | (byte() << 8));
  }
  // A number in [0, n); 0 when n is 0.
  std::uint32_t below(std::uint32_t n) { return n == 0 ? 0 : u16() % n; }
  bool flag() { return (byte() & 1) != 0; }
  // Up to `max` bytes, the count read first (one byte).
  std::string_view short_string(std::size_t max = 255) { return take(byte() % (max + 1)); }
  std::string_view take(std::size_t n) {
    const std::string_view out = bytes_.substr(0, n);
    bytes_.remove_prefix(out.size());
    return out;
  }
  std::string_view rest() { return take(bytes_.size()); }

 private:
  std::string_view bytes_;
};

}  // namespace chunkls::fuzz
