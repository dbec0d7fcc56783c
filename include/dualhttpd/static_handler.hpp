// Decides what to send for a request against the docroot: method check, target → file
// (confined with openat2 RESOLVE_BENEATH, so symlinks cannot leave the docroot either),
// directory redirects and index files, validators, conditionals and byte ranges.
#pragma once

#include <memory>
#include <string>

#include "dualhttpd/mime_types.hpp"
#include "dualhttpd/reply.hpp"
#include "dualhttpd/unique_fd.hpp"

namespace dualhttpd {

class StaticHandler {
 public:
  StaticHandler(UniqueFd docroot, std::shared_ptr<const MimeTypes> mime);

  Reply handle(const http::request_header<>& request) const;

 private:
  Reply serve_path(const http::request_header<>& request, const std::string& relative,
                   bool trailing_slash, const std::string& redirect_to) const;
  Reply serve_file(const http::request_header<>& request, UniqueFd file,
                   const std::string& name) const;

  UniqueFd docroot_;
  std::shared_ptr<const MimeTypes> mime_;
  std::string boundary_;  // multipart/byteranges
};

// Opens `relative` below `dirfd` without ever leaving it (symlinks included).
// Returns the descriptor, or -errno.
int open_beneath(int dirfd, const std::string& relative);

}  // namespace dualhttpd
