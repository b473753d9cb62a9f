// `chunkls index` names the files it could not chunk and says why: a file that hits the
// time limit is counted as failed in the summary and named on standard error with the
// reason.
#include <gtest/gtest.h>

#include <string>

#include "subprocess.h"
#include "tests/support/temp_dir.h"

namespace chunkls {
namespace {

using testing::run_process;
using testing::TempDir;

// 2.6 MB of Python: no parser on any machine finishes it in 1 ms, so the limit is
// certain to be hit without the test depending on how fast the machine is.
std::string big_python() {
  std::string text;
  for (int i = 0; text.size() < 2'600'000; ++i) {
    text += "def f" + std::to_string(i) + "(a, b):\n    return a + b * " + std::to_string(i) + "\n";
  }
  return text;
}

TEST(IndexFailures, AFileAtTheTimeLimitIsNamedWithItsReason) {
  TempDir tree;
  TempDir cache;
  tree.write("big.py", big_python());
  const auto r =
      run_process({CHUNKLS_BINARY, "index", tree.path().string(), "--cache", cache.path().string(),
                   "--quiet", "--time-limit", "1", "--max-size", "0", "--jobs", "1"});
  EXPECT_NE(r.err.find("big.py: gave up at the time limit while parsing"), std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("1 failed"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace chunkls
