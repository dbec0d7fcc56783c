// How a request is framed, and what that means for the connection: transfer codings a
// server cannot trust, version errors, and which answers end the connection (as httpd).
#pragma once

#include <boost/beast/http.hpp>

#include <string_view>

namespace dualhttpd {

namespace http = boost::beast::http;

// 400 for a Transfer-Encoding whose last coding is not chunked (`chunked`: the parser found
// it last): the body's end cannot be known (RFC 9112 §6.1), and a server that guessed could
// be smuggled a second request.
http::status check_framing(const http::request_header<>& head, bool chunked);

// The answer to a head Beast could not parse: 413 for a body over the limit, 505 for a
// well-formed version other than 1.0 and 1.1, else 400. `received` is the head so far.
http::status status_for_parse_error(const boost::system::error_code& ec, std::string_view received);

// Answers after which the connection is closed, as httpd's ap_status_drops_connection:
// whatever the client sent next cannot be trusted to start a request.
bool status_drops_connection(http::status status);

// A client that sent Expect: 100-continue and got no 100 may still send a body: the
// connection is closed after the answer rather than reading that body as a request.
bool expects_continue(const http::request_header<>& head);

}  // namespace dualhttpd
