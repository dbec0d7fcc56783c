#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "dualhttpd/autoindex.hpp"
#include "dualhttpd/docroot.hpp"
#include "dualhttpd/http_text.hpp"
#include "dualhttpd/unique_fd.hpp"

using namespace dualhttpd;
namespace fs = std::filesystem;

TEST_CASE("names escaped for HTML and for URLs") {
  CHECK(html_escape(R"(a&b<c>"d"'e')") == "a&amp;b&lt;c&gt;&quot;d&quot;&#39;e&#39;");
  CHECK(percent_encode_segment("plain-name_1.txt") == "plain-name_1.txt");
  CHECK(percent_encode_segment("sp ace&<b>?#%/") == "sp%20ace%26%3Cb%3E%3F%23%25%2F");
  CHECK(percent_encode_segment("\xc3\xbc") == "%C3%BC");
  CHECK(percent_encode_segment("javascript:alert(1)") == "javascript%3Aalert(1)");
  CHECK(directory_url("") == "/");
  CHECK(directory_url("a/b c") == "/a/b%20c/");
  CHECK(directory_url("\\evil.example") == "/%5Cevil.example/");
}

TEST_CASE("a listing links the parent and every entry, escaped") {
  const std::vector<DirectoryEntry> entries{{"sub dir", true}, {"<b>&.txt", false}};
  const auto page = render_listing("a/b c", entries);
  CHECK(page.find("<title>Index of /a/b c</title>") != std::string::npos);
  CHECK(page.find(R"(<a href="/a/"> Parent Directory</a>)") != std::string::npos);
  CHECK(page.find(R"(<a href="sub%20dir/"> sub dir/</a>)") != std::string::npos);
  CHECK(page.find(R"(<a href="%3Cb%3E%26.txt"> &lt;b&gt;&amp;.txt</a>)") != std::string::npos);
  CHECK(page.find("<b>") == std::string::npos);
  const auto root = render_listing("", {});
  CHECK(root.find("Index of /<") != std::string::npos);
  CHECK(root.find("Parent Directory") == std::string::npos);
}

TEST_CASE("a listing offers only what a visitor could open") {
  char pattern[] = "/tmp/dualhttpd-listing-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const fs::path base = pattern;
  const auto root = base / "root";
  fs::create_directories(root / "dir" / "sub");
  std::ofstream(root / "dir" / "b.txt") << "b";
  std::ofstream(root / "dir" / "A.txt") << "a";
  std::ofstream(root / "dir" / ".env") << "secret";
  std::ofstream(base / "outside.txt") << "outside";
  fs::create_symlink("../../outside.txt", root / "dir" / "leaves");
  fs::create_symlink("/etc/passwd", root / "dir" / "absolute");
  fs::create_symlink("b.txt", root / "dir" / "stays");
  fs::create_symlink("missing", root / "dir" / "dangling");
  const UniqueFd docroot(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(docroot);
  int error = 0;
  const auto entries = list_beneath(docroot.get(), "dir", error);
  CHECK(error == 0);
  const std::vector<DirectoryEntry> want{
      {"A.txt", false}, {"b.txt", false}, {"stays", false}, {"sub", true}};
  CHECK(entries == want);
  list_beneath(docroot.get(), "no-such-dir", error);
  CHECK(error == -ENOENT);
  fs::remove_all(base);
}
