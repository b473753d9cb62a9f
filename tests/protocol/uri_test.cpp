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

TEST(Uri, RefusesDotSegmentsDecodedOrNotAndSaysWhy) {
  for (const char* uri :
       {"file:///root/../etc/passwd", "file:///root/%2e%2e/etc/passwd", "file:///root/%2E%2E",
        "file:///root/./a.py", "file:///..", "file://localhost/a/../b"}) {
    const UriPath parsed = parse_file_uri(uri);
    EXPECT_FALSE(parsed.path.has_value()) << uri;
    EXPECT_NE(parsed.problem.find("'..' segment"), std::string::npos) << uri << parsed.problem;
  }
  // Dots inside a name are not segments.
  EXPECT_EQ(file_path_from_uri("file:///a/..b/c../.d/e..py"), "/a/..b/c../.d/e..py");
}

TEST(Uri, ARemoteHostIsRefusedByName) {
  const UriPath parsed = parse_file_uri("file://otherhost/etc/passwd");
  EXPECT_FALSE(parsed.path.has_value());
  EXPECT_NE(parsed.problem.find("remote host (otherhost)"), std::string::npos) << parsed.problem;
  EXPECT_NE(parse_file_uri("https://x/y.py").problem.find("not a file:// URI"), std::string::npos);
}

TEST(Uri, BytesThatAreNotUtf8AndNewlinesRoundTrip) {
  const std::string path = std::string("/d/bad\xff\xfe name\nwith newline.py");
  const std::string uri = file_uri_from_path(path);
  EXPECT_EQ(uri, "file:///d/bad%FF%FE%20name%0Awith%20newline.py");
  EXPECT_EQ(file_path_from_uri(uri), path);
}

TEST(Uri, RoundTripsPaths) {
  for (const char* path : {"/a/b.py", "/with space/x#y?.c", "/漢字/ü.rs"}) {
    EXPECT_EQ(file_path_from_uri(file_uri_from_path(path)), path) << path;
  }
  EXPECT_EQ(file_uri_from_path("/a b"), "file:///a%20b");
}

}  // namespace
}  // namespace chunkls::protocol
