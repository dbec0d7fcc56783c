// The command line, over the configuration file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dualhttpd/base/program_path.hpp"
#include "dualhttpd/files/target_path.hpp"
#include "dualhttpd/probe/probe.hpp"

namespace dualhttpd {

struct Options {
  std::vector<std::string> listen;  // empty: [::1]:8080 and 127.0.0.1:8080
  bool listen_defaulted = false;    // no listen given: start on the half of the default that works
  std::vector<std::string> listen_origin;  // from httpd's configuration: "FILE:LINE" per spec
  std::string root;                        // empty: www/ of the checkout
  unsigned threads = 0;                    // 0: one per hardware thread
  bool ipv4_mapped = false;
  bool freebind = false;
  unsigned bind_wait = 0;  // seconds to wait for missing or tentative addresses
  bool check = false;
  std::string from_httpd_conf;  // an httpd.conf to take Listen, DocumentRoot, ... from
  std::string config;  // the file read (--config FILE, else the default if it exists), or empty
  std::string config_note;  // why none was read, for the start-up log and --check
  bool autoindex = false;   // list directories without an index
  // What a directory's URL is answered with: the first of these files that exists in it.
  std::vector<std::string> index = {std::string(default_index_name)};
  std::string access_log = "-";
  std::string error_log = "-";
  std::string log_level = "info";
  std::string mime_types = "/etc/mime.types";
  std::string health_path = "/healthz";
  std::string user;  // started as root, serve as this user (empty: nobody)
  unsigned shutdown_timeout = 10;
  unsigned keepalive_timeout = 5;
  unsigned header_timeout = 10;
  unsigned write_timeout = 60;
  std::size_t limit_request_line = 8190;
  std::size_t limit_request_field_size = 8190;
  std::size_t limit_request_fields = 100;
  std::uint32_t limit_request_head = 32 * 1024;
  std::uint64_t limit_request_body = std::uint64_t{64} * 1024;
  unsigned max_keepalive_requests = 100;
  std::size_t max_connections = 10000;
  // TLS listeners ("[::1]:8443 https"): the certificate and key given, or made here.
  std::string tls_cert;  // PEM: the server's certificate, then its chain
  std::string tls_key;
  bool tls_self_signed = false;    // a local CA and a certificate naming every listener
  std::string state_dir;           // where --tls-self-signed keeps them; empty: the default
  bool redirect_to_https = false;  // plain listeners answer 301 to the TLS one
};

struct ParsedOptions {
  Options options;
  std::optional<ProbeOptions> probe;  // set for `dualhttpd probe URL...`
  std::optional<int> exit_code;       // set when the program should stop now (--help, errors)
};

ParsedOptions parse_options(int argc, char** argv);

std::vector<std::string> default_listen();

// Whether a log option (--access-log, --error-log) names a file: not "-" (the standard
// stream) and not "off".
bool names_a_file(const std::string& log_target);

// The configuration file read when --config is not given: none from a build tree.
std::string default_config_file();

// Where --tls-self-signed keeps its CA and certificate without --state-dir: the package's
// /var/lib/dualhttpd, or state/ in the build tree for a binary run from it.
std::string default_state_dir();

}  // namespace dualhttpd
