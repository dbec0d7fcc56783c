// An existing Apache httpd configuration, read for what dualhttpd can take over from it: the
// Listen, DocumentRoot, DirectoryIndex and Options Indexes lines, following Include and
// IncludeOptional (with globs, relative to ServerRoot). Everything else is left alone.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace dualhttpd {

// One directive as written: where, its name and its arguments (quotes removed).
struct HttpdDirective {
  std::string file;
  unsigned line = 0;
  std::string name;
  std::vector<std::string> args;

  std::string where() const;  // "/etc/httpd/conf/httpd.conf:42"
};

struct HttpdConf {
  std::vector<std::string> files;  // every file read, in order
  std::vector<HttpdDirective> listens;
  std::optional<HttpdDirective> document_root;
  std::optional<HttpdDirective> directory_index;
  // The Options line of <Directory DOCUMENTROOT> (or, without one, the last top-level one).
  std::optional<HttpdDirective> options;
};

// What dualhttpd makes of it: the settings, and one line of explanation per directive.
struct HttpdTranslation {
  std::vector<std::string> listen;
  std::string root;  // empty: no DocumentRoot
  bool autoindex = false;
  std::vector<std::string> lines;
};

// A file that cannot be read, or an Include that matches no file: what() names it.
struct HttpdConfError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

HttpdConf read_httpd_conf(const std::string& path);

// From text (for tests); `path` names it, and relative includes start at `server_root`.
HttpdConf parse_httpd_conf_text(const std::string& text, const std::string& path,
                                const std::string& server_root);

HttpdTranslation translate_httpd_conf(const HttpdConf& conf);

}  // namespace dualhttpd
