#include "protocol/uri.h"

#include <gtest/gtest.h>

namespace chunkls::protocol {
namespace {

TEST(Uri, DecodesFileUris) {
  EXPECT_EQ(file_path_from_uri("file:///home/me/a%20b.py"), "/home/me/a b.py");
  EXPECT_EQ(file_path_from_uri("FILE:///x"), "/x");
  EXPECT_EQ(file_path_from_uri("file://localhost/etc/hosts"), "/etc/hosts");
  EXPECT_EQ(file_path_from_uri("file:///%E6%BC%A2.c"), "/漢.c");
  EXPECT_EQ(file_path_from_uri("file:///a.py#frag"), "/a.py");
}

TEST(Uri, RejectsWhatIsNotALocalFile) {
  EXPECT_FALSE(file_path_from_uri("untitled:Untitled-1").has_value());
  EXPECT_FALSE(file_path_from_uri("file://server/share/a.py").has_value());
  EXPECT_FALSE(file_path_from_uri("file:///bad%zzescape").has_value());
  EXPECT_FALSE(file_path_from_uri("file:///nul%00byte").has_value());
  EXPECT_FALSE(file_path_from_uri("file:///trailing%2").has_value());
}

TEST(Uri, RoundTripsPaths) {
  for (const char* path : {"/a/b.py", "/with space/x#y?.c", "/漢字/ü.rs"}) {
    EXPECT_EQ(file_path_from_uri(file_uri_from_path(path)), path) << path;
  }
  EXPECT_EQ(file_uri_from_path("/a b"), "file:///a%20b");
}

}  // namespace
}  // namespace chunkls::protocol
