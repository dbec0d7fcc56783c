#include <doctest/doctest.h>

#include <string>

#include "dualhttpd/httpd_conf.hpp"

using namespace dualhttpd;

namespace {

HttpdTranslation translate(const std::string& text) {
  return translate_httpd_conf(parse_httpd_conf_text(text, "httpd.conf", "/nonexistent"));
}

bool any_line(const HttpdTranslation& t, const std::string& part) {
  for (const auto& line : t.lines)
    if (line.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("Listen, DocumentRoot and Options of the DocumentRoot's <Directory>") {
  const auto t = translate(
      "# a stock configuration\n"
      "Listen 80\n"
      "listen [2001:db8:21c::24]:8443 https\n"
      "DocumentRoot \"/var/www/html\"\n"
      "<Directory />\n"
      "    Options Indexes\n"
      "</Directory>\n"
      "<Directory \"/var/www/html/\">\n"
      "    Options -Indexes +FollowSymLinks\n"
      "</Directory>\n");
  CHECK(t.listen == std::vector<std::string>{"80", "[2001:db8:21c::24]:8443"});
  CHECK(t.root == "/var/www/html");
  CHECK_FALSE(t.autoindex);  // the Options of <Directory /> do not apply to the DocumentRoot
  CHECK(any_line(t, "httpd.conf:2: Listen 80 -> --listen '80'"));
  CHECK(any_line(t, "httpd.conf:3: Listen [2001:db8:21c::24]:8443 https"));
  CHECK(any_line(t, "plain HTTP only; 'https' is dropped"));
  CHECK(any_line(t, "httpd.conf:9: Options -Indexes +FollowSymLinks -> no --autoindex"));
}

TEST_CASE("continued lines, quotes, case and top-level Options") {
  const auto t = translate(
      "DOCUMENTROOT '/srv/my site'\n"
      "Options \\\n"
      "    FollowSymLinks Indexes\n"
      "DirectoryIndex index.html\n");
  CHECK(t.root == "/srv/my site");
  CHECK(t.autoindex);
  CHECK(any_line(t, "httpd.conf:2: Options FollowSymLinks Indexes -> --autoindex"));
  CHECK(any_line(t, "DirectoryIndex index.html -> the same"));
  CHECK(t.listen.empty());
  CHECK(any_line(t, "no Listen line"));
}

TEST_CASE("includes: optional ones may match nothing, plain ones may not") {
  CHECK_NOTHROW(translate("IncludeOptional conf.d/*.conf\n"));
  CHECK_THROWS_WITH_AS(translate("\nInclude /nonexistent/conf.d/*.conf\n"),
                       doctest::Contains("httpd.conf:2: Include /nonexistent/conf.d/*.conf "
                                         "matches no file"),
                       HttpdConfError);
  CHECK_THROWS_AS(read_httpd_conf("/nonexistent/httpd.conf"), HttpdConfError);
}
