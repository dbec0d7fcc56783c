#include "dualhttpd/files/target_path.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

#include "dualhttpd/files/mime_types.hpp"

namespace dualhttpd {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Strips "scheme://authority" from an absolute-form target; nullopt if it is not a URL.
std::optional<std::string_view> path_of_absolute(std::string_view target) {
  const auto sep = target.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  std::string scheme(target.substr(0, sep));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::tolower);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  const auto rest = target.substr(sep + 3);
  const auto slash = rest.find_first_of("/?");
  if (slash == std::string_view::npos) return std::string_view("/");
  if (rest[slash] == '?') return std::nullopt;  // "http://host?q" has no path; keep it simple
  return rest.substr(slash);
}

MappedTarget verdict(TargetVerdict v) {
  MappedTarget m;
  m.verdict = v;
  return m;
}

// Decodes %XX once; a bad escape, an encoded '/' or a NUL sets `why` instead.
std::optional<std::string> percent_decode(std::string_view in, TargetVerdict& why) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    const bool complete = i + 2 < in.size();
    const int hi = complete ? hex_value(in[i + 1]) : -1;
    const int lo = complete ? hex_value(in[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      why = TargetVerdict::bad_request;
      return std::nullopt;
    }
    const char c = static_cast<char>(hi * 16 + lo);
    if (c == '/') {
      why = TargetVerdict::not_found;
      return std::nullopt;
    }
    out += c;
    i += 2;
  }
  if (out.find('\0') != std::string::npos) {  // no file name holds one: 404, as httpd
    why = TargetVerdict::not_found;
    return std::nullopt;
  }
  return out;
}

bool hidden(std::string_view segment) {
  return segment.size() > 1 && segment[0] == '.' && segment != ".well-known";
}

}  // namespace

MappedTarget map_target(std::string_view target) {
  if (target.find('#') != std::string_view::npos) return verdict(TargetVerdict::bad_request);
  auto path = target;
  if (target.empty() || target.front() != '/') {
    const auto absolute = path_of_absolute(target);
    if (!absolute) return verdict(TargetVerdict::bad_request);
    path = *absolute;
  }
  MappedTarget m;
  if (const auto q = path.find('?'); q != std::string_view::npos) {
    m.query = std::string(path.substr(q + 1));
    path = path.substr(0, q);
  }
  TargetVerdict why = TargetVerdict::ok;
  const auto decoded = percent_decode(path, why);
  if (!decoded) return verdict(why);
  // Views into *decoded; eight levels deep before the vector allocates.
  boost::container::small_vector<std::string_view, 8> segments;
  const std::string_view clean = *decoded;
  std::size_t start = 0;
  while (start <= clean.size()) {
    const auto end = std::min(clean.find('/', start), clean.size());
    const auto seg = clean.substr(start, end - start);
    start = end + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (segments.empty()) return verdict(TargetVerdict::bad_request);
      segments.pop_back();
      continue;
    }
    segments.push_back(seg);
  }
  for (const auto seg : segments) {
    if (hidden(seg)) return verdict(TargetVerdict::forbidden);
    if (!m.relative.empty()) m.relative += '/';
    m.relative += seg;
  }
  m.trailing_slash = decoded->empty() || decoded->back() == '/' || decoded->ends_with("/.") ||
                     decoded->ends_with("/..");
  return m;
}

std::string index_name_problem(std::string_view name) {
  if (name.empty()) return "an index name cannot be empty";
  if (name.find('/') != std::string_view::npos)
    return "an index is a file name, looked up in the directory asked for: it has no '/'";
  if (name.front() == '.') return "a name starting with '.' is never served (dotfiles are hidden)";
  return {};
}

std::string likely_index_page(const std::vector<std::string>& file_names) {
  using boost::algorithm::iequals;
  std::vector<std::string> pages;
  for (const auto& name : file_names) {
    if (!index_name_problem(name).empty()) continue;  // a dotfile is not a page
    const auto extension = file_extension(name);
    if (iequals(extension, "html") || iequals(extension, "htm") || iequals(extension, "xhtml"))
      pages.push_back(name);
  }
  for (const std::string_view stem : {"index", "default", "home"})
    for (const auto& page : pages)
      if (iequals(std::string_view(page).substr(0, page.rfind('.')), stem)) return page;
  return pages.size() == 1 ? pages.front() : std::string();
}

}  // namespace dualhttpd
