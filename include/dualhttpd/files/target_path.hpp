// Maps a request target to a path below the docroot, lexically: decode once, refuse what
// could escape or hide, resolve dot segments. The file system check (symlinks) comes later.
#pragma once

#include <string>
#include <string_view>

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

}  // namespace dualhttpd
