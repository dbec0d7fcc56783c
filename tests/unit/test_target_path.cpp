#include <doctest/doctest.h>

#include "dualhttpd/files/target_path.hpp"

using namespace dualhttpd;

namespace {

struct Case {
  const char* target;
  TargetVerdict verdict;
  const char* relative;
};

}  // namespace

TEST_CASE("request targets map below the docroot or are refused") {
  using V = TargetVerdict;
  const Case cases[] = {
      {"/", V::ok, ""},
      {"/index.html", V::ok, "index.html"},
      {"/a/b/c.txt", V::ok, "a/b/c.txt"},
      {"//a///b", V::ok, "a/b"},
      {"/a/./b", V::ok, "a/b"},
      {"/a/../b", V::ok, "b"},
      {"/a/b/../../c", V::ok, "c"},
      {"/a..b.txt", V::ok, "a..b.txt"},
      {"/..a", V::forbidden, ""},
      {"/a../b", V::ok, "a../b"},
      {"/...", V::forbidden, ""},
      {"/hello%20world.txt", V::ok, "hello world.txt"},
      {"/caf%C3%A9.html", V::ok, "caf\xC3\xA9.html"},
      {"/%E2%82%AC", V::ok, "\xE2\x82\xAC"},
      {"/a+b", V::ok, "a+b"},  // '+' is not a space in a path
      {"/q?x=1&y=/../../etc", V::ok, "q"},
      {"/..", V::bad_request, ""},
      {"/../etc/passwd", V::bad_request, ""},
      {"/a/../../etc/passwd", V::bad_request, ""},
      {"/%2e%2e/etc/passwd", V::bad_request, ""},
      {"/%2E%2E/%2E%2E/etc/passwd", V::bad_request, ""},
      {"/a/%2e%2e/%2e%2e/etc", V::bad_request, ""},
      {"/%252e%252e/etc", V::ok, "%2e%2e/etc"},  // decoded once only
      {"/..%2fetc/passwd", V::not_found, ""},
      {"/a%2Fb", V::not_found, ""},
      {"/..\\..\\etc\\passwd", V::forbidden, ""},  // one name, and it starts with a dot
      {"/a\\..\\b", V::ok, "a\\..\\b"},            // '\\' is a name byte on Linux, not a separator
      {"/a%00.txt", V::not_found, ""},
      {"/a%0", V::bad_request, ""},
      {"/a%zz", V::bad_request, ""},
      {"/a%", V::bad_request, ""},
      {"/%c0%ae%c0%ae/etc", V::ok, "\xc0\xae\xc0\xae/etc"},  // overlong UTF-8: just bytes
      {"/a#frag", V::bad_request, ""},
      {"/.htaccess", V::forbidden, ""},
      {"/.git/config", V::forbidden, ""},
      {"/a/.env", V::forbidden, ""},
      {"/%2egit/config", V::forbidden, ""},
      {"/.well-known/security.txt", V::ok, ".well-known/security.txt"},
      {"/.git/../index.html", V::ok, "index.html"},
      {"http://example.com/a/b", V::ok, "a/b"},
      {"HTTP://[2001:db8::24]:8080/x", V::ok, "x"},
      {"http://example.com", V::ok, ""},
      {"ftp://example.com/x", V::bad_request, ""},
      {"a/b", V::bad_request, ""},
      {"", V::bad_request, ""},
      {"*", V::bad_request, ""},
  };
  for (const auto& c : cases) {
    const std::string target = c.target;
    CAPTURE(target);
    const auto m = map_target(c.target);
    CHECK(m.verdict == c.verdict);
    if (c.verdict == V::ok) CHECK(m.relative == c.relative);
  }
}

TEST_CASE("trailing slash and query are kept for redirects") {
  const auto dir = map_target("/docs/sub%20dir?lang=en");
  CHECK(dir.relative == "docs/sub dir");
  CHECK(dir.query == "lang=en");
  CHECK_FALSE(dir.trailing_slash);
  CHECK(map_target("/docs/").trailing_slash);
  CHECK(map_target("/").trailing_slash);
  CHECK(map_target("/docs/.").trailing_slash);
}

TEST_CASE("the page a directory without an index most likely means as one") {
  using Names = std::vector<std::string>;
  CHECK(likely_index_page({}).empty());
  CHECK(likely_index_page(Names{"notes.txt", "logo.png"}).empty());
  CHECK(likely_index_page(Names{"welcome.html", "logo.png"}) == "welcome.html");  // the only page
  CHECK(likely_index_page(Names{"about.html", "contact.htm"}).empty());  // no telling which
  CHECK(likely_index_page(Names{"about.html", "Default.HTM", "home.html"}) == "Default.HTM");
  CHECK(likely_index_page(Names{"home.xhtml", "index.htm", "a.html"}) == "index.htm");
  CHECK(likely_index_page(Names{".index.html", "index.html.bak"}).empty());
}
