// The protocol's part of answering a request, before any route sees it: the limits, how the
// request is framed (transfer codings a server cannot trust, versions, Host), the server's
// own answer to OPTIONS *, and which answers end the connection (as httpd).
#pragma once

#include <boost/beast/http.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "dualhttpd/http/reply.hpp"
#include "dualhttpd/http/session_limits.hpp"

namespace dualhttpd {

namespace http = boost::beast::http;

// The methods this server serves, for Allow.
inline constexpr std::string_view allowed_methods = "GET, HEAD, OPTIONS";

// A parsed request refused before it is routed: the status (ok: not refused) and why, in
// words for the error page: the rule or limit it broke, with its numbers.
struct Refusal {
  http::status status = http::status::ok;
  std::string why;
};

// The one check of a parsed request before it is routed (check_request_limits, then
// check_request).
Refusal refuse_request(const http::request_header<>& head, bool chunked,
                       const SessionLimits& limits);

// The answer to a request for "*", which is about the server rather than a resource:
// OPTIONS * gets 200 with the methods (RFC 9110 section 9.3.7), anything else 400. nullopt
// for a request for a path.
std::optional<Reply> answer_for_server(const http::request_header<>& head);

// The answer to a method other than GET and HEAD: 200 with Allow for OPTIONS, 501 for a
// method unknown to HTTP, else 405 with Allow (RFC 9110 section 15.5.6).
Reply method_reply(http::verb method);

// A parsed head that breaks a limit: 414 for the target, 431 for a field or their number.
Refusal check_request_limits(const http::request_header<>& head, const SessionLimits& limits);

// After Beast's header_limit error: 414 when the request line alone is too long, else 431.
// `received` is what the client has sent of the head so far.
http::status status_for_oversized_head(std::string_view received, const SessionLimits& limits);

// What every request must be before anything answers it (the health endpoint included):
// 400 for a missing, repeated or malformed Host (RFC 9112 section 3.2), and for a
// Transfer-Encoding whose last coding is not chunked (`chunked`: the parser found it last):
// the body's end cannot be known (RFC 9112 section 6.1), and a server that guessed could be
// smuggled a second request.
Refusal check_request(const http::request_header<>& head, bool chunked);

// The answer to a head Beast could not parse: 413 for a body over the limit, 505 for a
// well-formed version of another major number (HTTP/2.0), else 400. `received` is the head
// so far.
http::status status_for_parse_error(const boost::system::error_code& ec, std::string_view received);

// What was wrong with a request line that was refused, in words for the 400's body, with the
// line to type instead (`example`: a printf | nc line for this server); "" when there is
// nothing more to say than 400 does.
std::string explain_bad_request_line(std::string_view received, std::string_view example);

// `why`, then the line to type instead (`example`), as every 400's page ends.
std::string with_line_to_type(std::string why, std::string_view example);

// Why a head that could not be parsed (`ec`: the parser's error) or did not arrive was
// refused, for the error page. `received` is the head so far, or, once the request line was
// read (`line_read`), the rest from where the parser stopped. 400: a request line as
// explain_bad_request_line, else what the parser found, with the line to type; 505: the
// versions this server speaks (RFC 9110 section 15.6.6), HTTP/2's connection preface named as
// such; 408, 413, 414 and 431: the limit with its number. "" for another status.
std::string explain_unparsed_head(http::status status, const boost::system::error_code& ec,
                                  std::string_view received, bool line_read,
                                  const SessionLimits& limits, std::string_view example);

// Empty lines before a request line (CRLF, or a bare LF): how many bytes of them lead
// `received`. RFC 9112 section 2.2: a server SHOULD ignore them, as nginx, lighttpd and httpd do.
std::size_t leading_empty_lines(std::string_view received);

// "GET / HTTP/1.2": where the minor digit of an HTTP/1.x later than 1.1 is. Such a request is
// read as 1.1 (RFC 9110 section 2.5), as httpd reads it. nullopt for anything else.
std::optional<std::size_t> later_minor_version(std::string_view received);

// Answers after which the connection is closed, as httpd's ap_status_drops_connection:
// whatever the client sent next cannot be trusted to start a request.
bool status_drops_connection(http::status status);

// A client that sent Expect: 100-continue and got no 100 may still send a body: the
// connection is closed after the answer rather than reading that body as a request.
bool expects_continue(const http::request_header<>& head);

}  // namespace dualhttpd
