#include "engine/index/symbols/symbol_index.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace chunkls {
namespace {

// A file's chunk list, in pre-order: each chunk on its own row, its name at column 4.
class Chunks {
 public:
  // Returns the new chunk's index, for children to name as their parent.
  std::int32_t add(std::string name, ChunkKind kind = ChunkKind::kFunction,
                   std::int32_t parent = -1) {
    Chunk chunk;
    chunk.kind = kind;
    chunk.parent = parent;
    chunk.depth = parent < 0 ? 0 : list_[static_cast<std::size_t>(parent)].depth + 1;
    const auto row = static_cast<std::uint32_t>(list_.size());
    const auto name_bytes = static_cast<std::uint32_t>(name.size());
    chunk.range = {row * 100, row * 100 + 50 + name_bytes, {row, 0}, {row + 1, 1}};
    chunk.selection = {row * 100 + 4, row * 100 + 4 + name_bytes, {row, 4}, {row, 4 + name_bytes}};
    chunk.definition = chunk.range;
    chunk.name = std::move(name);
    list_.push_back(std::move(chunk));
    return static_cast<std::int32_t>(list_.size() - 1);
  }
  const std::vector<Chunk>& list() const { return list_; }

 private:
  std::vector<Chunk> list_;
};

std::vector<Chunk> functions(const std::vector<std::string>& names) {
  Chunks chunks;
  for (const std::string& name : names)
    chunks.add(name);
  return chunks.list();
}

SymbolSearch query(std::string text, std::size_t limit = 100) {
  SymbolSearch out;
  out.query = std::move(text);
  out.limit = limit;
  return out;
}

std::vector<std::string> names(const std::vector<SymbolMatch>& matches) {
  std::vector<std::string> out;
  for (const SymbolMatch& match : matches)
    out.push_back(match.name);
  return out;
}

// "path:name" of each match.
std::vector<std::string> located(const std::vector<SymbolMatch>& matches) {
  std::vector<std::string> out;
  for (const SymbolMatch& match : matches)
    out.push_back(match.path + ":" + match.name);
  return out;
}

using Names = std::vector<std::string>;

TEST(SymbolIndexTest, TiersRankExactThenPrefixThenWordStartsThenSubsequence) {
  SymbolIndex index;
  // "paredArray" and "arena" hold "area" only as a scattered subsequence; "bareas"
  // holds it inside a word, which is no word start.
  index.replace("/w/a.c", functions({"paredArray", "total_area", "areaSum", "area", "arena", "Area",
                                     "bareas", "totalArea", "zebra", "are"}));
  EXPECT_EQ(names(index.search(query("area"))),
            (Names{"area", "Area", "areaSum", "totalArea", "total_area", "arena", "bareas",
                   "paredArray"}));
}

TEST(SymbolIndexTest, ScoresFallWithTheTiers) {
  SymbolIndex index;
  index.replace("/w/a.c", functions({"area", "areaSum", "totalArea", "bareas"}));
  const std::vector<SymbolMatch> found = index.search(query("area"));
  ASSERT_EQ(found.size(), 4u);
  for (std::size_t i = 1; i < found.size(); ++i)
    EXPECT_GT(found[i - 1].score, found[i].score) << found[i].name;
}

TEST(SymbolIndexTest, MatchingIgnoresCaseButPrefersTheExactCase) {
  SymbolIndex index;
  index.replace("/w/a.c", functions({"parseheader", "PARSEHEADER", "ParseHeader", "parseHeader"}));
  EXPECT_EQ(names(index.search(query("parseHeader"))),
            (Names{"parseHeader", "parseheader", "PARSEHEADER", "ParseHeader"}));
  EXPECT_EQ(names(index.search(query("PARSEheader"))),
            (Names{"parseheader", "PARSEHEADER", "ParseHeader", "parseHeader"}));
  EXPECT_EQ(names(index.search(query("ParseHeader")))[0], "ParseHeader");
}

TEST(SymbolIndexTest, PreferredFilesThenThePreferredDirectoryBreakTies) {
  SymbolIndex index;
  for (const std::string path :
       {"/w/a.c", "/w/src/b.c", "/w/src/sub/c.c", "/w/srcx/d.c", "/w/z.c"}) {
    index.replace(path, functions({"init"}));
  }
  SymbolSearch search = query("init");
  search.preferred_files = {"/w/z.c", "/w/not-indexed.c"};
  search.preferred_directory = "/w/src/";
  EXPECT_EQ(located(index.search(search)),
            (Names{"/w/z.c:init", "/w/src/b.c:init", "/w/src/sub/c.c:init", "/w/a.c:init",
                   "/w/srcx/d.c:init"}));
  search.preferred_directory = "/w/src";  // the same without the slash
  EXPECT_EQ(located(index.search(search))[1], "/w/src/b.c:init");
}

TEST(SymbolIndexTest, PreferenceNeverBeatsABetterTier) {
  SymbolIndex index;
  index.replace("/w/open.c", functions({"initialize"}));
  index.replace("/w/other/x.c", functions({"init"}));
  SymbolSearch search = query("init");
  search.preferred_files = {"/w/open.c"};
  search.preferred_directory = "/w";
  EXPECT_EQ(names(index.search(search)), (Names{"init", "initialize"}));
}

TEST(SymbolIndexTest, ShorterNamesFirstWithinATier) {
  SymbolIndex index;
  index.replace("/w/a.c", functions({"get_value_or_default", "get_value", "get_values"}));
  EXPECT_EQ(names(index.search(query("get_v"))),
            (Names{"get_value", "get_values", "get_value_or_default"}));
}

TEST(SymbolIndexTest, TiesAreOrderedByPathThenPosition) {
  SymbolIndex index;
  index.replace("/w/b.c", functions({"run", "run"}));
  index.replace("/w/a.c", functions({"run"}));
  const std::vector<SymbolMatch> found = index.search(query("run"));
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].path, "/w/a.c");
  EXPECT_EQ(found[1].path, "/w/b.c");
  EXPECT_EQ(found[1].range.start.row, 0u);
  EXPECT_EQ(found[2].range.start.row, 1u);
}

