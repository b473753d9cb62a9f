// ContentKey: what the content-addressed cache levels are keyed by: xxh3-128 of a text's
// bytes and the identity of the language that reads it (Language::identity(): grammar
// name, ABI, version and tables, and our query text). A reverted, copied or moved file
// has the same key; a grammar or query change makes every old key a miss.
//
// A value type; hashing is pure.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "engine/syntax/language.h"

namespace chunkls {

struct ContentKey {
  std::uint64_t low = 0;  // xxh3-128 of the bytes
  std::uint64_t high = 0;
  std::uint64_t language = 0;  // Language::identity()
  friend bool operator==(const ContentKey&, const ContentKey&) = default;
  // 32 hex digits of the content hash (for logs and stores).
  std::string hex() const;
};

ContentKey content_key(const Language& language, std::string_view bytes);

struct ContentKeyHash {
  std::size_t operator()(const ContentKey& key) const noexcept {
    return static_cast<std::size_t>(key.low ^ (key.language * 0x9E3779B97F4A7C15ull));
  }
};

}  // namespace chunkls
