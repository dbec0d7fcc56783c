#include "dualhttpd/app/httpd_conf.hpp"

#include <glob.h>

#include <boost/algorithm/string/predicate.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/base/file_text.hpp"
#include "dualhttpd/files/mime_types.hpp"
#include "dualhttpd/files/target_path.hpp"

namespace dualhttpd {

namespace {

namespace fs = std::filesystem;
constexpr int max_include_depth = 16;

using boost::algorithm::iequals;

// httpd's words: separated by blanks, "quoted" (with \" inside) or bare.
std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i == text.size()) break;
    std::string word;
    if (text[i] == '"' || text[i] == '\'') {
      const char quote = text[i++];
      for (; i < text.size() && text[i] != quote; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        word += text[i];
      }
      ++i;
    } else {
      while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i])))
        word += text[i++];
    }
    words.push_back(word);
  }
  return words;
}

std::string read_text(const std::string& path) {
  std::string why;
  auto text = read_file_text(path, &why);
  if (!text)
    throw HttpdConfError(fmt::format("cannot read the httpd configuration {}: {}", path, why));
  return std::move(*text);
}

// Built into Debian's and RHEL's httpd binary (`httpd -l`): <IfModule> finds them without a
// LoadModule line.
constexpr std::string_view builtin_modules[] = {
    "core.c",           "core_module",       "mod_so.c",       "so_module",
    "http_core.c",      "http_module",       "mod_watchdog.c", "watchdog_module",
    "mod_log_config.c", "log_config_module", "mod_logio.c",    "logio_module",
    "mod_version.c",    "version_module",    "mod_unixd.c",    "unixd_module"};

// "/usr/lib/apache2/modules/mod_ssl.so" -> "mod_ssl.c", as <IfModule mod_ssl.c> names it.
std::string source_name_of(const std::string& path) {
  auto name = fs::path(path).filename().string();
  if (name.ends_with(".so")) name.resize(name.size() - 3);
  return name + ".c";
}

class Reader {
 public:
  Reader(HttpdConf& conf, std::string server_root)
      : conf_(conf), server_root_(std::move(server_root)) {
    conf_.modules.assign(std::begin(builtin_modules), std::end(builtin_modules));
  }

  void parse(const std::string& text, const std::string& path, int depth) {
    conf_.files.push_back(path);
    std::istringstream in(text);
    std::string raw, logical;
    unsigned line = 0, start = 0;
    while (std::getline(in, raw)) {
      ++line;
      if (logical.empty()) start = line;
      if (!raw.empty() && raw.back() == '\r') raw.pop_back();
      if (!raw.empty() && raw.back() == '\\') {  // continued on the next line
        logical += raw.substr(0, raw.size() - 1);
        continue;
      }
      logical += raw;
      directive(logical, path, start, depth);
      logical.clear();
    }
    if (!logical.empty()) directive(logical, path, start, depth);
  }

 private:
  struct Section {
    std::string kind;      // "Directory", "VirtualHost", "IfModule", ...
    std::string argument;  // its first argument, without the closing '>'
    bool active = true;    // false inside an <IfModule> or <IfDefine> that does not hold
    std::optional<HttpdDirective> opened;
  };

  bool active() const { return sections_.empty() || sections_.back().active; }

  bool loaded(std::string_view name) const {
    return std::any_of(conf_.modules.begin(), conf_.modules.end(),
                       [&](const std::string& m) { return iequals(m, name); });
  }

  void directive(const std::string& text, const std::string& path, unsigned line, int depth) {
    auto words = split_words(text);
    if (words.empty() || words.front().front() == '#') return;
    HttpdDirective d{path, line, words.front(), {words.begin() + 1, words.end()}};
    if (d.name.front() == '<') return section(d);
    if (!active()) return;
    if (iequals(d.name, "ServerRoot") && !d.args.empty()) server_root_ = d.args.front();
    if (iequals(d.name, "LoadModule") && d.args.size() >= 2) {
      conf_.modules.push_back(d.args[0]);
      conf_.modules.push_back(source_name_of(d.args[1]));
    }
    if (iequals(d.name, "Include") || iequals(d.name, "IncludeOptional"))
      return include(d, iequals(d.name, "IncludeOptional"), depth);
    if (iequals(d.name, "Listen")) conf_.listens.push_back(d);
    if (iequals(d.name, "DocumentRoot")) {
      if (auto* vhost = virtual_host())
        vhost->document_root = d;
      else
        conf_.document_root = d;
    }
    if (iequals(d.name, "DirectoryIndex")) conf_.directory_index = d;
    if (iequals(d.name, "SSLCertificateFile") || iequals(d.name, "SSLCertificateKeyFile"))
      tls_file(d);
    if (iequals(d.name, "Options")) options(d);
  }