TEST(SymbolIndexTest, OrderDoesNotDependOnInsertionOrderOrTheLimit) {
  std::vector<std::string> paths;
  for (int i = 0; i < 40; ++i)
    paths.push_back("/w/f" + std::to_string(i * 7 % 40) + ".c");
  SymbolIndex forward;
  SymbolIndex backward;
  for (const std::string& path : paths)
    forward.replace(path, functions({"parse", "parser", "parse_all", "do_parse", "pars"}));
  for (auto it = paths.rbegin(); it != paths.rend(); ++it)
    backward.replace(*it, functions({"pars", "do_parse", "parse_all", "parser", "parse"}));
  // The same symbols at other positions: compare names and paths.
  const Names all = located(forward.search(query("prs", 0)));
  ASSERT_EQ(all.size(), 200u);
  EXPECT_EQ(all, located(backward.search(query("prs", 0))));
  // Each bounded answer is the head of the whole ranking.
  for (const std::size_t limit : {1u, 7u, 50u, 199u}) {
    EXPECT_EQ(located(forward.search(query("prs", limit))),
              Names(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(limit)));
  }
}

TEST(SymbolIndexTest, WordStartsInCamelCaseAndSnakeCase) {
  SymbolIndex index;
  // Each word-start match is ranked before a shorter name that holds the query only
  // as a subsequence: a tier apart.
  index.replace("/w/a.c", functions({"getSymbolInfo", "gossip", "ts_tree_edit", "t_s_tree",
                                     "tsx_tree", "HTTPServer", "hasp", "utf8String", "u8s_x"}));
  EXPECT_EQ(names(index.search(query("gsi"))), (Names{"getSymbolInfo", "gossip"}));
  // "t_s_tree" matches word by word; "tsx_tree" only as a subsequence.
  EXPECT_EQ(names(index.search(query("ts_tree"))), (Names{"ts_tree_edit", "t_s_tree", "tsx_tree"}));
  EXPECT_EQ(names(index.search(query("tree_edit"))), (Names{"ts_tree_edit"}));
  EXPECT_EQ(names(index.search(query("symbolinfo"))), (Names{"getSymbolInfo"}));
  EXPECT_EQ(names(index.search(query("hs"))), (Names{"HTTPServer", "hasp"}));
  EXPECT_EQ(names(index.search(query("u8s"))), (Names{"u8s_x", "utf8String"}));
  EXPECT_EQ(names(index.search(query("8str"))), (Names{"utf8String"}));
}

TEST(SymbolIndexTest, WordStartMatchingBacktracks) {
  SymbolIndex index;
  // A greedy match takes "a" at 0 and "b" at 2 and then finds no "c"; the words at the
  // end match. "a_b_x_abc" must still rank as a word-start match, above "axbxc".
  index.replace("/w/a.c", functions({"a_b_x_abc", "axbxc"}));
  EXPECT_EQ(names(index.search(query("abc"))), (Names{"a_b_x_abc", "axbxc"}));
}

TEST(SymbolIndexTest, AQueryThatMatchesNothingFindsNothing) {
  SymbolIndex index;
  index.replace("/w/a.c", functions({"alpha", "beta", "gamma"}));
  EXPECT_TRUE(index.search(query("zq")).empty());
  EXPECT_TRUE(index.search(query("ahpla")).empty());  // the letters, out of order
  EXPECT_TRUE(index.search(query("alphabet")).empty());
  EXPECT_TRUE(SymbolIndex().search(query("alpha")).empty());
}

