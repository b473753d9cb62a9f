#include "engine/index/ignore/git_work_tree.h"

#include <fmt/format.h>
#include <git2.h>

#include <sstream>
#include <system_error>
#include <utility>

namespace chunkls::ignore {
namespace {

struct ConfigFree {
  void operator()(git_config* config) const { git_config_free(config); }
};
using Config = std::unique_ptr<git_config, ConfigFree>;

class Buf {
 public:
  Buf() = default;
  ~Buf() { git_buf_dispose(&buf_); }
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  git_buf* get() { return &buf_; }
  std::string str() const { return buf_.ptr ? std::string(buf_.ptr, buf_.size) : std::string(); }

 private:
  git_buf buf_ = GIT_BUF_INIT;
};

std::string git_error_text() {
  const git_error* error = git_error_last();
  return error && error->message ? error->message : "unknown libgit2 error";
}

}  // namespace

void GitWorkTree::RepositoryFree::operator()(git_repository* repo) const {
  git_repository_free(repo);
}

// libgit2's global state is reference-counted: each hold is one reference.
LibGit2Hold::LibGit2Hold() {
  git_libgit2_init();
}

LibGit2Hold::~LibGit2Hold() {
  git_libgit2_shutdown();
}

GitWorkTree::GitWorkTree(Made /*unused*/) {}

GitWorkTree::~GitWorkTree() {
  repo_.reset();  // before the reference on libgit2 goes
}

std::unique_ptr<GitWorkTree> GitWorkTree::find(const std::filesystem::path& root,
                                               std::vector<std::string>& problems) {
  auto tree = std::make_unique<GitWorkTree>(Made{});
  git_repository* raw = nullptr;
  const int error = git_repository_open_ext(&raw, root.c_str(), 0, nullptr);
  if (error == GIT_ENOTFOUND) return nullptr;
  if (error < 0) {
    problems.push_back(fmt::format("git repository: {}", git_error_text()));
    return nullptr;
  }
  tree->repo_.reset(raw);
  const char* top = git_repository_workdir(raw);
  if (git_repository_is_bare(raw) || top == nullptr) return nullptr;  // git applies no rules
  std::error_code ec;
  const std::filesystem::path canonical_top = std::filesystem::canonical(top, ec);
  const std::filesystem::path canonical_root =
      ec ? std::filesystem::path() : std::filesystem::canonical(root, ec);
  if (ec) {
    problems.push_back(fmt::format("git repository: {}", ec.message()));
    return nullptr;
  }
  const std::filesystem::path relative = canonical_root.lexically_relative(canonical_top);
  if (relative.empty() || *relative.begin() == "..") {
    problems.push_back(fmt::format("git repository: {} is not inside its work tree {}",
                                   canonical_root.string(), canonical_top.string()));
    return nullptr;
  }
  if (relative != ".") tree->prefix_ = relative.generic_string() + "/";
  tree->top_ = canonical_top;
  return tree;
}

GitWorkTree::IgnoreConfiguration GitWorkTree::ignore_configuration(
    std::vector<std::string>& problems) const {
  IgnoreConfiguration result;
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo_.get()) < 0) {
    problems.push_back(fmt::format("git configuration: {}", git_error_text()));
    return result;
  }
  const Config config(raw);
  int ignore_case = 0;
  if (git_config_get_bool(&ignore_case, config.get(), "core.ignorecase") < 0) git_error_clear();
  result.ignore_case = ignore_case != 0;

  Buf excludes;
  if (git_config_get_path(excludes.get(), config.get(), "core.excludesfile") == 0) {
    std::filesystem::path file = excludes.str();
    if (file.is_relative()) file = top_ / file;  // git reads it from the top level
    result.exclude_files.push_back(std::move(file));
  } else {
    git_error_clear();
    Buf xdg;
    if (git_libgit2_opts(GIT_OPT_GET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, xdg.get()) == 0) {
      std::istringstream dirs(xdg.str());
      std::string dir;
      std::getline(dirs, dir, GIT_PATH_LIST_SEPARATOR);  // git has one XDG directory
      if (!dir.empty()) result.exclude_files.push_back(std::filesystem::path(dir) / "ignore");
    }
  }
  Buf info;
  if (git_repository_item_path(info.get(), repo_.get(), GIT_REPOSITORY_ITEM_INFO) == 0) {
    result.exclude_files.push_back(std::filesystem::path(info.str()) / "exclude");
  }
  return result;
}

}  // namespace chunkls::ignore
