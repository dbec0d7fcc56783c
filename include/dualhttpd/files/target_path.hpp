// Maps a request target to a path below the docroot, lexically: decode once, refuse what
// could escape or hide, resolve dot segments. The file system check (symlinks) comes later.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dualhttpd {

enum class TargetVerdict {
  ok,
  bad_request,  // 400: not a path, bad escape, '#', '..' above the root
  forbidden,    // 403: a segment starting with '.', other than .well-known
  not_found,    // 404: an encoded '/' (as httpd's AllowEncodedSlashes Off) or NUL
};

struct MappedTarget {
  TargetVerdict verdict = TargetVerdict::ok;
  std::string relative;         // "dir/file.txt", "" for the root; decoded, no leading '/'
  std::string query;            // after '?', without it
  bool trailing_slash = false;  // the decoded path ends in '/'
};

// Accepts origin-form ("/a/b?q") and absolute-form ("http://host/a/b?q").
MappedTarget map_target(std::string_view target);

// The file a directory's URL is answered with, unless configured otherwise (--index).
inline constexpr std::string_view default_index_name = "index.html";

// Why `name` cannot be an index name (empty: it can). An index is a file of the directory
// asked for: a name with '/' would reach elsewhere, and one starting with '.' would be a
// dotfile, which map_target hides.
std::string index_name_problem(std::string_view name);

// Of the file names in a directory without an index, the page most likely meant as one: the
// one named index, default or home (in that order) with .html, .htm or .xhtml, else the only
// such page; "" when there is none or no telling which.
std::string likely_index_page(const std::vector<std::string>& file_names);

}  // namespace dualhttpd
