#include <doctest/doctest.h>

#include "dualhttpd/http/conditional.hpp"
#include "dualhttpd/http/http_date.hpp"

using namespace dualhttpd;

namespace {

const Validators file{"\"1bb-5f2\"", 1'764'078'999};  // Tue, 25 Nov 2025 13:56:39 GMT
constexpr auto at = "Tue, 25 Nov 2025 13:56:39 GMT";
constexpr auto before = "Tue, 25 Nov 2025 13:56:38 GMT";
constexpr auto after = "Tue, 25 Nov 2025 13:56:40 GMT";

ConditionalOutcome eval(Preconditions p, bool get = true) {
  return evaluate_preconditions(p, file, get);
}

}  // namespace

TEST_CASE("HTTP dates") {
  CHECK(format_http_date(1'764'078'999) == at);
  CHECK(parse_http_date(at) == 1'764'078'999);
  CHECK(parse_http_date("Tuesday, 25-Nov-25 13:56:39 GMT") == 1'764'078'999);
  CHECK(parse_http_date("Tue Nov 25 13:56:39 2025") == 1'764'078'999);
  CHECK_FALSE(parse_http_date("yesterday"));
  CHECK_FALSE(parse_http_date("Tue, 25 Nov 2025 13:56:39 GMT trailing"));
  CHECK_FALSE(parse_http_date(""));
}

TEST_CASE("conditional requests, in RFC 9110 order") {
  using O = ConditionalOutcome;
  CHECK(eval({}) == O::proceed);
  // If-None-Match: weak comparison, lists and '*'
  CHECK(eval({.if_none_match = "\"1bb-5f2\""}) == O::not_modified);
  CHECK(eval({.if_none_match = "W/\"1bb-5f2\""}) == O::not_modified);
  CHECK(eval({.if_none_match = "\"x\", \"1bb-5f2\""}) == O::not_modified);
  CHECK(eval({.if_none_match = "*"}) == O::not_modified);
  CHECK(eval({.if_none_match = "\"other\""}) == O::proceed);
  CHECK(eval({.if_none_match = "\"1bb-5f2\""}, false) == O::precondition_failed);
  // If-Modified-Since
  CHECK(eval({.if_modified_since = at}) == O::not_modified);
  CHECK(eval({.if_modified_since = after}) == O::not_modified);
  CHECK(eval({.if_modified_since = before}) == O::proceed);
  CHECK(eval({.if_modified_since = "garbage"}) == O::proceed);
  CHECK(eval({.if_modified_since = at}, false) == O::proceed);
  // ... unless it lies after the request arrived (the client's clock is wrong), as httpd
  CHECK(eval({.if_modified_since = after, .now = file.last_modified}) == O::proceed);
  CHECK(eval({.if_modified_since = at, .now = file.last_modified}) == O::not_modified);
  // If-None-Match wins over If-Modified-Since
  CHECK(eval({.if_none_match = "\"other\"", .if_modified_since = after}) == O::proceed);
  // If-Match: strong comparison
  CHECK(eval({.if_match = "\"1bb-5f2\""}) == O::proceed);
  CHECK(eval({.if_match = "*"}) == O::proceed);
  CHECK(eval({.if_match = "W/\"1bb-5f2\""}) == O::precondition_failed);
  CHECK(eval({.if_match = "\"other\""}) == O::precondition_failed);
  // If-Unmodified-Since, ignored when If-Match is present
  CHECK(eval({.if_unmodified_since = before}) == O::precondition_failed);
  CHECK(eval({.if_unmodified_since = at}) == O::proceed);
  CHECK(eval({.if_match = "\"1bb-5f2\"", .if_unmodified_since = before}) == O::proceed);
  // If-Match failing beats If-None-Match
  CHECK(eval({.if_match = "\"x\"", .if_none_match = "\"1bb-5f2\""}) == O::precondition_failed);
}

TEST_CASE("If-Range") {
  CHECK(if_range_allows("", file));
  CHECK(if_range_allows("\"1bb-5f2\"", file));
  CHECK_FALSE(if_range_allows("W/\"1bb-5f2\"", file));
  CHECK_FALSE(if_range_allows("\"old\"", file));
  CHECK(if_range_allows(at, file));
  CHECK_FALSE(if_range_allows(after, file));
  CHECK_FALSE(if_range_allows("nonsense", file));
}

TEST_CASE("ETags change with size and time") {
  CHECK(make_etag(443, 1'000'000'000) == "\"1bb-f4240\"");
  CHECK(make_etag(443, 1'000'000'000) != make_etag(444, 1'000'000'000));
  CHECK(make_etag(443, 1'000'000'000) != make_etag(443, 1'000'001'000));
}