  void tls_file(HttpdDirective d) {
    if (d.args.empty()) return;
    if (!d.args.front().empty() && d.args.front().front() != '/')
      d.args.front() = server_root_ + "/" + d.args.front();
    auto* vhost = virtual_host();
    auto& files = vhost ? vhost->tls : conf_.tls;
    (iequals(d.name, "SSLCertificateFile") ? files.certificate : files.key) = std::move(d);
  }

  HttpdVirtualHost* virtual_host() {
    for (auto it = sections_.rbegin(); it != sections_.rend(); ++it)
      if (iequals(it->kind, "VirtualHost")) return &conf_.virtual_hosts.back();
    return nullptr;
  }

  // <Directory "/var/www/html"> ... </Directory>, <IfModule ssl_module> ... </IfModule>.
  void section(HttpdDirective& d) {
    if (d.name.size() > 1 && d.name[1] == '/') {
      if (!sections_.empty()) sections_.pop_back();
      return;
    }
    if (!d.args.empty() && d.args.back().ends_with('>')) d.args.back().pop_back();
    if (!d.args.empty() && d.args.back().empty()) d.args.pop_back();
    if (d.name.back() == '>') d.name.pop_back();
    const std::string argument = d.args.empty() ? "" : d.args.front();
    Section s{d.name.substr(1), argument, active(), d};
    const bool negated = !argument.empty() && argument.front() == '!';
    const auto name = negated ? std::string_view(argument).substr(1) : std::string_view(argument);
    if (iequals(s.kind, "IfModule")) s.active = s.active && (loaded(name) != negated);
    if (iequals(s.kind, "IfDefine")) s.active = s.active && negated;  // nothing is -D defined
    if (s.active && iequals(s.kind, "VirtualHost")) conf_.virtual_hosts.push_back({d, {}, {}});
    sections_.push_back(std::move(s));
  }

  void options(const HttpdDirective& d) {
    std::string path;  // top level
    for (auto it = sections_.rbegin(); it != sections_.rend(); ++it) {
      if (iequals(it->kind, "Directory")) {
        path = it->argument;
        break;
      }
      if (iequals(it->kind, "Files") || iequals(it->kind, "Location") ||
          iequals(it->kind, "VirtualHost"))
        return;  // not about the file system tree of the docroot
    }
    if (!sections_.empty() && path.empty() && !iequals(sections_.back().kind, "IfModule") &&
        !iequals(sections_.back().kind, "IfDefine"))
      return;
    conf_.options.emplace_back(path, d);
  }

  void include(const HttpdDirective& d, bool optional, int depth) {
    if (d.args.empty()) return;
    if (depth >= max_include_depth)
      throw HttpdConfError(
          fmt::format("{}: {} nests deeper than {} files", d.where(), d.name, max_include_depth));
    std::string pattern = d.args.front();
    if (!pattern.empty() && pattern.front() != '/') pattern = server_root_ + "/" + pattern;
    std::error_code ec;
    if (fs::is_directory(pattern, ec)) pattern += "/*";
    glob_t matches{};
    // glob(3) is not thread-safe; the configuration is read before any thread starts.
    const int result =
        ::glob(pattern.c_str(), 0, nullptr, &matches);  // NOLINT(concurrency-mt-unsafe)
    std::vector<std::string> files(matches.gl_pathv, matches.gl_pathv + matches.gl_pathc);
    ::globfree(&matches);
    if (result != 0 && !optional)
      throw HttpdConfError(fmt::format(
          "{}: Include {} matches no file (httpd would refuse to start too; IncludeOptional "
          "allows that)",
          d.where(), pattern));
    for (const auto& file : files) {
      if (fs::is_directory(file, ec)) continue;
      parse(read_text(file), file, depth + 1);
    }
  }

  HttpdConf& conf_;
  std::string server_root_;
  std::vector<Section> sections_;
};

bool has_indexes(const HttpdDirective& options) {
  bool on = false;
  for (const auto& word : options.args) {
    if (iequals(word, "Indexes") || iequals(word, "+Indexes") || iequals(word, "All")) on = true;
    if (iequals(word, "-Indexes") || iequals(word, "None")) on = false;
  }
  return on;
}

