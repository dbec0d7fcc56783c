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
  CHECK(check_request_limits(head("/"), limits).status == http::status::ok);
  CHECK(check_request_limits(head("/" + std::string(8189, 'a')), limits).status ==
        http::status::ok);
  CHECK(check_request_limits(head("/" + std::string(8190, 'a')), limits).status ==
        http::status::uri_too_long);
  auto big_field = head("/");
  big_field.set("X-Big", std::string(8190 - 7, 'v'));
  CHECK(check_request_limits(big_field, limits).status == http::status::ok);
  big_field.set("X-Big", std::string(8190 - 6, 'v'));
  CHECK(check_request_limits(big_field, limits).status ==
        http::status::request_header_fields_too_large);
  auto many = head("/");
  for (int i = 0; i < 99; ++i) many.insert("X-" + std::to_string(i), "v");
  CHECK(check_request_limits(many, limits).status == http::status::ok);  // 100 with Host
  many.insert("X-one-more", "v");
  CHECK(check_request_limits(many, limits).status == http::status::request_header_fields_too_large);
}

TEST_CASE("a refused head says which rule, and its numbers") {
  const SessionLimits limits;
  CHECK(check_request_limits(head("/"), limits).why.empty());
  CHECK(check_request_limits(head("/" + std::string(9000, 'a')), limits).why ==
        "The request target is 9001 bytes long; this server reads targets of up to 8190 bytes.");
  auto big_field = head("/");
  big_field.set("X-Big", std::string(9000, 'v'));
  CHECK(check_request_limits(big_field, limits).why ==
        "Its header field X-Big is 9007 bytes long; this server reads fields of up to 8190 "
        "bytes.");
  auto h = head("/");
  h.set(http::field::transfer_encoding, "gzip");
  CHECK(
      check_request(h, false).why.starts_with("Its Transfer-Encoding (gzip) does not end with "
                                              "chunked"));
  h.erase(http::field::transfer_encoding);
  h.erase(http::field::host);
  CHECK(check_request(h, false).why.find("has none (RFC 9112 section 3.2)") != std::string::npos);
  h.version(10);
  CHECK(check_request(h, false).why.empty());  // HTTP/1.0 needs no Host
  h.insert(http::field::host, "a");
  h.insert(http::field::host, "b");
  CHECK(check_request(h, false).why.starts_with("The request has 2 Host header fields"));
}

TEST_CASE("an unparsed head's refusal in words: 505 names the versions, 408 to 431 the limit") {
  const SessionLimits limits;
  const auto explain = [&](http::status status, std::string_view received) {
    return explain_unparsed_head(status, make_error_code(http::error::bad_version), received, false,
                                 limits, "EXAMPLE");
  };
  CHECK(explain(http::status::http_version_not_supported, "GET / HTTP/2.0\r\nHost: x\r\n") ==
        "The request asks for HTTP/2.0; this server speaks HTTP/1.0 and HTTP/1.1. Send it as "
        "HTTP/1.1.");
  CHECK(explain(http::status::http_version_not_supported, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
            .starts_with("This is HTTP/2's connection preface"));
  CHECK(explain(http::status::request_timeout, "GET").find("within 10 s") != std::string::npos);
  CHECK(explain(http::status::payload_too_large, "").find("more than 65536 bytes") !=
        std::string::npos);
  CHECK(explain(http::status::uri_too_long, "").find("targets of up to 8190 bytes") !=
        std::string::npos);
  CHECK(explain(http::status::request_header_fields_too_large, "").find("larger than 32768") !=
        std::string::npos);
  CHECK(explain(http::status::bad_request, "GET /a b HTTP/1.1\r\n").ends_with("type: EXAMPLE"));
  // A fine request line: what the parser found, and the line to type.
  CHECK(explain_unparsed_head(http::status::bad_request,
                              make_error_code(http::error::multiple_content_length),
                              "Content-Length: 2\r\n\r\n", true, limits, "EXAMPLE") ==
        "It has more than one Content-Length (RFC 9112 section 6.3). To send a request by hand, "
        "type: EXAMPLE");
  // The rest of a head with a bare LF after a good request line: said so, not "no version".
  CHECK(explain_unparsed_head(http::status::bad_request, make_error_code(http::error::bad_value),
                              "Host: a\n\n", true, limits, "EXAMPLE")
            .starts_with("Its lines end with a bare LF or CR"));
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
  CHECK(check_request(h, false).status == http::status::ok);
  h.set(http::field::transfer_encoding, "chunked");
  CHECK(check_request(h, true).status == http::status::ok);
  h.set(http::field::transfer_encoding, "gzip");
  CHECK(check_request(h, false).status == http::status::bad_request);
  h.erase(http::field::transfer_encoding);
  h.erase(http::field::host);
  CHECK(check_request(h, false).status == http::status::bad_request);  // 1.1 without Host
  h.set(http::field::host, "a b");
  CHECK(check_request(h, false).status == http::status::bad_request);

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
