#include "engine/index/shard.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <charconv>
#include <limits>

namespace chunkls {
namespace {

// A whole non-negative decimal number that fits 32 bits, or nothing.
std::optional<std::uint64_t> number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      value > std::numeric_limits<std::uint32_t>::max()) {
    return std::nullopt;
  }
  return value;
}

std::uint64_t required(const EnvironmentLookup& environment, const char* name, const char* why) {
  const char* value = environment(name);
  if (value == nullptr)
    throw ShardError(fmt::format("--shard auto: {} is not set ({})", name, why));
  const std::optional<std::uint64_t> parsed = number(value);
  if (!parsed) throw ShardError(fmt::format("--shard auto: {}={} is not a number", name, value));
  return *parsed;
}

std::uint64_t optional_number(const EnvironmentLookup& environment, const char* name,
                              std::uint64_t otherwise) {
  return environment(name) != nullptr ? required(environment, name, "") : otherwise;
}

Shard checked(std::uint64_t index, std::uint64_t count, std::string_view source) {
  if (count == 0) throw ShardError(fmt::format("{}: the shard count must be at least 1", source));
  if (index >= count) {
    throw ShardError(fmt::format("{}: shard {} of {} does not exist (shards are 0 to {})", source,
                                 index, count, count - 1));
  }
  return Shard{static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(count)};
}

Shard from_scheduler(const EnvironmentLookup& environment) {
  constexpr const char* kCount = "CHUNKLS_SHARD_COUNT";
  if (environment("SLURM_ARRAY_TASK_ID") != nullptr) {
    const std::uint64_t id = required(environment, "SLURM_ARRAY_TASK_ID", "");
    const std::uint64_t min = optional_number(environment, "SLURM_ARRAY_TASK_MIN", 0);
    const std::uint64_t step = optional_number(environment, "SLURM_ARRAY_TASK_STEP", 1);
    const std::uint64_t count =
        required(environment, "SLURM_ARRAY_TASK_COUNT", "a Slurm job array sets it");
    if (id < min || step == 0 || (id - min) % step != 0) {
      throw ShardError(fmt::format(
          "--shard auto: SLURM_ARRAY_TASK_ID={} is not in the array's range (min {}, step {})", id,
          min, step));
    }
    return checked((id - min) / step, count, "--shard auto (Slurm)");
  }
  if (environment("JOB_COMPLETION_INDEX") != nullptr) {
    return checked(required(environment, "JOB_COMPLETION_INDEX", ""),
                   required(environment, kCount, "set it to the Indexed Job's completions"),
                   "--shard auto (Kubernetes)");
  }
  if (environment("PARALLEL_SEQ") != nullptr) {
    const std::uint64_t seq = required(environment, "PARALLEL_SEQ", "");
    if (seq == 0) throw ShardError("--shard auto: PARALLEL_SEQ counts from 1");
    return checked(seq - 1, required(environment, kCount, "set it to the number of jobs"),
                   "--shard auto (GNU parallel)");
  }
  if (environment("CHUNKLS_SHARD_INDEX") != nullptr) {
    return checked(required(environment, "CHUNKLS_SHARD_INDEX", ""),
                   required(environment, kCount, "it goes with CHUNKLS_SHARD_INDEX"),
                   "--shard auto");
  }
  throw ShardError(
      "--shard auto: no scheduler's task index is set (SLURM_ARRAY_TASK_ID, "
      "JOB_COMPLETION_INDEX, PARALLEL_SEQ or CHUNKLS_SHARD_INDEX)");
}

}  // namespace

std::uint32_t shard_of(std::string_view relative, std::uint32_t count) {
  if (count <= 1) return 0;
  return static_cast<std::uint32_t>(XXH3_64bits(relative.data(), relative.size()) % count);
}

std::string to_string(const Shard& shard) {
  return fmt::format("{}/{}", shard.index, shard.count);
}

Shard parse_shard(std::string_view text, const EnvironmentLookup& environment) {
  if (text == "auto") return from_scheduler(environment);
  const std::size_t slash = text.find('/');
  const std::optional<std::uint64_t> index =
      slash == std::string_view::npos ? std::nullopt : number(text.substr(0, slash));
  const std::optional<std::uint64_t> count =
      slash == std::string_view::npos ? std::nullopt : number(text.substr(slash + 1));
  if (!index || !count) {
    throw ShardError(fmt::format("--shard {}: expected K/N (e.g. 0/4) or auto", text));
  }
  return checked(*index, *count, fmt::format("--shard {}", text));
}

}  // namespace chunkls
