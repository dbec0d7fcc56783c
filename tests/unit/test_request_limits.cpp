#include <doctest/doctest.h>

#include <string>

#include "dualhttpd/http/request_checks.hpp"

using namespace dualhttpd;

namespace {

http::request_header<> head(std::string target) {
  http::request_header<> h;
  h.method(http::verb::get);
  h.target(target);
  h.version(11);
  h.set(http::field::host, "x");
  return h;
}

}  // namespace

TEST_CASE("request limits, httpd's defaults") {
  const SessionLimits limits;
  CHECK(check_request_limits(head("/"), limits) == http::status::ok);
  CHECK(check_request_limits(head("/" + std::string(8189, 'a')), limits) == http::status::ok);
  CHECK(check_request_limits(head("/" + std::string(8190, 'a')), limits) ==
        http::status::uri_too_long);
  auto big_field = head("/");
  big_field.set("X-Big", std::string(8190 - 7, 'v'));
  CHECK(check_request_limits(big_field, limits) == http::status::ok);
  big_field.set("X-Big", std::string(8190 - 6, 'v'));
  CHECK(check_request_limits(big_field, limits) == http::status::request_header_fields_too_large);
  auto many = head("/");
  for (int i = 0; i < 99; ++i) many.insert("X-" + std::to_string(i), "v");
  CHECK(check_request_limits(many, limits) == http::status::ok);  // 100 with Host
  many.insert("X-one-more", "v");
  CHECK(check_request_limits(many, limits) == http::status::request_header_fields_too_large);
}

TEST_CASE("an oversized head: 414 for a long request line, 431 for long headers") {
  const SessionLimits limits;
  const std::string long_line = "GET /" + std::string(40000, 'a');
  CHECK(status_for_oversized_head(long_line, limits) == http::status::uri_too_long);
  const std::string long_headers =
      "GET / HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(40000, 'a') + "\r\n";
  CHECK(status_for_oversized_head(long_headers, limits) ==
        http::status::request_header_fields_too_large);
}

TEST_CASE("framing: Host, transfer codings, versions, answers that end the connection") {
  auto h = head("/");
  h.set(http::field::host, "x");
  CHECK(check_request(h, false) == http::status::ok);
  h.set(http::field::transfer_encoding, "chunked");
  CHECK(check_request(h, true) == http::status::ok);
  h.set(http::field::transfer_encoding, "gzip");
  CHECK(check_request(h, false) == http::status::bad_request);
  h.erase(http::field::transfer_encoding);
  h.erase(http::field::host);
  CHECK(check_request(h, false) == http::status::bad_request);  // 1.1 without Host
  h.set(http::field::host, "a b");
  CHECK(check_request(h, false) == http::status::bad_request);

  const auto bad_version = make_error_code(http::error::bad_version);
  CHECK(status_for_parse_error(bad_version, "GET / HTTP/2.0\r\nHost: x\r\n") ==
        http::status::http_version_not_supported);
  CHECK(status_for_parse_error(bad_version, "GET / HTTP/3.0\r\n") ==
        http::status::http_version_not_supported);
  // Malformed request lines are 400, whatever version they end with.
  CHECK(status_for_parse_error(bad_version, "GET /a b.txt HTTP/1.1\r\n") ==
        http::status::bad_request);
  CHECK(status_for_parse_error(bad_version, "GET /x  HTTP/1.1\r\n") == http::status::bad_request);
  CHECK(status_for_parse_error(bad_version, "GET /a b.txt HTTP/2.0\r\n") ==
        http::status::bad_request);
  CHECK(status_for_parse_error(bad_version, "GET / HTTP/1\r\n") == http::status::bad_request);
  CHECK(status_for_parse_error(bad_version, "GET / HTTX/1.1\r\n") == http::status::bad_request);
  CHECK(status_for_parse_error(make_error_code(http::error::body_limit), "") ==
        http::status::payload_too_large);

  CHECK(status_drops_connection(http::status::bad_request));
  CHECK(status_drops_connection(http::status::not_implemented));
  CHECK(!status_drops_connection(http::status::not_found));
  CHECK(!status_drops_connection(http::status::method_not_allowed));

  CHECK(!expects_continue(h));
  h.set(http::field::expect, "100-Continue");
  CHECK(expects_continue(h));
  h.set(http::field::expect, "100-continuex");
  CHECK(!expects_continue(h));
}

TEST_CASE("heads that are served all the same: empty lines first, later HTTP/1 minors") {
  CHECK(leading_empty_lines("GET / HTTP/1.1\r\n") == 0);
  CHECK(leading_empty_lines("\r\nGET /") == 2);
  CHECK(leading_empty_lines("\r\n\nGET /") == 3);
  CHECK(leading_empty_lines("\r\n") == 2);
  CHECK(leading_empty_lines("\rGET") == 0);
  CHECK(later_minor_version("GET / HTTP/1.2\r\nHost: a\r\n") == 13u);
  CHECK(later_minor_version("GET / HTTP/1.9\r\n") == 13u);
  CHECK_FALSE(later_minor_version("GET / HTTP/1.1\r\n"));
  CHECK_FALSE(later_minor_version("GET / HTTP/2.0\r\n"));
  CHECK_FALSE(later_minor_version("GET /a b HTTP/1.2\r\n"));
  CHECK_FALSE(later_minor_version("GET / HTTP/1.2"));  // not a whole line yet
}

TEST_CASE("a malformed request line is explained, with a line to type instead") {
  const std::string example = "printf 'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n' | nc ::1 80";
  const auto bare = explain_bad_request_line("GET / HTTP/1.0\n\n", example);
  CHECK(bare.find("bare LF") != std::string::npos);
  CHECK(bare.find(example) != std::string::npos);
  CHECK(explain_bad_request_line("GET /\r\n\r\n", example).find("no HTTP version") !=
        std::string::npos);
  CHECK(explain_bad_request_line("GET /a b HTTP/1.1\r\n", example).find("%20") !=
        std::string::npos);
  CHECK(explain_bad_request_line("GET /a  HTTP/1.1\r\n", example).find("two spaces") !=
        std::string::npos);
  CHECK(explain_bad_request_line("GET / HTTP/1.1\r\n", example).empty());
}
