#include "dualhttpd/http/request_checks.hpp"

#include <strings.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "dualhttpd/base/escaping.hpp"

namespace dualhttpd {

namespace {

// RFC 9112 section 3.2: a 1.1 request has exactly one Host; so may a 1.0 one. Its value is a
// host name or an address literal, with an optional port: no spaces, slashes or quotes.
// What is wrong with the request's Host, or "".
std::string host_problem(const http::request_header<>& request) {
  const auto hosts = request.count(http::field::host);
  if (hosts == 0) {
    if (request.version() < 11) return {};
    return "An HTTP/1.1 request names the server in a Host header field, and this one has "
           "none (RFC 9112 section 3.2).";
  }
  if (hosts > 1)
    return fmt::format(
        "The request has {} Host header fields; it may have one (RFC 9112 section "
        "3.2).",
        hosts);
  constexpr std::string_view allowed = "-._~!$&'()*+,;=:%[]";
  for (const unsigned char c : request[http::field::host])
    if (c >= 0x80 ||
        (!std::isalnum(c) && allowed.find(static_cast<char>(c)) == std::string_view::npos))
      return "Its Host header field is not a host name or an address literal with an "
             "optional port (RFC 9112 section 3.2).";
  return {};
}

}  // namespace

Refusal check_request(const http::request_header<>& head, bool chunked) {
  if (head.count(http::field::transfer_encoding) > 0 && !chunked)
    return {http::status::bad_request,
            fmt::format("Its Transfer-Encoding ({}) does not end with chunked, so where its body "
                        "ends cannot be known (RFC 9112 section 6.1).",
                        std::string_view(head[http::field::transfer_encoding]))};
  if (auto why = host_problem(head); !why.empty()) return {http::status::bad_request, why};
  return {};
}

Refusal check_request_limits(const http::request_header<>& head, const SessionLimits& limits) {
  if (head.target().size() > limits.uri_limit)
    return {http::status::uri_too_long,
            fmt::format("The request target is {} bytes long; this server reads targets of up "
                        "to {} bytes.",
                        head.target().size(), limits.uri_limit)};
  std::size_t fields = 0;
  for (const auto& field : head) {
    if (++fields > limits.field_count_limit)
      return {http::status::request_header_fields_too_large,
              fmt::format("The request has more than {} header fields, the most this server "
                          "reads.",
                          limits.field_count_limit)};
    if (const auto size = field.name_string().size() + 2 + field.value().size();
        size > limits.field_limit)
      return {http::status::request_header_fields_too_large,
              fmt::format("Its header field {} is {} bytes long; this server reads fields of up "
                          "to {} bytes.",
                          std::string_view(field.name_string()), size, limits.field_limit)};
  }
  return {};
}

Refusal refuse_request(const http::request_header<>& head, bool chunked,
                       const SessionLimits& limits) {
  if (auto refusal = check_request_limits(head, limits); refusal.status != http::status::ok)
    return refusal;
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

std::string with_line_to_type(std::string why, std::string_view example) {
  why += " To send a request by hand, type: ";
  why += example;
  return why;
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
  return with_line_to_type(std::move(why), example);
}

namespace {

// What Beast's parser found wrong in a head whose request line was fine; `rest` is the head
// from the line where it stopped.
std::string parser_finding(const boost::system::error_code& ec, std::string_view rest) {
  bool bare_lf = false;
  first_line(rest, &bare_lf);
  if (ec == http::error::bad_transfer_encoding)
    return "It has both Transfer-Encoding and Content-Length, or a transfer coding this server "
           "cannot read; a request has one or the other (RFC 9112 section 6.1), or a second "
           "request could hide in its body.";
  if (bare_lf || ec == http::error::bad_line_ending)
    return "Its lines end with a bare LF or CR; HTTP/1.1 ends every line with CRLF (RFC 9112 "
           "section 2.2).";
  if (ec == http::error::multiple_content_length)
    return "It has more than one Content-Length (RFC 9112 section 6.3).";
  if (ec == http::error::bad_content_length) return "Its Content-Length is not a number.";
  if (ec == http::error::bad_field)
    return "A header field line is malformed: a name with a space in it, or no colon.";
  if (ec == http::error::bad_value) return "A header field's value holds a control character.";
  if (ec == http::error::bad_chunk || ec == http::error::bad_chunk_extension)
    return "Its chunked body is malformed (RFC 9112 section 7.1).";
  if (ec == http::error::bad_method)
    return "Its method is not a token: letters, digits and !#$%&'*+-.^_`|~ only.";
  if (ec == http::error::bad_target)
    return "Its request target holds a character a URL may not: percent-encode it.";
  return fmt::format("Its head is not HTTP/1.1 as RFC 9112 writes it ({}).", ec.message());
}

}  // namespace

std::string explain_unparsed_head(http::status status, const boost::system::error_code& ec,
                                  std::string_view received, bool line_read,
                                  const SessionLimits& limits, std::string_view example) {
  switch (status) {
    case http::status::bad_request:
      if (!line_read)
        if (auto why = explain_bad_request_line(received, example); !why.empty()) return why;
      if (ec == http::error::buffer_overflow)  // a chunked body's lines, past the head
        return fmt::format(
            "A chunk's size line, its extensions or the trailer of the body is "
            "longer than this server buffers: {} bytes.",
            limits.read_buffer_limit());
      return with_line_to_type(parser_finding(ec, line_read ? received : std::string_view{}),
                               example);
    case http::status::http_version_not_supported:
      if (received.starts_with("PRI * HTTP/2.0\r\n"))
        return "This is HTTP/2's connection preface: the client was told this port speaks "
               "HTTP/2 without asking (as curl --http2-prior-knowledge does). This server "
               "speaks HTTP/1.0 and HTTP/1.1: leave that option out, or ask with --http2, "
               "which settles on HTTP/1.1 here.";
      {
        const auto line = first_line(received);
        return fmt::format(
            "The request asks for {}; this server speaks HTTP/1.0 and HTTP/1.1. Send it as "
            "HTTP/1.1.",
            line.substr(line.rfind(' ') + 1));
      }
    case http::status::request_timeout:
      return fmt::format(
          "The request's head did not arrive within {} s, the time this server "
          "gives one. Send the whole head at once.",
          limits.header_timeout.count());
    case http::status::payload_too_large:
      return fmt::format(
          "The request carried a body of more than {} bytes, the most this "
          "server reads and drops on GET and HEAD, which need none.",
          limits.body_limit);
    case http::status::uri_too_long:
      return fmt::format(
          "The request line is longer than this server reads; it takes targets of up to {} "
          "bytes.",
          limits.uri_limit);
    case http::status::request_header_fields_too_large:
      return fmt::format(
          "The request's head is larger than {} bytes, the most this server "
          "reads (each header field up to {} bytes).",
          limits.header_limit, limits.field_limit);
    default:
      return {};
  }
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
