// WorkHold and Deadline::yielding_to: a held check blocks and then goes on, the wait is
// not counted against the time limit, a raised flag or close() ends the wait, and a parse
// held midway gives the same tree as one never held. Every wait here ends on an event the
// test causes (a release, a flag, close); nothing waits for the machine to be slow.
#include "engine/syntax/work_hold.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <future>
#include <string>
#include <thread>

#include "engine/syntax/deadline.h"
#include "engine/syntax/language_registry.h"
#include "engine/syntax/ts_handles.h"

namespace chunkls {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

// Until `hold` has `count` waiters (each wait is the thread under test reaching a check).
void await_waiters(const WorkHold& hold, std::uint64_t count) {
  while (hold.waiting() < count)
    std::this_thread::sleep_for(milliseconds(1));
}

std::shared_ptr<WorkHold> held_for_an_hour() {
  auto hold = std::make_shared<WorkHold>();
  hold->hold_until(WorkHold::Clock::now() + hours(1));
  return hold;
}

std::string sexp(const Tree& tree) {
  const std::unique_ptr<char, decltype(&std::free)> s(ts_node_string(tree.root()), &std::free);
  return s.get();
}

TEST(WorkHold, AnUnheldCheckDoesNotWait) {
  auto hold = std::make_shared<WorkHold>();
  const Deadline deadline = Deadline::never().yielding_to(hold);
  EXPECT_FALSE(deadline.is_never());  // it may pause, so the parser must check it
  EXPECT_FALSE(deadline.expired());
  EXPECT_EQ(hold->pauses(), 0u);
  EXPECT_EQ(deadline.paused(), WorkHold::Clock::duration::zero());
}

TEST(WorkHold, AHeldCheckWaitsAndTheWaitIsNotCountedAgainstTheLimit) {
  const auto hold = held_for_an_hour();
  const Deadline deadline = Deadline::after(milliseconds(1000)).yielding_to(hold);
  auto expired = std::async(std::launch::async, [&] { return deadline.expired(); });
  await_waiters(*hold, 1);
  // Held past the whole time limit: counted, the check would now say expired.
  std::this_thread::sleep_for(milliseconds(1500));
  hold->release();
  EXPECT_FALSE(expired.get());
  EXPECT_GE(deadline.paused(), milliseconds(1500));
  EXPECT_EQ(hold->pauses(), 1u);
  EXPECT_EQ(hold->waiting(), 0u);
}

TEST(WorkHold, ARaisedFlagEndsTheWait) {
  const auto hold = held_for_an_hour();
  const auto flag = std::make_shared<std::atomic<bool>>(false);
  const Deadline deadline = Deadline::never().or_when(flag).yielding_to(hold);
  auto expired = std::async(std::launch::async, [&] { return deadline.expired(); });
  await_waiters(*hold, 1);
  flag->store(true);  // no notify: the waiter polls its flags
  EXPECT_TRUE(expired.get());
  EXPECT_TRUE(hold->held());
}

TEST(WorkHold, CloseReleasesEveryWaiterForGood) {
  const auto hold = held_for_an_hour();
  const Deadline deadline = Deadline::never().yielding_to(hold);
  auto first = std::async(std::launch::async, [&] { return deadline.expired(); });
  auto second = std::async(std::launch::async, [&] { return deadline.expired(); });
  await_waiters(*hold, 2);
  hold->close();
  EXPECT_FALSE(first.get());
  EXPECT_FALSE(second.get());
  hold->hold_until(WorkHold::Clock::now() + hours(1));
  EXPECT_FALSE(hold->held());
}

TEST(WorkHold, AnEarlierHoldReleasesAtOnce) {
  const auto hold = held_for_an_hour();
  const Deadline deadline = Deadline::never().yielding_to(hold);
  auto expired = std::async(std::launch::async, [&] { return deadline.expired(); });
  await_waiters(*hold, 1);
  hold->hold_until(WorkHold::Clock::now() - milliseconds(1));
  EXPECT_FALSE(expired.get());
}

TEST(WorkHold, AParseHeldMidwayGoesOnToTheSameTree) {
  const LanguageRegistry languages = LanguageRegistry::with_builtins();
  const Language* python = languages.find("python");
  ASSERT_NE(python, nullptr);
  std::string text;
  for (int i = 0; i < 400; ++i)
    text += "def f" + std::to_string(i) + "(a, b):\n    return a + b * " + std::to_string(i) + "\n";
  Parser plain;
  ASSERT_TRUE(plain.set_language(python->grammar()));
  const Tree expected = plain.parse(text);

  const auto hold = held_for_an_hour();
  Parser held;
  ASSERT_TRUE(held.set_language(python->grammar()));
  const Deadline deadline = Deadline::after(milliseconds(10000)).yielding_to(hold);
  auto tree = std::async(std::launch::async, [&] { return held.parse(text, nullptr, deadline); });
  await_waiters(*hold, 1);  // inside tree-sitter's progress callback, part way through
  hold->release();
  const Tree got = tree.get();
  ASSERT_TRUE(got);
  EXPECT_EQ(sexp(got), sexp(expected));
  EXPECT_EQ(hold->pauses(), 1u);
}

}  // namespace
}  // namespace chunkls