TEST(SymbolIndexTest, TheLimitIsHonouredAndZeroMeansNone) {
  SymbolIndex index;
  std::vector<std::string> many;
  for (int i = 0; i < 300; ++i)
    many.push_back("handler" + std::to_string(i));
  index.replace("/w/a.c", functions(many));
  EXPECT_EQ(index.search(query("handler", 10)).size(), 10u);
  EXPECT_EQ(index.search(query("handler")).size(), 100u);
  EXPECT_EQ(index.search(query("handler", 0)).size(), 300u);
  // The shortest first: handler0 .. handler9 are the ten shortest.
  std::vector<std::string> ten = names(index.search(query("handler", 10)));
  std::sort(ten.begin(), ten.end());
  EXPECT_EQ(ten.front(), "handler0");
  EXPECT_EQ(ten.back(), "handler9");
}

std::vector<Chunk> shapes() {
  Chunks chunks;
  chunks.add("area");  // a free function
  const std::int32_t shape = chunks.add("Shape", ChunkKind::kClass);
  chunks.add("area", ChunkKind::kMethod, shape);
  chunks.add("perimeter", ChunkKind::kMethod, shape);
  const std::int32_t circle = chunks.add("Circle", ChunkKind::kClass);
  chunks.add("area", ChunkKind::kMethod, circle);
  return chunks.list();
}

TEST(SymbolIndexTest, QualifiedQueriesMatchTheContainer) {
  SymbolIndex index;
  index.replace("/w/shapes.py", shapes());
  const std::vector<SymbolMatch> found = index.search(query("Shape.area"));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].name, "area");
  EXPECT_EQ(found[0].container, "Shape");
  EXPECT_EQ(found[0].kind, ChunkKind::kMethod);
  EXPECT_EQ(found[0].range.start.row, 2u);

  EXPECT_EQ(located(index.search(query("Shape::area"))), located(found));
  EXPECT_EQ(located(index.search(query("sh.ar"))), located(found));
  EXPECT_EQ(located(index.search(query("  shape.AREA "))), located(found));
  EXPECT_TRUE(index.search(query("Square.area")).empty());
  EXPECT_EQ(index.search(query("area")).size(), 3u);  // unqualified: all three
  // A trailing dot: every member of the container.
  EXPECT_EQ(names(index.search(query("Shape."))), (Names{"area", "perimeter"}));
  // Each dot of the container query stands for one in the container's qualified name:
  // "Circle" is one name, not two.
  EXPECT_TRUE(index.search(query("c.e.area")).empty());
}

TEST(SymbolIndexTest, ContainersAreBuiltFromParentLinks) {
  SymbolIndex index;
  Chunks chunks;
  const std::int32_t ns = chunks.add("net", ChunkKind::kNamespace);
  const std::int32_t outer = chunks.add("Outer", ChunkKind::kClass, ns);
  const std::int32_t inner = chunks.add("Inner", ChunkKind::kStruct, outer);
  chunks.add("deep", ChunkKind::kMethod, inner);
  chunks.add("shallow", ChunkKind::kMethod, outer);
  index.replace("/w/net.cpp", chunks.list());

  const std::vector<SymbolMatch> deep = index.search(query("deep"));
  ASSERT_EQ(deep.size(), 1u);
  EXPECT_EQ(deep[0].container, "net.Outer.Inner");
  EXPECT_EQ(index.search(query("shallow"))[0].container, "net.Outer");
  EXPECT_EQ(index.search(query("Inner"))[0].container, "net.Outer");
  EXPECT_EQ(index.search(query("net"))[0].container, "");
  EXPECT_EQ(index.search(query("net::Inner::deep")).size(), 1u);
  EXPECT_EQ(index.search(query("outer.deep")).size(), 1u);
  EXPECT_EQ(index.search(query("n.in.dp")).size(), 1u);  // fuzzy, parts in order
  EXPECT_TRUE(index.search(query("inner.outer.deep")).empty());
  EXPECT_TRUE(index.search(query("Inner.shallow")).empty());
}

TEST(SymbolIndexTest, BrokenParentLinksAreFiledAtTopLevel) {
  std::vector<Chunk> chunks = functions({"first", "second", "third"});
  chunks[0].parent = 2;   // points forward
  chunks[1].parent = 1;   // points at itself
  chunks[2].parent = 99;  // points nowhere
  SymbolIndex index;
  index.replace("/w/a.c", chunks);
  for (const SymbolMatch& match : index.search(query("i", 0)))
    EXPECT_EQ(match.container, "") << match.name;
  EXPECT_EQ(index.search(query("", 0)).size(), 0u);
}

