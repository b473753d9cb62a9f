#include "engine/cache/content_key.h"

#include <fmt/format.h>
#include <xxhash.h>

namespace chunkls {

std::string ContentKey::hex() const {
  return fmt::format("{:016x}{:016x}", high, low);
}

ContentKey content_key(const Language& language, std::string_view bytes) {
  const XXH128_hash_t hash = XXH3_128bits(bytes.data(), bytes.size());
  return ContentKey{.low = hash.low64, .high = hash.high64, .language = language.identity()};
}

}  // namespace chunkls
