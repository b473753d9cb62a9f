// Lowering a thread's OS priority (nice) for background work: the indexer's walker and
// workers, and through inheritance the threads they start (a store's writer).
//
// A free function on the calling thread; safe from any thread.
#pragma once

namespace chunkls {

// Adds `nice` to the calling thread's niceness (Linux applies a thread id's niceness to
// that thread alone, and threads it creates inherit it). No-op for nice <= 0 or when the
// system refuses.
void lower_this_thread_priority(int nice);

}  // namespace chunkls