TEST(SymbolIndexTest, PositionsAndKindsRoundTrip) {
  Chunk chunk;
  chunk.name = "odd";
  chunk.kind = ChunkKind::kConstant;
  chunk.range = {4000000000u, 4294967295u, {123456789, 7}, {123456799, 0}};
  // A selection outside its range: kept as given, whatever it is.
  chunk.selection = {5, 3, {2, 900000}, {1, 1}};
  SymbolIndex index;
  index.replace("/w/a.json", {chunk});
  const std::vector<SymbolMatch> found = index.search(query("odd"));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].range, (SymbolRange{chunk.range.start, chunk.range.end}));
  EXPECT_EQ(found[0].selection, (SymbolRange{chunk.selection.start, chunk.selection.end}));
  EXPECT_EQ(found[0].kind, ChunkKind::kConstant);
  EXPECT_EQ(found[0].path, "/w/a.json");
}

// Everything a search can say of every symbol, in a fixed order.
std::vector<std::string> everything(const SymbolIndex& index) {
  std::vector<std::string> out;
  for (const char* q : {"", "a", "e", "i", "o", "n", "t", "r", "s"}) {
    SymbolSearch search = query(q, 0);
    search.preferred_files = {"/w/a.py", "/w/b.py"};
    for (const SymbolMatch& m : index.search(search)) {
      out.push_back(fmt::format("{}|{}|{}|{}|{},{},{},{}|{},{},{},{}|{}", m.path, m.name,
                                m.container, static_cast<int>(m.kind), m.range.start.row,
                                m.range.start.column, m.range.end.row, m.range.end.column,
                                m.selection.start.row, m.selection.start.column,
                                m.selection.end.row, m.selection.end.column, m.score));
    }
  }
  return out;
}

// A warm start loads the stored encoding: it must search exactly like the chunks it was
// made from, odd positions, long and UTF-8 names and broken parent links included.
TEST(SymbolIndexTest, EncodedSymbolsSearchLikeTheirChunks) {
  std::vector<Chunk> a = shapes();
  Chunks more;
  const std::int32_t ns = more.add("net", ChunkKind::kNamespace);
  more.add(std::string(300, 'x') + "tail", ChunkKind::kFunction, ns);
  more.add("naïve_état", ChunkKind::kMethod, ns);
  std::vector<Chunk> b = more.list();
  b[0].range = {4000000000u, 4294967295u, {123456789, 7}, {123456799, 0}};
  b[2].parent = 7;  // points nowhere: top level
  SymbolIndex from_chunks;
  SymbolIndex from_bytes;
  from_chunks.replace("/w/a.py", a);
  from_chunks.replace("/w/b.py", b);
  from_chunks.replace("/w/empty.py", {});
  EXPECT_TRUE(from_bytes.replace_encoded("/w/a.py", SymbolIndex::encode(a)));
  EXPECT_TRUE(from_bytes.replace_encoded("/w/b.py", SymbolIndex::encode(b)));
  EXPECT_TRUE(from_bytes.replace_encoded("/w/empty.py", SymbolIndex::encode({})));
  EXPECT_EQ(everything(from_bytes), everything(from_chunks));
  EXPECT_GT(everything(from_bytes).size(), 20u);
  EXPECT_EQ(from_bytes.stats().symbols, from_chunks.stats().symbols);
  EXPECT_EQ(from_bytes.stats().memory_bytes, from_chunks.stats().memory_bytes);
}

// Stored bytes are checked, never trusted: every cut and every flipped byte either
// reads as a well-formed list (which searches without harm) or is refused and changes
// nothing. Under the sanitizers this also proves no read strays out of the bytes.
TEST(SymbolIndexTest, DamagedEncodingsAreRefused) {
  std::vector<Chunk> chunks = shapes();
  chunks[1].name = std::string(400, 'L');  // a name length of two varint bytes
  const std::string encoded = SymbolIndex::encode(chunks);
  SymbolIndex index;
  index.replace("/w/keep.py", functions({"kept"}));
  std::size_t refused = 0;
  for (std::size_t cut = 0; cut < encoded.size(); ++cut) {
    EXPECT_FALSE(index.replace_encoded("/w/keep.py", encoded.substr(0, cut))) << cut;
  }
  std::mt19937 random(7);
  for (std::size_t at = 0; at < encoded.size(); ++at) {
    const unsigned values[] = {0x00, 0x7F, 0x80, 0xFF, static_cast<unsigned>(random() & 0xFF)};
    for (const unsigned value : values) {
      std::string damaged = encoded;
      damaged[at] = static_cast<char>(value);
      if (index.replace_encoded("/w/other.py", damaged)) {
        (void)index.search(query("a", 0));
        (void)index.search(query("", 0));
      } else {
        ++refused;
      }
    }
  }
  EXPECT_GT(refused, 200u);  // of 5 × 523 (most bytes are name bytes, any of which reads)
  EXPECT_FALSE(index.replace_encoded("/w/keep.py", encoded + "x"));  // bytes left over
  EXPECT_FALSE(index.replace_encoded("/w/keep.py", ""));
  EXPECT_EQ(names(index.search(query("kept"))), (Names{"kept"}));
}

