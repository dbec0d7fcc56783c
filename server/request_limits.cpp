#include "dualhttpd/request_limits.hpp"

namespace dualhttpd {

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

http::status status_for_oversized_head(std::string_view received, const SessionLimits& limits) {
  const auto end_of_line = received.find("\r\n");
  const auto line = end_of_line == std::string_view::npos ? received.size() : end_of_line;
  // "GET " + target + " HTTP/1.1": the target alone is what the URI limit is about.
  return line > limits.uri_limit + 16 ? http::status::uri_too_long
                                      : http::status::request_header_fields_too_large;
}

}  // namespace dualhttpd
