// An existing Apache httpd configuration, read for what dualhttpd can take over from it: the
// Listen, DocumentRoot, DirectoryIndex and Options Indexes lines, following Include and
// IncludeOptional (with globs, relative to ServerRoot). <IfModule> and <IfDefine> are
// evaluated as httpd would: against the modules the configuration loads (LoadModule, so
// Debian's mods-enabled) and those built into httpd, with nothing defined by -D. Everything
// else is left alone.
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

// mod_ssl's certificate and key lines (paths made absolute against ServerRoot).
struct HttpdTlsFiles {
  std::optional<HttpdDirective> certificate;  // SSLCertificateFile
  std::optional<HttpdDirective> key;          // SSLCertificateKeyFile
};

struct HttpdVirtualHost {
  HttpdDirective section;  // <VirtualHost *:80>
  std::optional<HttpdDirective> document_root;
  HttpdTlsFiles tls;
};

struct HttpdConf {
  std::vector<std::string> files;  // every file read, in order
  std::vector<HttpdDirective> listens;
  std::optional<HttpdDirective> document_root;  // the main server's (outside <VirtualHost>)
  HttpdTlsFiles tls;                            // the main server's
  std::vector<HttpdVirtualHost> virtual_hosts;
  std::optional<HttpdDirective> directory_index;
  // Options lines: at the top level (path ""), and of each <Directory PATH>.
  std::vector<std::pair<std::string, HttpdDirective>> options;
  std::vector<std::string> modules;  // loaded, as <IfModule> names them (ssl_module, mod_ssl.c)
};

// What dualhttpd makes of it: the settings, and one line of explanation per directive.
struct HttpdTranslation {
  std::vector<std::string> listen;
  // Where each listen spec comes from ("/etc/apache2/ports.conf:5"), for every problem with it.
  std::vector<std::string> listen_origin;
  std::string root;  // empty: no DocumentRoot
  bool autoindex = false;
  std::optional<std::vector<std::string>> index;  // from DirectoryIndex: the names to serve
  // For the TLS listeners: the certificate and key of the virtual host that listens on
  // their port (else the main server's); empty when none is named.
  std::string tls_cert;
  std::string tls_key;
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
