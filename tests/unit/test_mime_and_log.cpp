#include <doctest/doctest.h>

#include "dualhttpd/files/mime_types.hpp"
#include "dualhttpd/http/access_log.hpp"

using namespace dualhttpd;

TEST_CASE("media types: built-in, from a mime.types text, case-insensitive") {
  MimeTypes m;
  CHECK(m.lookup("index.html") == "text/html");
  CHECK(m.lookup("INDEX.HTML") == "text/html");
  CHECK(m.lookup("dir.d/app.JS") == "text/javascript");
  CHECK(m.lookup("noext") == "application/octet-stream");
  CHECK(m.lookup("dir.d/noext") == "application/octet-stream");
  CHECK(m.lookup("trailingdot.") == "application/octet-stream");
  CHECK(m.lookup("archive.tar.gz") == "application/gzip");
  CHECK(m.content_type("a.html") == "text/html; charset=UTF-8");
  CHECK(m.content_type("a.txt") == "text/plain; charset=UTF-8");
  CHECK(m.content_type("a.css") == "text/css");
  CHECK(m.content_type("a.png") == "image/png");
  m.load_text("# comment\napplication/x-custom  cst CST2 # trailing\n\ntext/html html\n");
  CHECK(m.lookup("x.cst") == "application/x-custom");
  CHECK(m.lookup("x.cst2") == "application/x-custom");
}

TEST_CASE("a file's extension: after the last '.' of its last part") {
  CHECK(file_extension("index.html") == "html");
  CHECK(file_extension("/srv/www/a.tar.gz") == "gz");
  CHECK(file_extension("dir.d/README") == "");
  CHECK(file_extension(".htaccess") == "htaccess");
  CHECK(file_extension("trailing.") == "");
  CHECK(file_extension("") == "");
}

TEST_CASE("the system's /etc/mime.types is read when present") {
  MimeTypes m;
  if (!m.load_file("/etc/mime.types").empty()) return;
  CHECK(m.lookup("x.ogg") != "application/octet-stream");
}

TEST_CASE("combined log format, IPv6 clients without brackets") {
  setenv("TZ", "UTC", 1);
  tzset();
  AccessRecord r{"2001:db8:21c::25", "GET /a\"b HTTP/1.1", 200, 443, "",
                 "curl/7.88.1",      1'764'078'999};
  CHECK(format_combined(r) ==
        "2001:db8:21c::25 - - [25/Nov/2025:13:56:39 +0000] \"GET /a\\\"b HTTP/1.1\" 200 443 \"-\" "
        "\"curl/7.88.1\"\n");
  r.body_bytes = 0;
  r.request_line = "GET /\x01 HTTP/1.1";
  r.referer = "http://[::1]/";
  CHECK(format_combined(r) ==
        "2001:db8:21c::25 - - [25/Nov/2025:13:56:39 +0000] \"GET /\\x01 HTTP/1.1\" 200 - "
        "\"http://[::1]/\" \"curl/7.88.1\"\n");
}