// JSON's keys are data: document symbols and chunks, never workspace symbols. What
// nests in them (nothing in JSON; a made-up list here) files under the nearest symbol.
TEST(SymbolIndexTest, KeysAreNotWorkspaceSymbols) {
  Chunks chunks;
  const std::int32_t config = chunks.add("config", ChunkKind::kObject);
  const std::int32_t key = chunks.add("name", ChunkKind::kKey, config);
  const std::int32_t inner = chunks.add("inner", ChunkKind::kKey, key);
  chunks.add("method", ChunkKind::kMethod, inner);
  chunks.add("top_key", ChunkKind::kKey);
  const std::int32_t orphan_parent = chunks.add("k", ChunkKind::kKey);
  chunks.add("orphan", ChunkKind::kFunction, orphan_parent);
  SymbolIndex index;
  index.replace("/w/a.json", chunks.list());
  EXPECT_EQ(index.stats().symbols, 3u);
  EXPECT_TRUE(index.search(query("name")).empty());
  EXPECT_TRUE(index.search(query("top_key")).empty());
  const std::vector<SymbolMatch> method = index.search(query("method"));
  ASSERT_EQ(method.size(), 1u);
  EXPECT_EQ(method[0].container, "config");
  EXPECT_EQ(method[0].range.start.row, 3u);
  EXPECT_EQ(index.search(query("orphan")).at(0).container, "");
  SymbolIndex decoded;
  ASSERT_TRUE(decoded.replace_encoded("/w/a.json", SymbolIndex::encode(chunks.list())));
  EXPECT_EQ(everything(decoded), everything(index));
}

TEST(SymbolIndexTest, ReplaceRemoveClearContainsAndStats) {
  SymbolIndex index;
  EXPECT_FALSE(index.contains("/w/a.c"));
  index.replace("/w/a.c", functions({"old_one", "old_two"}));
  index.replace("/w/b.c", functions({"keep"}));
  EXPECT_TRUE(index.contains("/w/a.c"));
  EXPECT_EQ(index.stats().files, 2u);
  EXPECT_EQ(index.stats().symbols, 3u);

  index.replace("/w/a.c", functions({"new_one"}));
  EXPECT_TRUE(index.search(query("old")).empty());
  EXPECT_EQ(index.search(query("new_one")).size(), 1u);
  EXPECT_EQ(index.stats().files, 2u);
  EXPECT_EQ(index.stats().symbols, 2u);

  index.replace("/w/c.c", {});  // indexed, with no symbols
  EXPECT_TRUE(index.contains("/w/c.c"));
  EXPECT_EQ(index.stats().files, 3u);

  index.remove("/w/a.c");
  index.remove("/w/never.c");
  EXPECT_FALSE(index.contains("/w/a.c"));
  EXPECT_TRUE(index.contains("/w/b.c"));
  EXPECT_TRUE(index.contains("/w/c.c"));  // moved into the removed slot
  EXPECT_TRUE(index.search(query("new_one")).empty());
  EXPECT_EQ(index.search(query("keep")).size(), 1u);
  EXPECT_EQ(index.stats().files, 2u);
  EXPECT_EQ(index.stats().symbols, 1u);

  index.clear();
  EXPECT_FALSE(index.contains("/w/b.c"));
  EXPECT_TRUE(index.search(query("keep")).empty());
  EXPECT_EQ(index.stats().files, 0u);
  EXPECT_EQ(index.stats().symbols, 0u);
  index.replace("/w/b.c", functions({"again"}));
  EXPECT_EQ(index.search(query("again")).size(), 1u);
}

TEST(SymbolIndexTest, MemoryIsCountedAndCompact) {
  SymbolIndex index;
  EXPECT_LT(index.stats().memory_bytes, 256u);
  std::vector<std::string> many;
  std::uint64_t name_bytes = 0;
  for (int i = 0; i < 10000; ++i) {
    many.push_back("driver_probe_function_" + std::to_string(i));
    name_bytes += many.back().size();
  }
  index.replace("/w/drivers/big.c", functions(many));
  const std::uint64_t full = index.stats().memory_bytes;
  EXPECT_GT(full, name_bytes + 10000 * 20);  // at least the names, masks and entries
  EXPECT_LT(full, name_bytes + 10000 * 64);
  index.replace("/w/drivers/big.c", functions({"one"}));
  EXPECT_LT(index.stats().memory_bytes, full / 100);
  index.remove("/w/drivers/big.c");
  EXPECT_LT(index.stats().memory_bytes, 256u);
}

