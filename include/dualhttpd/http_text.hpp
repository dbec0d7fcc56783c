// Small helpers for header values.
#pragma once

#include <string>
#include <string_view>

namespace dualhttpd {

// Strips optional white space (spaces and tabs, RFC 9110 §5.6.3) from both ends.
constexpr std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A JSON string literal: quotes, backslashes and control characters escaped.
std::string json_quote(std::string_view s);

// Text for HTML content and attribute values: & < > " ' as character references.
std::string html_escape(std::string_view s);

// One path segment for a URL: every byte but RFC 3986 unreserved ones and a few safe
// sub-delimiters as %XX (so '/', '?', '#', '%', spaces and UTF-8 bytes are encoded).
std::string percent_encode_segment(std::string_view s);

}  // namespace dualhttpd
