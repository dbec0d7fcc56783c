#include "dualhttpd/app/options.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <type_traits>

#include "dualhttpd/address/listen_spec.hpp"
#include "dualhttpd/address/machine_snapshot.hpp"
#include "dualhttpd/app/config_file.hpp"
#include "dualhttpd/app/httpd_conf.hpp"
#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/base/escaping.hpp"
#include "dualhttpd/base/exit_codes.hpp"
#include "dualhttpd/files/target_path.hpp"
#include "dualhttpd/listen/listener_plan.hpp"

namespace dualhttpd {

namespace {

constexpr const char* probe_footer =
    R"(URLS (numeric hosts only, as curl -g takes them)
  http://[2001:db8:21c::24]:8080/      an IPv6 address, in brackets, then the port
  https://[2001:db8:21c::24]/          over TLS: the version, the certificate, and whether it
                                       verifies for this address (--cacert FILE)
  http://[fe80::a00:27ff:fe51:575%25vboxnet0]:8080/
                                       link-local: %25 and THIS host's interface on the link
  http://192.0.2.24/                   an IPv4 address

It asks the kernel for the route and the source address, connects, fetches /healthz (or /,
or the URL's own path) and says what the server saw of this client.

EXIT STATUS
  0 reachable, and the server answered below 400 (over https, with a certificate that
    verified)   1 no route, no connection, or an error, or a certificate that did not verify
  2 a URL that cannot be probed (not http(s)://, not numeric, no brackets))";

constexpr const char* footer =
    R"(LISTEN SPECS (httpd's Listen syntax; numeric only, never looked up in DNS)
  [2001:db8::24]:80                 one IPv6 address
  192.0.2.10:80                     one IPv4 address
  [fe80::a00:27ff:fe51:575%enp0s8]:80
                                    a link-local address needs its interface (zone)
  [::]:8080  0.0.0.0:8080           every address of one family
  8080                              both of the above; [::]:8080 stays IPv6-only

EXAMPLES
  dualhttpd                                       serve www/ on [::1]:8080 and 127.0.0.1:8080
  dualhttpd --root /var/www/html --listen '[2001:db8:21c::24]:80'
  dualhttpd --check --listen '[fe80::a00:27ff:fe51:575]:80'    say why a bind would fail
  curl -g 'http://[2001:db8:21c::24]/'            test it from another host

EXIT STATUS
  0 ok (or --check found nothing wrong)   1 failed while running
  2 bad command line, listen spec or docroot   3 a listener cannot be opened here

Signals: SIGTERM/SIGINT stop gracefully; SIGHUP reopens the log files and the docroot, and
loads the TLS certificate and key again.
The manual, man 8 dualhttpd, has every bind error with its cause and fix, the configuration
file, systemd and the files.)";

// A spec as it can work on this machine: the parser's suggestion for one it refuses, the
// zone of the one interface that holds a link-local address written without it; else as is.
std::string working_spec(const std::string& text) {
  const auto parsed = parse_listen_spec(text);
  if (!parsed.ok()) return parsed.suggestion.empty() ? text : parsed.suggestion;
  const auto& spec = parsed.specs.front();
  if (spec.family() != Family::ipv6 || !spec.address.is_link_local() || !spec.zone.empty())
    return text;
  const auto zoned = zoned_alternatives(spec, read_machine_snapshot());
  return zoned.size() == 1 ? zoned.front() : text;
}

// --from-httpd-conf (or the key from_httpd_conf): httpd's lines as dualhttpd's options, over
// the configuration file's (the command line's own --listen, --root and --autoindex still
// win), each told on stdout.
bool apply_httpd_conf(const CLI::App& app, Options& o) {
  HttpdConf conf;
  try {
    conf = read_httpd_conf(o.from_httpd_conf);
  } catch (const HttpdConfError& e) {
    fmt::print(
        stderr, "dualhttpd: {}",
        format_diagnostic(
            {e.what(), "", "name httpd's main file (httpd -V shows it: SERVER_CONFIG_FILE)"}));
    return false;
  }
  const auto t = translate_httpd_conf(conf);
  fmt::print("from httpd's configuration {} ({} file{} read):\n", o.from_httpd_conf,
             conf.files.size(), conf.files.size() == 1 ? "" : "s");
  for (const auto& line : t.lines) fmt::print("  {}\n", line);
  if (!t.listen.empty() && app.count("--listen") == 0) {
    o.listen = t.listen;
    o.listen_origin = t.listen_origin;
  }
  if (!t.root.empty() && app.count("--root") == 0) o.root = t.root;
  if (app.count("--autoindex") == 0) o.autoindex = t.autoindex;
  if (app.count("--index") == 0 && t.index) o.index = *t.index;
  if (!t.tls_cert.empty() && app.count("--tls-cert") == 0 && app.count("--tls-key") == 0 &&
      !o.tls_self_signed) {
    o.tls_cert = t.tls_cert;
    o.tls_key = t.tls_key;
  }
  // The command line to use from now on: each spec as it can work here (the problems of the
  // spec as httpd wrote it are still reported by --check and a start).
  std::string command = "dualhttpd";
  if (!o.root.empty()) command += " --root " + o.root;
  for (const auto& spec : o.listen) command += " --listen '" + working_spec(spec) + "'";
  if (o.index != Options{}.index)
    for (const auto& name : o.index) command += " --index " + name;
  if (o.autoindex) command += " --autoindex";
  if (!o.tls_cert.empty()) command += " --tls-cert " + o.tls_cert + " --tls-key " + o.tls_key;
  if (o.tls_self_signed) command += " --tls-self-signed";
  fmt::print("as a dualhttpd command line: {}\n", command);
  return true;
}

template <class T>
constexpr ConfigKind kind_of() {
  if constexpr (std::is_same_v<T, bool>)
    return ConfigKind::flag;
  else if constexpr (std::is_integral_v<T>)
    return ConfigKind::number;
  else if constexpr (std::is_same_v<T, std::string>)
    return ConfigKind::text;
  else
    return ConfigKind::list;
}

bool parse_quietly(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return true;
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return false;
  }
}

// The file named by --config (or the default one, if it exists) into the options, key by key,
// so an error names its line; `used` is its path. False (and a message on stderr) when it is
// unreadable or wrong.
bool apply_config_file(CLI::App& app, const std::vector<ConfigKey>& keys,
                       const std::string& requested, std::string& used, std::string& note) {
  if (requested == "none") {
    note = "none (--config none)";
    return true;
  }
  const auto fallback = default_config_file();
  std::error_code ec;
  if (requested.empty() && (fallback.empty() || !std::filesystem::exists(fallback, ec))) {
    note = fallback.empty() ? "none (a build run from its build tree reads " DUALHTTPD_CONFIG_FILE
                              " only when --config names it)"
                            : "none (" DUALHTTPD_CONFIG_FILE " does not exist)";
    return true;
  }
  const std::string path = requested.empty() ? fallback : requested;
  try {
    for (const auto& setting : read_config_file(path, keys)) {
      auto arguments = setting.arguments;
      std::reverse(arguments.begin(), arguments.end());  // CLI11 takes a vector back to front
      try {
        app.parse(arguments);
      } catch (const CLI::ParseError& e) {
        throw ConfigError(format_diagnostic(
            {fmt::format("{}:{}: cannot use key '{}'", path, setting.line, setting.key), e.what(),
             "see dualhttpd --help for what it takes"}));
      }
    }
  } catch (const ConfigError& e) {
    fmt::print(stderr, "dualhttpd: {}", e.what());
    return false;
  }
  used = path;
  return true;
}

}  // namespace

std::vector<std::string> default_listen() {
  return {"[::1]:8080", "127.0.0.1:8080"};
}

bool names_a_file(const std::string& log_target) {
  return log_target != "-" && log_target != "off";
}

std::string default_config_file() {
  return run_from_build_tree() ? std::string() : std::string(DUALHTTPD_CONFIG_FILE);
}

std::string default_state_dir() {
  return run_from_build_tree() ? std::string(DUALHTTPD_BUILD_DIR "/state")
                               : std::string(DUALHTTPD_STATE_DIR);
}

ParsedOptions parse_options(int argc, char** argv) {
  ParsedOptions out;
  auto& o = out.options;
  CLI::App app{"dualhttpd: a small dual-stack (IPv6 + IPv4) static-file HTTP server", "dualhttpd"};
  app.set_version_flag("--version", std::string("dualhttpd ") + DUALHTTPD_VERSION);
  app.footer(footer);
  std::vector<ConfigKey> keys;
  // Every option but the actions (--check, --config) is also a key of the configuration file.
  const auto add = [&](const std::string& names, auto& variable, const std::string& help) {
    using T = std::remove_reference_t<decltype(variable)>;
    CLI::Option* option = nullptr;
    if constexpr (std::is_same_v<T, bool>)
      option = app.add_flag(names, variable, help);
    else
      option = app.add_option(names, variable, help);
    keys.push_back({option->get_lnames().front(), kind_of<T>()});
    return option;
  };
  // One spec per --listen: CLI11 would otherwise read "[::1]" as a list and drop the brackets.
  add("-l,--listen", o.listen, "address and port to listen on; repeat for more")
      ->type_name("SPEC")
      ->allow_extra_args(false);
  add("-r,--root", o.root, "the docroot to serve (default: www/ of the checkout)")
      ->type_name("DIR");
  add("--threads", o.threads, "worker threads (default: one per hardware thread)")
      ->check(CLI::Range(1u, 1024u));
  add("--index", o.index,
      "file a directory's URL is answered with, the first that exists of those given; repeat "
      "for more (httpd's DirectoryIndex; default: index.html)")
      ->type_name("NAME")
      ->allow_extra_args(false);
  add("--autoindex", o.autoindex,
      "list directories that have no index (httpd's Options Indexes); else 403");
  add("--ipv4-mapped", o.ipv4_mapped,
      "let [::]:PORT also accept IPv4 clients as ::ffff:a.b.c.d (IPV6_V6ONLY off)");
  add("--bind-wait", o.bind_wait,
      "wait up to this long for addresses that are missing or tentative (at boot)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0u, 3600u));
  add("--freebind", o.freebind,
      "bind even to addresses this machine does not have yet (IP_FREEBIND)");
  app.add_flag("-t,--check", o.check,
               "check the configuration, the listeners (with a trial bind) and the docroot, "
               "then exit");
  add("--from-httpd-conf", o.from_httpd_conf,
      "take Listen, DocumentRoot, DirectoryIndex and Options Indexes from an httpd "
      "configuration (with its Includes), say what dualhttpd makes of them; with --check, check "
      "them")
      ->type_name("FILE");
  app.add_option("-c,--config", o.config,
                 "configuration file (TOML; default: " DUALHTTPD_CONFIG_FILE
                 " if it exists, none for a binary run from its build tree); none: read none")
      ->type_name("FILE|none");
  add("--access-log", o.access_log, "combined-format access log: FILE, - or off")
      ->type_name("FILE|-|off");
  add("--error-log", o.error_log, "error log: FILE or - for stderr")->type_name("FILE|-");
  add("--log-level", o.log_level, "error log level")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  add("--health-path", o.health_path,
      "path of the JSON health answer (client, local address, interface), or off")
      ->type_name("PATH|off");
  add("--mime-types", o.mime_types, "mime.types file to read")->type_name("FILE");
  add("--user", o.user,
      "started as root, serve as this user once the listeners are open (default: nobody; "
      "root is refused)")
      ->type_name("USER");
  // A timeout of 0 would close every connection before its answer, or cut every body larger
  // than a socket buffer: refused, with the range.
  add("--shutdown-timeout", o.shutdown_timeout,
      "seconds to finish in-flight responses on SIGTERM (0: close them at once)")
      ->check(CLI::Range(0u, 3600u));
  add("--keepalive-timeout", o.keepalive_timeout,
      "seconds an idle connection is kept (0: no keep-alive, Connection: close)")
      ->check(CLI::Range(0u, 3600u));
  add("--header-timeout", o.header_timeout,
      "seconds to receive a request head, else 408 (slowloris)")
      ->check(CLI::Range(1u, 3600u));
  add("--write-timeout", o.write_timeout, "seconds a client may stop reading")
      ->check(CLI::Range(1u, 3600u));
  add("--limit-request-line", o.limit_request_line,
      "longest request target, else 414 (httpd's LimitRequestLine)");
  add("--limit-request-field-size", o.limit_request_field_size,
      "longest header field, else 431 (LimitRequestFieldSize)");
  add("--limit-request-fields", o.limit_request_fields,
      "most header fields, else 431 (LimitRequestFields)");
  add("--limit-request-head", o.limit_request_head, "largest request head in bytes, else 431");
  add("--limit-request-body", o.limit_request_body,
      "largest body read and dropped on GET/HEAD, else 413 and close");
  add("--max-keepalive-requests", o.max_keepalive_requests,
      "requests per connection before Connection: close (MaxKeepAliveRequests)")
      ->check(CLI::Range(1u, 1000000u));
  add("--max-connections", o.max_connections,
      "simultaneous connections; more are accepted and closed at once")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  add("--tls-cert", o.tls_cert,
      "certificate (PEM, then its chain) for the listeners with https after them")
      ->type_name("FILE");
  add("--tls-key", o.tls_key, "the certificate's private key (PEM; not readable by all)")
      ->type_name("FILE");
  add("--tls-self-signed", o.tls_self_signed,
      "for the https listeners, make (once) a local CA and a certificate that names every "
      "listener's address, kept in --state-dir")
      ->excludes("--tls-cert");
  add("--redirect-to-https", o.redirect_to_https,
      "plain listeners answer 301 to the same path on the TLS listener of the address the "
      "client reached (/healthz still answers)");
  add("--state-dir", o.state_dir,
      "where --tls-self-signed keeps its CA and certificate (default: /var/lib/dualhttpd)")
      ->type_name("DIR");
  ProbeOptions probe;
  auto* probe_cmd = app.add_subcommand(
      "probe", "from the client side: check the route to a server and fetch its /healthz");
  probe_cmd->add_option("URL", probe.urls, "http://[2001:db8:21c::24]:8080/ (zone as %25IFACE)")
      ->required();
  probe_cmd->add_flag("--json", probe.json, "one JSON object per URL, for scripts");
  probe_cmd
      ->add_option("--cacert", probe.cacert,
                   "https://: verify the certificate with this CA (PEM; e.g. the server's "
                   "/var/lib/dualhttpd/ca.pem), not the system's")
      ->type_name("FILE");
  probe_cmd->add_option("--timeout", probe.timeout_s, "seconds to wait for the server")
      ->check(CLI::Range(1u, 600u));
  probe_cmd->footer(probe_footer);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    out.exit_code = code == 0 ? exit_ok : exit_usage;
    return out;
  }
  if (probe_cmd->parsed()) {
    out.probe = probe;
    return out;
  }
  std::string config_used;
  if (!apply_config_file(app, keys, std::string(o.config), config_used, o.config_note) ||
      // The command line again, over the file's values.
      !parse_quietly(app, argc, argv)) {
    out.exit_code = exit_usage;
    return out;
  }
  o.config = config_used;
  if (!o.from_httpd_conf.empty() && !apply_httpd_conf(app, o)) {
    out.exit_code = exit_usage;
    return out;
  }
  if (o.listen.empty()) {
    o.listen = default_listen();
    o.listen_defaulted = true;
  }
  // Written on the command line or in the configuration file (httpd's names are sorted out
  // when they are translated); the fix as it is written there: --index with the path's last
  // part, or the file's whole line, each path cut to its last part and a dotfile left out.
  const bool index_in_file = app.count("--index") == 0;
  const auto last_part = [](const std::string& name) { return name.substr(name.rfind('/') + 1); };
  std::vector<std::string> fixed;
  for (const auto& name : o.index)
    if (const auto base = last_part(name); index_name_problem(base).empty()) fixed.push_back(base);
  for (const auto& name : o.index)
    if (const auto why = index_name_problem(name); !why.empty()) {
      std::string fix;
      if (const auto base = last_part(name); !index_in_file && index_name_problem(base).empty())
        fix = "; write --index " + shell_word(base);
      else if (index_in_file && !fixed.empty())
        fix = "; write " + list_setting("index", fixed);
      fmt::print(
          stderr, "dualhttpd: {}: {}{}\n",
          index_in_file ? fmt::format("{}: index \"{}\"", o.config, name) : "--index " + name, why,
          fix);
      out.exit_code = exit_usage;
    }
  if (o.health_path != "off" && (o.health_path.empty() || o.health_path.front() != '/')) {
    fmt::print(stderr, "dualhttpd: --health-path {}: a path starts with '/' (or use off)\n",
               o.health_path);
    out.exit_code = exit_usage;
  }
  return out;
}

}  // namespace dualhttpd
