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

}  // namespace dualhttpd
