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
// sub-delimiters as %XX (so '/', '?', '#', '%', spaces and UTF-8 bytes are encoded). ':' is
// encoded too: "a:b" as a relative reference would be read as the scheme "a" (RFC 3986
// section 4.2), which for "javascript:..." runs script.
std::string percent_encode_segment(std::string_view s);

// An IP literal (with its zone, if any) as the host of a URL or an endpoint: IPv6 in brackets
// (RFC 3986 section 3.2.2), IPv4 and names as they are. "[2001:db8::24]", "192.0.2.24".
std::string url_host(std::string_view literal);

// The absolute path of a directory below the docroot, "/a/b%20c/" for "a/b c": exactly one
// leading '/', each segment encoded. Nothing in it can name another host ("//host",
// "/\host") or a scheme.
std::string directory_url(std::string_view relative);

// The same for any path below the docroot: "/a/b%20c", with a trailing '/' when asked.
std::string path_url(std::string_view relative, bool trailing_slash);

// One word for a shell command a fix tells the user to type: as it is when it holds only
// letters, digits and . _ - + / : @ % = ,, else in single quotes ('it'\''s page.html').
std::string shell_word(std::string_view s);

}  // namespace dualhttpd