std::string without_trailing_slash(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

// The Options that hold for `root`: those of the longest <Directory> that contains it, else
// the last top-level ones.
const HttpdDirective* options_for(const HttpdConf& conf, const std::string& root) {
  const HttpdDirective* best = nullptr;
  std::size_t best_length = 0;
  const auto target = without_trailing_slash(root);
  for (const auto& [path, d] : conf.options) {
    if (path.empty()) {
      if (best_length == 0) best = &d;
      continue;
    }
    const auto dir = without_trailing_slash(path);
    const bool contains = target == dir || dir == "/" ||
                          (target.size() > dir.size() && target.compare(0, dir.size(), dir) == 0 &&
                           target[dir.size()] == '/');
    if (contains && dir.size() + 1 > best_length) {
      best = &d;
      best_length = dir.size() + 1;
    }
  }
  return best;
}

// httpd speaks TLS on a Listen with "https", and on port 443 without a protocol.
bool tls_listen(const HttpdDirective& d) {
  if (d.args.size() > 1) return iequals(d.args[1], "https");
  const auto& spec = d.args.front();
  return spec == "443" || spec.ends_with(":443");
}

// The port of a Listen spec: "443" of "[2001:db8::24]:443", "0.0.0.0:443" or "443".
std::string port_of(const std::string& spec) {
  const auto colon = spec.rfind(':');
  return colon == std::string::npos ? spec : spec.substr(colon + 1);
}

// Whether <VirtualHost ADDR:PORT ...> answers on one of `ports`.
bool listens_on(const HttpdVirtualHost& v, const std::vector<std::string>& ports) {
  return std::any_of(v.section.args.begin(), v.section.args.end(), [&](const std::string& a) {
    return std::find(ports.begin(), ports.end(), port_of(a)) != ports.end();
  });
}

// The certificate and key for the TLS listeners: those of the first virtual host on a TLS
// port that names one, else the main server's; other virtual hosts' are named, not taken.
void translate_tls_files(const HttpdConf& conf, const std::vector<std::string>& tls_ports,
                         HttpdTranslation& t) {
  const HttpdTlsFiles* chosen = nullptr;
  const HttpdVirtualHost* from = nullptr;
  for (const auto& v : conf.virtual_hosts)
    if (v.tls.certificate && listens_on(v, tls_ports)) {
      chosen = &v.tls;
      from = &v;
      break;
    }
  if (!chosen && conf.tls.certificate) chosen = &conf.tls;
  if (!chosen) {
    t.lines.push_back(
        "no SSLCertificateFile for the TLS listeners: give dualhttpd --tls-cert FILE --tls-key "
        "FILE, or --tls-self-signed for a certificate that names their addresses");
    return;
  }
  const auto& certificate = *chosen->certificate;
  t.tls_cert = certificate.args.front();
  const auto of = from ? fmt::format(" (of <VirtualHost {}> at {})",
                                     fmt::join(from->section.args, " "), from->section.where())
                       : std::string();
  t.lines.push_back(fmt::format("{}: SSLCertificateFile {} -> --tls-cert {}{}", certificate.where(),
                                t.tls_cert, t.tls_cert, of));
  if (chosen->key) {
    t.tls_key = chosen->key->args.front();
    t.lines.push_back(fmt::format("{}: SSLCertificateKeyFile {} -> --tls-key {}",
                                  chosen->key->where(), t.tls_key, t.tls_key));
  } else {
    t.tls_key = t.tls_cert;
    t.lines.push_back(
        fmt::format("no SSLCertificateKeyFile: the key is in {}, as httpd reads it -> --tls-key {}",
                    t.tls_cert, t.tls_key));
  }
  for (const auto& v : conf.virtual_hosts)
    if (v.tls.certificate && &v.tls != chosen)
      t.lines.push_back(fmt::format(
          "{}: SSLCertificateFile {} of <VirtualHost {}> -> not taken: dualhttpd serves one "
          "certificate on every TLS listener",
          v.tls.certificate->where(), v.tls.certificate->args.front(),
          fmt::join(v.section.args, " ")));
}

// Names httpd runs rather than sends (mod_php, mod_cgi, mod_include): sent as files, they
// would show their source, not their output.
bool names_a_script(const std::string& name) {
  const auto extension = file_extension(name);
  for (const char* script :
       {"php", "phtml", "cgi", "pl", "py", "rb", "asp", "aspx", "jsp", "shtml"})
    if (iequals(extension, script)) return true;
  return false;
}

// DirectoryIndex NAME...: the names dualhttpd can serve as they are, as --index.
void translate_directory_index(const HttpdDirective& d, HttpdTranslation& t) {
  const auto written = fmt::format("{}: DirectoryIndex {} -> ", d.where(), fmt::join(d.args, " "));
  if (d.args.size() == 1 && iequals(d.args.front(), "disabled")) {
    t.lines.push_back(written +
                      "not taken: dualhttpd answers a directory with its index.html when it has "
                      "one (--index names others)");
    return;
  }
  std::vector<std::string> kept, scripts, paths;
  for (const auto& name : d.args) {
    if (!index_name_problem(name).empty())
      paths.push_back(name);
    else if (names_a_script(name))
      scripts.push_back(name);
    else
      kept.push_back(name);
  }
  std::string line = written;
  if (kept.empty()) {
    line += "not taken: dualhttpd serves index.html for a directory";
  } else if (kept.size() == 1 && kept.front() == default_index_name && scripts.empty() &&
             paths.empty()) {
    line += "the same: dualhttpd serves index.html for a directory";
  } else {
    for (const auto& name : kept)
      line += (&name == &kept.front() ? "--index " : " --index ") + name;
  }
  const auto left_out = [](const std::vector<std::string>& names) {
    return fmt::format("{} {} left out", word_list(names, "and"), names.size() == 1 ? "is" : "are");
  };
  if (!scripts.empty())
    line += fmt::format(
        " ({}: dualhttpd sends a file as it is, so a script would show its "
        "source, not its output)",
        left_out(scripts));
  if (!paths.empty())
    line +=
        fmt::format(" ({}: an index is a file name in the directory asked for)", left_out(paths));
  if (!kept.empty()) t.index = kept;
  t.lines.push_back(line);
}

}  // namespace

