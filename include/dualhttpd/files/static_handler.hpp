// Decides what to send for a request for a path: target → file (confined with openat2
// RESOLVE_BENEATH, so symlinks cannot leave the docroot either), the method, directory
// redirects, index files and listings, conditionals and byte ranges. The protocol's checks
// (limits, framing, Host, OPTIONS *) have been made before (request_checks.hpp).
#pragma once

#include <boost/beast/http/message.hpp>

#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "dualhttpd/files/docroot_watch.hpp"
#include "dualhttpd/files/file_cache.hpp"
#include "dualhttpd/files/mime_types.hpp"
#include "dualhttpd/files/target_path.hpp"
#include "dualhttpd/http/reply.hpp"

namespace dualhttpd {

// What one worker keeps for serving files, used on its thread only: its hold on the docroot
// directory served now, and its cache of that directory's small files.
struct FileState {
  DocrootWatch::View docroot;
  FileCache cache;
};

class StaticHandler {
 public:
  // `autoindex`: list directories that have no index (else 403). `index_names`: the file
  // names a directory's URL is answered with, the first that exists (httpd's DirectoryIndex);
  // each with no index_name_problem.
  StaticHandler(std::shared_ptr<DocrootWatch> docroot, std::shared_ptr<const MimeTypes> mime,
                bool autoindex = false,
                std::vector<std::string> index_names = {std::string(default_index_name)});

  // A worker's own state for this handler; `cache` false: every file is opened for its
  // request.
  FileState worker_state(bool cache = true) const;
  Reply handle(const http::request_header<>& request, FileState& state) const;
  // --redirect-to-https: 301 to the same path on https://HOST:PORT, `host` being the
  // address the client reached ("[2001:db8::24]", "192.0.2.24"). The path is the normalised
  // one, never the target as sent; a target that maps to no path gets its error instead.
  Reply redirect_to_https(const http::request_header<>& request, std::string_view host,
                          std::uint16_t port) const;

 private:
  Reply serve_path(const http::request_header<>& request, const MappedTarget& target,
                   FileState& state) const;
  Reply serve_directory(const http::request_header<>& request, const std::string& relative,
                        FileState& state, const DocrootDir& root,
                        FileCache::Clock::time_point now) const;
  Reply listing(const DocrootDir& root, const std::string& relative) const;
  Reply serve_file(const http::request_header<>& request, UniqueFd file, const struct stat& st,
                   const std::string& name) const;
  Reply serve_cached(const http::request_header<>& request, const CachedFile& file) const;

  std::shared_ptr<DocrootWatch> docroot_;
  std::shared_ptr<const MimeTypes> mime_;
  std::string boundary_;  // multipart/byteranges
  std::vector<std::string> index_names_;
  bool autoindex_;
};

}  // namespace dualhttpd
