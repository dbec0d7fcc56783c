#include "dualhttpd/http/request_checks.hpp"

#include <strings.h>

#include <algorithm>
#include <cctype>

#include "dualhttpd/base/escaping.hpp"

namespace dualhttpd {

namespace {

// RFC 9112 section 3.2: a 1.1 request has exactly one Host; so may a 1.0 one. Its value is a
// host name or an address literal, with an optional port: no spaces, slashes or quotes.
bool host_is_valid(const http::request_header<>& request) {
  const auto hosts = request.count(http::field::host);
  if (hosts == 0) return request.version() < 11;
  if (hosts > 1) return false;
  constexpr std::string_view allowed = "-._~!$&'()*+,;=:%[]";
  for (const unsigned char c : request[http::field::host])
    if (c >= 0x80 ||
        (!std::isalnum(c) && allowed.find(static_cast<char>(c)) == std::string_view::npos))
      return false;
  return true;
}

}  // namespace

http::status check_request(const http::request_header<>& head, bool chunked) {
  if (head.count(http::field::transfer_encoding) > 0 && !chunked) return http::status::bad_request;
  if (!host_is_valid(head)) return http::status::bad_request;
  return http::status::ok;
}

http::status check_request_limits(const http::request_header<>& head, const SessionLimits& limits) {
  if (head.target().size() > limits.uri_limit) return http::status::uri_too_long;
  std::size_t fields = 0;
  for (const auto& field : head) {
    if (++fields > limits.field_count_limit) return http::status::request_header_fields_too_large;
    if (field.name_string().size() + 2 + field.value().size() > limits.field_limit)
      return http::status::request_header_fields_too_large;
  }
  return http::status::ok;
}

http::status refuse_request(const http::request_header<>& head, bool chunked,
                            const SessionLimits& limits) {
  if (const auto status = check_request_limits(head, limits); status != http::status::ok)
    return status;
  return check_request(head, chunked);
}

Reply method_reply(http::verb method) {
  Reply reply;
  if (method == http::verb::options)
    reply.content_length = 0;
  else
    reply = error_reply(method == http::verb::unknown ? http::status::not_implemented
                                                      : http::status::method_not_allowed);
  reply.set("Allow", allowed_methods);
  return reply;
}

std::optional<Reply> answer_for_server(const http::request_header<>& head) {
  if (head.target() != "*") return std::nullopt;
  return head.method() == http::verb::options ? method_reply(head.method())
                                              : error_reply(http::status::bad_request);
}

http::status status_for_oversized_head(std::string_view received, const SessionLimits& limits) {
  const auto end_of_line = received.find("\r\n");
  const auto line = end_of_line == std::string_view::npos ? received.size() : end_of_line;
  // "GET " + target + " HTTP/1.1": the target alone is what the URI limit is about.
  return line > limits.uri_limit + 16 ? http::status::uri_too_long
                                      : http::status::request_header_fields_too_large;
}

namespace {

// The first line of what was received, without its line end; `complete` says whether a line
// end (CRLF or a bare LF) came.
std::string_view first_line(std::string_view received, bool* bare_lf = nullptr) {
  const auto lf = received.find('\n');
  const auto line = received.substr(0, lf);
  if (bare_lf) *bare_lf = lf != std::string_view::npos && (lf == 0 || received[lf - 1] != '\r');
  return line.ends_with('\r') ? line.substr(0, line.size() - 1) : line;
}

bool version_syntax(std::string_view v) {
  return v.size() == 8 && v.substr(0, 5) == "HTTP/" &&
         std::isdigit(static_cast<unsigned char>(v[5])) && v[6] == '.' &&
         std::isdigit(static_cast<unsigned char>(v[7]));
}

}  // namespace

http::status status_for_parse_error(const boost::system::error_code& ec,
                                    std::string_view received) {
  if (ec == http::error::body_limit) return http::status::payload_too_large;
  if (ec == http::error::bad_version) {
    // "GET / HTTP/2.0": the syntax is right, the major version is not one this server
    // speaks. A line with more or fewer than two spaces is malformed, whatever it ends with.
    const auto line = first_line(received);
    const auto version = line.substr(line.rfind(' ') + 1);
    if (std::count(line.begin(), line.end(), ' ') == 2 && version_syntax(version) &&
        version[5] != '1')
      return http::status::http_version_not_supported;
  }
  return http::status::bad_request;
}

std::string explain_bad_request_line(std::string_view received, std::string_view example) {
  bool bare_lf = false;
  const auto line = first_line(received, &bare_lf);
  std::string why;
  if (bare_lf)
    why =
        "Its lines end with a bare LF; HTTP/1.1 ends every line with CRLF (RFC 9112 "
        "section 2.2).";
  else if (const auto spaces = std::count(line.begin(), line.end(), ' '); spaces == 1)
    why = "Its request line has no HTTP version (HTTP/0.9 is not served).";
  else if (spaces > 2 && line.find("  ") != std::string_view::npos)
    why =
        "Its request line has two spaces in a row: method, target and version take one "
        "space each.";
  else if (spaces > 2)
    why = "Its request target holds a raw space: write it as %20.";
  else
    return {};
  return why + " To send a request by hand, type: " + std::string(example);
}

std::size_t leading_empty_lines(std::string_view received) {
  std::size_t n = 0;
  for (;;) {
    if (received.substr(n).starts_with("\r\n"))
      n += 2;
    else if (received.substr(n).starts_with('\n'))
      n += 1;
    else
      return n;
  }
}

std::optional<std::size_t> later_minor_version(std::string_view received) {
  const auto end = received.find("\r\n");
  if (end == std::string_view::npos || end < 9) return std::nullopt;
  const auto line = received.substr(0, end);
  if (std::count(line.begin(), line.end(), ' ') != 2) return std::nullopt;
  const auto version = line.substr(line.size() - 8);
  if (line[line.size() - 9] != ' ' || !version_syntax(version) || version[5] != '1' ||
      version[7] < '2')
    return std::nullopt;
  return end - 1;
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