TEST(SymbolIndexTest, EmptyQueryListsPreferredFilesThenTopLevelOfTheDirectory) {
  SymbolIndex index;
  Chunks open;
  const std::int32_t widget = open.add("Widget", ChunkKind::kClass);
  open.add("draw", ChunkKind::kMethod, widget);
  open.add("helper");
  index.replace("/w/ui/widget.cpp", open.list());
  Chunks nearby;
  const std::int32_t button = nearby.add("Button", ChunkKind::kClass);
  nearby.add("press", ChunkKind::kMethod, button);
  index.replace("/w/ui/button.cpp", nearby.list());
  index.replace("/w/ui/deep/label.cpp", functions({"label"}));
  index.replace("/w/core/engine.cpp", functions({"engine"}));

  SymbolSearch search = query("");
  EXPECT_TRUE(index.search(search).empty());  // nothing preferred: nothing at all
  search.preferred_files = {"/w/ui/widget.cpp"};
  EXPECT_EQ(names(index.search(search)), (Names{"Widget", "draw", "helper"}));
  search.preferred_directory = "/w/ui";
  EXPECT_EQ(names(index.search(search)), (Names{"Widget", "draw", "helper", "Button", "label"}));
  search.query = "   ";
  EXPECT_EQ(index.search(search).size(), 5u);
  search.limit = 4;
  EXPECT_EQ(names(index.search(search)), (Names{"Widget", "draw", "helper", "Button"}));
  search.limit = 2;
  EXPECT_EQ(names(index.search(search)), (Names{"Widget", "draw"}));
  search.preferred_files.clear();
  search.limit = 0;
  EXPECT_EQ(names(index.search(search)), (Names{"Button", "label", "Widget", "helper"}));
}

TEST(SymbolIndexTest, Utf8NamesFoldAsciiOnly) {
  SymbolIndex index;
  index.replace("/w/a.py",
                functions({"größe", "Größe", "x_日本語", "日本", "naïve_sort", "naive"}));
  // ASCII letters fold; "ö" and "ß" compare exactly.
  EXPECT_EQ(names(index.search(query("GRöße"))), (Names{"größe", "Größe"}));
  EXPECT_EQ(names(index.search(query("Größe"))), (Names{"Größe", "größe"}));
  EXPECT_TRUE(index.search(query("grÖße")).empty());  // 'Ö' is no 'ö'
  EXPECT_TRUE(index.search(query("grosse")).empty());
  // A word after '_' starts at a multi-byte character.
  EXPECT_EQ(names(index.search(query("日本"))), (Names{"日本", "x_日本語"}));
  EXPECT_EQ(names(index.search(query("ïs"))), (Names{"naïve_sort"}));
  EXPECT_EQ(names(index.search(query("naive"))), (Names{"naive"}));
  EXPECT_EQ(names(index.search(query("nave"))), (Names{"naive", "naïve_sort"}));
}

TEST(SymbolIndexTest, LongNamesRankByTheirWholeLength) {
  // The filters keep lengths up to 255; longer names still rank by their true length.
  const std::string base = "zz_" + std::string(250, 'a');
  SymbolIndex index;
  index.replace("/w/a.c", functions({base + std::string(50, 'b'), base + std::string(10, 'b'),
                                     base + "b", "zz_short"}));
  const std::vector<SymbolMatch> found = index.search(query("zz_"));
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].name, "zz_short");
  EXPECT_EQ(found[1].name.size(), 254u);
  EXPECT_EQ(found[2].name.size(), 263u);
  EXPECT_EQ(found[3].name.size(), 303u);
  EXPECT_EQ(index.search(query(base + std::string(50, 'B')))[0].name.size(), 303u);
}

TEST(SymbolIndexTest, BetterHitsLaterInTheScanStillWin) {
  // Many early files fill the results with weaker matches; the best ones come last
  // (paths sort after them), so every bound the search prunes with is tested.
  SymbolIndex index;
  for (int f = 0; f < 60; ++f) {
    index.replace("/w/a" + std::to_string(100 + f) + ".c",
                  functions({"xinit_" + std::to_string(f), "do_init_things_" + std::to_string(f),
                             "initialize_everything_" + std::to_string(f)}));
  }
  index.replace("/w/z1.c", functions({"init_z"}));
  index.replace("/w/z2.c", functions({"Init"}));
  index.replace("/w/z3.c", functions({"init"}));
  index.replace("/w/z4.c", functions({"my_init"}));
  const std::vector<SymbolMatch> found = index.search(query("init", 5));
  EXPECT_EQ(names(found), (Names{"init", "Init", "init_z", "initialize_everything_0",
                                 "initialize_everything_1"}));
  SymbolIndex words;
  for (int f = 0; f < 60; ++f)
    words.replace("/w/a" + std::to_string(100 + f) + ".c", functions({"get_long_symbol_info"}));
  words.replace("/w/z.c", functions({"getSymInfo", "gossip"}));
  EXPECT_EQ(names(words.search(query("gsi", 2))), (Names{"getSymInfo", "get_long_symbol_info"}));
}

