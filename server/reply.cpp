#include "dualhttpd/reply.hpp"

#include <fmt/format.h>

#include "dualhttpd/http_text.hpp"

namespace dualhttpd {

namespace {

std::string_view explanation(http::status status) {
  switch (status) {
    case http::status::bad_request:
      return "Your browser sent a request that this server could not understand.";
    case http::status::forbidden:
      return "You don't have permission to access this resource.";
    case http::status::not_found:
      return "The requested URL was not found on this server.";
    case http::status::method_not_allowed:
      return "The requested method is not allowed for this URL.";
    case http::status::not_implemented:
      return "The requested method is not implemented by this server.";
    case http::status::range_not_satisfiable:
      return "None of the range-specifier values in the Range request-header field overlap "
             "the current extent of the selected resource.";
    default:
      return "";
  }
}

}  // namespace

Reply error_reply(http::status status, std::string_view detail) {
  Reply reply;
  const auto reason = http::obsolete_reason(status);
  auto& m = reply.message;
  m.result(status);
  m.set(http::field::content_type, "text/html; charset=UTF-8");
  m.body() = fmt::format(
      "<!DOCTYPE html>\n<html><head><title>{} {}</title></head>\n<body><h1>{}</h1>\n<p>{}</p>\n"
      "</body></html>\n",
      static_cast<unsigned>(status), reason, reason,
      detail.empty() ? std::string(explanation(status)) : html_escape(detail));
  m.content_length(m.body().size());
  return reply;
}

std::uint64_t Reply::body_bytes() const {
  if (cached) return cached_head_only ? 0 : cached->bytes.size();
  if (!file) return message.body().size();
  std::uint64_t bytes = tail.size();
  for (const auto& span : spans) bytes += span.head.size() + span.length;
  return bytes;
}

void strip_body_for_head(Reply& reply) {
  if (reply.cached) {  // its Content-Length is rendered already
    reply.cached_head_only = true;
    return;
  }
  if (reply.file || !reply.message.body().empty()) reply.message.content_length(reply.body_bytes());
  reply.message.body().clear();
  reply.file.reset();
  reply.spans.clear();
  reply.tail.clear();
}

}  // namespace dualhttpd
