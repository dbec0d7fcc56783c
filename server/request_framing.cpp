#include "dualhttpd/request_framing.hpp"

#include <strings.h>

#include <cctype>

#include "dualhttpd/http_text.hpp"

namespace dualhttpd {

http::status check_framing(const http::request_header<>& head, bool chunked) {
  if (head.count(http::field::transfer_encoding) > 0 && !chunked) return http::status::bad_request;
  return http::status::ok;
}

http::status status_for_parse_error(const boost::system::error_code& ec,
                                    std::string_view received) {
  if (ec == http::error::body_limit) return http::status::payload_too_large;
  if (ec == http::error::bad_version) {
    // "GET / HTTP/2.0": the syntax is right, the version is not one this server speaks.
    const auto line = received.substr(0, received.find("\r\n"));
    const auto version = line.substr(line.rfind(' ') + 1);
    if (version.size() == 8 && version.substr(0, 5) == "HTTP/" && std::isdigit(version[5]) &&
        version[6] == '.' && std::isdigit(version[7]))
      return http::status::http_version_not_supported;
  }
  return http::status::bad_request;
}

bool status_drops_connection(http::status status) {
  switch (status) {
    case http::status::bad_request:
    case http::status::request_timeout:
    case http::status::length_required:
    case http::status::payload_too_large:
    case http::status::uri_too_long:
    case http::status::internal_server_error:
    case http::status::not_implemented:
    case http::status::service_unavailable:
      return true;
    default:
      return false;
  }
}

bool expects_continue(const http::request_header<>& head) {
  constexpr std::string_view token = "100-continue";
  const auto expect = trim_ows(head[http::field::expect]);
  return expect.size() == token.size() &&
         ::strncasecmp(expect.data(), token.data(), token.size()) == 0;
}

}  // namespace dualhttpd