std::string HttpdDirective::where() const {
  return fmt::format("{}:{}", file, line);
}

HttpdConf parse_httpd_conf_text(const std::string& text, const std::string& path,
                                const std::string& server_root) {
  HttpdConf conf;
  Reader(conf, server_root).parse(text, path, 0);
  return conf;
}

HttpdConf read_httpd_conf(const std::string& path) {
  // Without a ServerRoot line, relative includes start one level above conf/ (as
  // /etc/httpd/conf/httpd.conf has /etc/httpd).
  const auto parent = fs::absolute(path).parent_path();
  const auto root = parent.filename() == "conf" ? parent.parent_path() : parent;
  return parse_httpd_conf_text(read_text(path), path, root.string());
}

HttpdTranslation translate_httpd_conf(const HttpdConf& conf) {
  HttpdTranslation t;
  std::vector<std::string> tls_ports;
  for (const auto& d : conf.listens) {
    if (d.args.empty()) continue;
    const bool tls = tls_listen(d);
    const auto spec = tls ? d.args.front() + " https" : d.args.front();
    t.listen.push_back(spec);
    t.listen_origin.push_back(d.where());
    std::string note;
    if (tls && d.args.size() == 1) note = " (https is httpd's protocol for port 443)";
    if (d.args.size() > 1 && !iequals(d.args[1], "http") && !tls)
      note = fmt::format(" ('{}' is dropped: dualhttpd speaks HTTP and HTTPS)", d.args[1]);
    if (tls) tls_ports.push_back(port_of(d.args.front()));
    t.lines.push_back(fmt::format("{}: Listen {} -> --listen '{}'{}", d.where(),
                                  fmt::join(d.args, " "), spec, note));
  }
  if (conf.listens.empty())
    t.lines.push_back("no Listen line: dualhttpd would use its own default listeners");
  if (!tls_ports.empty()) translate_tls_files(conf, tls_ports, t);
  // The main server's DocumentRoot; without one, that of the first <VirtualHost>, which httpd
  // answers with when no name matches. Every other one is named, and not taken.
  const HttpdDirective* root = conf.document_root ? &*conf.document_root : nullptr;
  const HttpdVirtualHost* from_vhost = nullptr;
  if (!root)
    for (const auto& v : conf.virtual_hosts)
      if (v.document_root) {
        root = &*v.document_root;
        from_vhost = &v;
        break;
      }
  if (root && !root->args.empty()) {
    t.root = root->args.front();
    t.lines.push_back(fmt::format(
        "{}: DocumentRoot \"{}\" -> --root {}{}", root->where(), t.root, t.root,
        from_vhost
            ? fmt::format(" (of <VirtualHost {}> at {}, the first one: httpd answers "
                          "with it when no name matches)",
                          fmt::join(from_vhost->section.args, " "), from_vhost->section.where())
            : std::string()));
  }
  for (const auto& v : conf.virtual_hosts) {
    if (!v.document_root || &*v.document_root == root) continue;
    t.lines.push_back(fmt::format(
        "{}: DocumentRoot \"{}\" of <VirtualHost {}> -> not taken: dualhttpd serves one "
        "docroot for every name",
        v.document_root->where(), v.document_root->args.empty() ? "" : v.document_root->args[0],
        fmt::join(v.section.args, " ")));
  }
  if (conf.directory_index) translate_directory_index(*conf.directory_index, t);
  if (const auto* options = options_for(conf, t.root)) {
    t.autoindex = has_indexes(*options);
    t.lines.push_back(
        fmt::format("{}: Options {} -> {}", options->where(), fmt::join(options->args, " "),
                    t.autoindex ? "--autoindex (directories without an index are listed)"
                                : "no --autoindex (directories without an index get 403)"));
  }
  return t;
}

}  // namespace dualhttpd
