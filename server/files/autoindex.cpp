#include "dualhttpd/files/autoindex.hpp"

#include <fmt/format.h>

#include "dualhttpd/base/escaping.hpp"

namespace dualhttpd {

namespace {

std::string_view parent_of(std::string_view relative) {
  const auto slash = relative.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : relative.substr(0, slash);
}

}  // namespace

std::string render_listing(std::string_view relative, const std::vector<DirectoryEntry>& entries) {
  const auto title = html_escape(fmt::format("/{}", relative));
  std::string page = fmt::format(
      "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Index of {0}</title>\n"
      "</head>\n<body>\n<h1>Index of {0}</h1>\n<ul>",
      title);
  if (!relative.empty())
    page += fmt::format("<li><a href=\"{}\"> Parent Directory</a></li>\n",
                        html_escape(directory_url(parent_of(relative))));
  for (const auto& entry : entries) {
    const auto slash = entry.directory ? "/" : "";
    page += fmt::format("<li><a href=\"{}{}\"> {}{}</a></li>\n",
                        html_escape(percent_encode_segment(entry.name)), slash,
                        html_escape(entry.name), slash);
  }
  return page + "</ul>\n</body>\n</html>\n";
}

}  // namespace dualhttpd
