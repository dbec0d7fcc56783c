#include "dualhttpd/base/escaping.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace dualhttpd {

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\')
      out += fmt::format("\\{}", static_cast<char>(c));
    else if (c < 0x20)
      out += fmt::format("\\u{:04x}", c);
    else
      out += static_cast<char>(c);
  }
  return out + "\"";
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string percent_encode_segment(std::string_view s) {
  constexpr std::string_view safe = "-._~!$()*+,;=@";
  std::string out;
  out.reserve(s.size());
  for (const unsigned char c : s) {
    if ((std::isalnum(c) && c < 0x80) || safe.find(static_cast<char>(c)) != std::string_view::npos)
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string directory_url(std::string_view relative) {
  return path_url(relative, true);
}

// Empty segments are left out, so the path never starts with "//" (another host).
std::string path_url(std::string_view relative, bool trailing_slash) {
  std::string url = "/";
  while (!relative.empty()) {
    const auto slash = relative.find('/');
    const auto segment = relative.substr(0, slash);
    relative = slash == std::string_view::npos ? std::string_view{} : relative.substr(slash + 1);
    if (segment.empty()) continue;
    url += percent_encode_segment(segment);
    if (!relative.empty() || trailing_slash) url += '/';
  }
  return url;
}

std::string url_host(std::string_view literal) {
  if (literal.find(':') == std::string_view::npos) return std::string(literal);
  std::string out = "[";
  out += literal;
  out += ']';
  return out;
}

std::string shell_word(std::string_view s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("._-+/:@%=,").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (plain) return std::string(s);
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace dualhttpd
