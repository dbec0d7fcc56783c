#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "dualhttpd/base/unique_fd.hpp"
#include "dualhttpd/files/file_cache.hpp"

using namespace dualhttpd;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

DocrootDir docroot_at(const fs::path& root) {
  DocrootDir dir;
  REQUIRE(describe_docroot(UniqueFd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)), dir));
  return dir;
}

}  // namespace

TEST_CASE("small files come from memory, and a change shows within a second") {
  char pattern[] = "/tmp/dualhttpd-cache-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const fs::path root = pattern;
  std::ofstream(root / "a.txt") << "first";
  fs::create_directory(root / "dir");
  std::ofstream(root / "big.bin") << std::string(FileCache::max_file_bytes + 1, 'x');
  const auto docroot = docroot_at(root);
  MimeTypes mime;
  FileCache cache;
  const auto t0 = FileCache::Clock::now();

  const auto* hit = cache.find(docroot, "a.txt", mime, t0);
  REQUIRE(hit != nullptr);
  CHECK(hit->content->bytes == "first");
  CHECK(hit->facts.content_type == "text/plain; charset=UTF-8");
  CHECK(hit->facts.last_modified.find("GMT") != std::string::npos);
  const auto etag = hit->facts.validators.etag;

  std::ofstream(root / "a.txt") << "later";  // same size, other bytes, newer mtime
  CHECK(cache.find(docroot, "a.txt", mime, t0 + 500ms)->content->bytes == "first");
  hit = cache.find(docroot, "a.txt", mime, t0 + 1100ms);
  REQUIRE(hit != nullptr);
  CHECK(hit->content->bytes == "later");
  CHECK(hit->facts.validators.etag != etag);

  CHECK(cache.find(docroot, "dir", mime, t0) == nullptr);
  CHECK(cache.find(docroot, "big.bin", mime, t0) == nullptr);
  CHECK(cache.find(docroot, "missing.txt", mime, t0) == nullptr);
  CHECK(cache.find(docroot, "../a.txt", mime, t0) == nullptr);

  fs::remove(root / "a.txt");
  CHECK(cache.find(docroot, "a.txt", mime, t0 + 1500ms) != nullptr);  // until checked
  CHECK(cache.find(docroot, "a.txt", mime, t0 + 2200ms) == nullptr);
  std::ofstream(root / "missing.txt") << "now here";  // a file that appears is found too
  CHECK(cache.find(docroot, "missing.txt", mime, t0 + 1100ms)->content->bytes == "now here");
  fs::remove_all(root);
}

TEST_CASE("names that do not exist are not kept; what is kept is counted with its name") {
  char pattern[] = "/tmp/dualhttpd-cache-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const fs::path root = pattern;
  const auto docroot = docroot_at(root);
  MimeTypes mime;
  FileCache cache;
  const auto t0 = FileCache::Clock::now();
  const std::string long_name(8000, 'm');
  for (int i = 0; i < 1000; ++i)
    CHECK(cache.find(docroot, long_name + std::to_string(i), mime, t0) == nullptr);
  CHECK(cache.entries() == 0);
  CHECK(cache.bytes() == 0);

  std::ofstream(root / "late.txt") << "here";  // found at once: no miss was remembered
  CHECK(cache.find(docroot, "late.txt", mime, t0)->content->bytes == "here");
  CHECK(cache.entries() == 1);
  CHECK(cache.bytes() > std::string("here").size() + std::string("late.txt").size());
  fs::remove_all(root);
}
