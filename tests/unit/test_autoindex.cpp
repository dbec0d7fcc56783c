#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "dualhttpd/files/autoindex.hpp"

#include <algorithm>
#include "dualhttpd/base/escaping.hpp"
#include "dualhttpd/base/unique_fd.hpp"
#include "dualhttpd/files/docroot.hpp"

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
  CHECK(path_url("", false) == "/");
  CHECK(path_url("a/b c", false) == "/a/b%20c");
  CHECK(path_url("a/b c", true) == "/a/b%20c/");
  CHECK(path_url("/evil.example", false) == "/evil.example");  // never "//evil.example"
  CHECK(directory_url("/evil.example") == "/evil.example/");
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

TEST_CASE("a symlink is followed only as far as the docroot's real path") {
  char pattern[] = "/tmp/dualhttpd-symlink-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const fs::path base = pattern;
  const auto root = base / "releases" / "42";
  fs::create_directories(root / "css");
  std::ofstream(root / "css" / "site.css") << "body{}";
  std::ofstream(base / "secret.txt") << "secret";
  fs::create_symlink(root / "css" / "site.css", root / "absolute.css");
  fs::create_symlink(base / "releases" / "42" / "css", root / "styles");
  fs::create_symlink(base / "secret.txt", root / "out-absolute");
  fs::create_symlink("../../secret.txt", root / "out-relative");
  fs::create_symlink("/proc/self/root/etc/passwd", root / "through-proc");
  fs::create_symlink("releases/42", base / "current");
  DocrootDir docroot;
  REQUIRE(describe_docroot(
      UniqueFd(::open((base / "current").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)), docroot));
  CHECK(docroot.real_path == fs::canonical(root).string());
  const auto read_all = [&](const std::string& relative) {
    const int fd = open_beneath(docroot, relative);
    if (fd < 0) return std::string("errno ") + std::to_string(-fd);
    std::string text(64, '\0');
    text.resize(static_cast<std::size_t>(std::max<ssize_t>(0, ::read(fd, text.data(), 64))));
    ::close(fd);
    return text;
  };
  CHECK(read_all("absolute.css") == "body{}");
  CHECK(read_all("styles/site.css") == "body{}");
  CHECK(read_all("out-absolute") == "errno " + std::to_string(EXDEV));
  CHECK(read_all("out-relative") == "errno " + std::to_string(EXDEV));
  CHECK(read_all("through-proc").rfind("errno ", 0) == 0);
  CHECK(read_all("missing") == "errno " + std::to_string(ENOENT));
  fs::remove_all(base);
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
  // Absolute, as deploy tools write them: listed when it leads inside the docroot.
  fs::create_symlink(root / "dir" / "b.txt", root / "dir" / "absolute-inside");
  fs::create_symlink(base / "root" / "dir" / "sub", root / "dir" / "absolute-dir");
  DocrootDir docroot;
  REQUIRE(
      describe_docroot(UniqueFd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)), docroot));
  CHECK(docroot.real_path == fs::canonical(root).string());
  int error = 0;
  const auto entries = list_beneath(docroot, "dir", error);
  CHECK(error == 0);
  const std::vector<DirectoryEntry> want{{"A.txt", false},           {"absolute-dir", true},
                                         {"absolute-inside", false}, {"b.txt", false},
                                         {"stays", false},           {"sub", true}};
  CHECK(entries == want);
  list_beneath(docroot, "no-such-dir", error);
  CHECK(error == -ENOENT);
  fs::remove_all(base);
}

TEST_CASE("a word for a shell command a fix gives, quoted only when it must be") {
  CHECK(shell_word("index.htm") == "index.htm");
  CHECK(shell_word("/srv/www-2/a_b+c") == "/srv/www-2/a_b+c");
  CHECK(shell_word("my page.html") == "'my page.html'");
  CHECK(shell_word("it's.html") == "'it'\\''s.html'");
  CHECK(shell_word("$(rm -rf ~).html") == "'$(rm -rf ~).html'");
  CHECK(shell_word("caf\xc3\xa9.html") == "'caf\xc3\xa9.html'");
  CHECK(shell_word("") == "''");
}