TEST(SymbolIndexTest, ChurnKeepsResultsAndMemoryInCheck) {
  // Replacing and removing files again and again leaves dead search keys behind until
  // they are compacted; the answers must stay those of a fresh index.
  std::mt19937 random(7);
  SymbolIndex churned;
  std::vector<std::vector<std::string>> contents(30);
  for (int round = 0; round < 600; ++round) {
    const std::size_t f = random() % contents.size();
    const std::string path = "/w/f" + std::to_string(f) + ".c";
    if (random() % 5 == 0) {
      churned.remove(path);
      contents[f].clear();
      continue;
    }
    std::vector<std::string> names_now;
    for (std::uint32_t i = 0, n = random() % 40; i < n; ++i)
      names_now.push_back("sym" + std::to_string(random() % 500) + "_r" + std::to_string(round));
    churned.replace(path, functions(names_now));
    contents[f] = names_now;
  }
  SymbolIndex fresh;
  std::uint64_t symbols = 0;
  for (std::size_t f = 0; f < contents.size(); ++f) {
    if (!churned.contains("/w/f" + std::to_string(f) + ".c")) continue;
    fresh.replace("/w/f" + std::to_string(f) + ".c", functions(contents[f]));
    symbols += contents[f].size();
  }
  EXPECT_EQ(churned.stats().symbols, symbols);
  EXPECT_EQ(churned.stats().files, fresh.stats().files);
  EXPECT_LT(churned.stats().memory_bytes, 3 * fresh.stats().memory_bytes);
  for (const char* text : {"sym1", "s1r5", "r599", "sym42_r", "zz"})
    EXPECT_EQ(located(churned.search(query(text, 0))), located(fresh.search(query(text, 0))))
        << text;
}

// The ranking as the header states it, computed the slow and obvious way: every symbol
// matched by backtracking, every match sorted.
class Reference {
 public:
  void replace(const std::string& path, const std::vector<Chunk>& chunks) {
    files_.erase(std::remove_if(files_.begin(), files_.end(),
                                [&](const auto& file) { return file.first == path; }),
                 files_.end());
    files_.emplace_back(path, chunks);
  }

  std::vector<std::string> search(const SymbolSearch& search) const {
    std::string text = search.query;
    for (std::size_t at; (at = text.find("::")) != std::string::npos;)
      text.replace(at, 2, ".");
    const std::size_t dot = text.rfind('.');
    const std::string name_query = dot == std::string::npos ? text : text.substr(dot + 1);
    std::string container_query;
    if (dot != std::string::npos) {
      std::string part;
      for (const char c : text.substr(0, dot + 1)) {
        if (c != '.') {
          part += c;
          continue;
        }
        if (!part.empty()) container_query += (container_query.empty() ? "" : ".") + part;
        part.clear();
      }
    }
    std::string directory = search.preferred_directory;
    if (!directory.empty() && directory.back() != '/') directory += '/';
    // (tier, preference, -length) descending, then path and index ascending.
    std::vector<std::tuple<int, int, long, std::string, std::size_t, std::string>> hits;
    for (const auto& [path, chunks] : files_) {
      const bool preferred = std::find(search.preferred_files.begin(), search.preferred_files.end(),
                                       path) != search.preferred_files.end();
      const int preference = preferred ? 2 : !directory.empty() && path.starts_with(directory);
      for (std::size_t i = 0; i < chunks.size(); ++i) {
        const int tier = tier_of(chunks[i].name, name_query);
        if (tier == 0) continue;
        if (!container_query.empty() &&
            (chunks[i].parent < 0 ||
             !subsequence(qualified_name(chunks, static_cast<std::size_t>(chunks[i].parent)),
                          container_query))) {
          continue;
        }
        hits.emplace_back(-tier, -preference, static_cast<long>(chunks[i].name.size()), path, i,
                          path + ":" + chunks[i].name);
      }
    }
    std::sort(hits.begin(), hits.end());
    std::vector<std::string> out;
    for (const auto& hit : hits) {
      if (search.limit != 0 && out.size() == search.limit) break;
      out.push_back(std::get<5>(hit));
    }
    return out;
  }

 private:
  static char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
  static bool equal_folded(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
  }
  static bool subsequence(std::string_view name, std::string_view query) {
    std::size_t k = 0;
    for (const char c : name)
      if (k < query.size() && lower(c) == lower(query[k])) ++k;
    return k == query.size();
  }
  static bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
  static bool word_start(std::string_view name, std::size_t at) {
    if (at == 0) return true;
    const char c = name[at];
    const char prev = name[at - 1];
    if (!alnum(c)) return false;
    if (!alnum(prev)) return true;
    const auto upper = [](char x) { return x >= 'A' && x <= 'Z'; };
    const auto lower_case = [](char x) { return x >= 'a' && x <= 'z'; };
    const auto digit = [](char x) { return x >= '0' && x <= '9'; };
    if (upper(c)) {
      return lower_case(prev) || digit(prev) ||
             (upper(prev) && at + 1 < name.size() && lower_case(name[at + 1]));
    }
    return digit(c) != digit(prev);
  }
  // Each query byte at a word start, or right after the previous one's match.
  static bool by_word_starts(std::string_view name, std::string_view query, std::size_t from,
                             bool first) {
    if (query.empty()) return true;
    for (std::size_t p = from; p < name.size(); ++p) {
      if (lower(name[p]) != lower(query[0])) continue;
      if (!word_start(name, p) && (first || p != from)) continue;
      if (by_word_starts(name, query.substr(1), p + 1, false)) return true;
    }
    return false;
  }
  static int tier_of(std::string_view name, std::string_view query) {
    if (name == query) return 5;
    if (equal_folded(name, query)) return 4;
    if (name.size() >= query.size() && equal_folded(name.substr(0, query.size()), query)) return 3;
    if (by_word_starts(name, query, 0, true)) return 2;
    return subsequence(name, query) ? 1 : 0;
  }

