// Decides what to send for a request against the docroot: method check, target → file
// (confined with openat2 RESOLVE_BENEATH, so symlinks cannot leave the docroot either),
// directory redirects, index files and listings, validators, conditionals and byte ranges.
// Small files come from a per-thread cache (file_cache.hpp).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <memory>
#include <string>

#include "dualhttpd/docroot_watch.hpp"
#include "dualhttpd/file_cache.hpp"
#include "dualhttpd/mime_types.hpp"
#include "dualhttpd/reply.hpp"
#include "dualhttpd/target_path.hpp"

namespace dualhttpd {

class StaticHandler {
 public:
  // `autoindex`: list directories that have no index.html (else 403).
  StaticHandler(std::shared_ptr<DocrootWatch> docroot, std::shared_ptr<const MimeTypes> mime,
                bool autoindex = false);

  Reply handle(const http::request_header<>& request) const;

 private:
  Reply serve_path(const http::request_header<>& request, const MappedTarget& target) const;
  Reply listing(const DocrootDir& root, const std::string& relative) const;
  Reply serve_file(const http::request_header<>& request, UniqueFd file, const struct stat& st,
                   const std::string& name) const;
  Reply serve_cached(const http::request_header<>& request, const CachedFile& file) const;
  FileCache& cache(std::uint64_t generation) const;

  std::shared_ptr<DocrootWatch> docroot_;
  std::shared_ptr<const MimeTypes> mime_;
  std::string boundary_;  // multipart/byteranges
  bool autoindex_;
};

}  // namespace dualhttpd