  std::vector<std::pair<std::string, std::vector<Chunk>>> files_;
};

// Random names from camelCase, snake_case and kebab-case parts, random nesting, queries
// typed and made up; every limit's answer must be the reference's.
void expect_reference_ranking(std::uint32_t seed) {
  std::mt19937 random(seed);
  const std::vector<std::string> parts = {"get",  "Set",    "init", "Info", "sym",
                                          "TREE", "ts",     "edit", "a",    "x",
                                          "http", "Server", "2",    "i2c",  "Io"};
  const std::vector<std::string> joins = {"", "_", "", "-", ""};
  const auto make_name = [&] {
    std::string name;
    for (std::uint32_t i = 0, n = 1 + random() % 3; i < n; ++i)
      name += (i == 0 ? "" : joins[random() % joins.size()]) + parts[random() % parts.size()];
    return name;
  };
  SymbolIndex index;
  Reference reference;
  std::vector<std::string> all_names;
  for (int f = 0; f < 40; ++f) {
    Chunks chunks;
    for (std::uint32_t i = 0, n = random() % 30; i < n; ++i) {
      const std::int32_t parent = chunks.list().empty() || random() % 2 == 0
                                      ? -1
                                      : static_cast<std::int32_t>(random() % chunks.list().size());
      all_names.push_back(make_name());
      chunks.add(all_names.back(), ChunkKind::kFunction, parent);
    }
    const std::string path =
        std::string(f % 3 == 0 ? "/w/src/" : "/w/lib/") + "f" + std::to_string(f) + ".c";
    index.replace(path, chunks.list());
    reference.replace(path, chunks.list());
  }
  std::vector<std::string> queries = {"gsi", "init",   "INFO",     "ts",      "set",   "2",
                                      "i2",  "tree_e", "http.get", "Io::",    "sy.in", "x",
                                      "a",   "zz",     "get_",     "SetInfo", "ie"};
  for (int q = 0; q < 60; ++q) {
    const std::string& name = all_names[random() % all_names.size()];
    queries.push_back(name.substr(0, 1 + random() % name.size()));
  }
  for (const std::string& text : queries) {
    for (const std::size_t limit : {1u, 3u, 10u, 0u}) {
      SymbolSearch search = query(text, limit);
      search.preferred_files = {"/w/lib/f7.c"};
      search.preferred_directory = "/w/src";
      EXPECT_EQ(located(index.search(search)), reference.search(search))
          << "seed " << seed << " query " << text << " limit " << limit;
    }
  }
}

TEST(SymbolIndexTest, RankingAgreesWithABruteForceReference) {
  for (const std::uint32_t seed : {20240601u, 7u, 99u, 123456u})
    expect_reference_ranking(seed);
}

TEST(SymbolIndexTest, ConcurrentSearchesWhileFilesAreReplaced) {
  SymbolIndex index;
  for (int f = 0; f < 20; ++f)
    index.replace("/w/f" + std::to_string(f) + ".c", shapes());
  std::atomic<bool> done{false};
  std::atomic<std::uint64_t> searches{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        for (const char* text : {"area", "Shape.area", "", "per", "zz"}) {
          SymbolSearch search = query(text);
          search.preferred_files = {"/w/f3.c"};
          search.preferred_directory = "/w";
          for (const SymbolMatch& match : index.search(search)) {
            ASSERT_FALSE(match.name.empty());
            ASSERT_EQ(match.path.rfind("/w/f", 0), 0u);
          }
          ++searches;
        }
      }
    });
  }
  for (int round = 0; round < 200; ++round) {
    const std::string path = "/w/f" + std::to_string(round % 25) + ".c";
    if (round % 7 == 0) {
      index.remove(path);
    } else {
      index.replace(path, round % 2 == 0 ? shapes() : functions({"area", "other"}));
    }
    (void)index.stats();
    (void)index.contains(path);
  }
  while (searches.load() < 50)
    std::this_thread::yield();
  done = true;
  for (std::thread& reader : readers)
    reader.join();
  EXPECT_LE(index.stats().files, 25u);
}

}  // namespace
}  // namespace chunkls
