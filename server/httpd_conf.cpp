#include "dualhttpd/httpd_conf.hpp"

#include <glob.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dualhttpd/file_text.hpp"

namespace dualhttpd {

namespace {

namespace fs = std::filesystem;
constexpr int max_include_depth = 16;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

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

class Reader {
 public:
  Reader(HttpdConf& conf, std::string server_root)
      : conf_(conf), server_root_(std::move(server_root)) {}

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
  void directive(const std::string& text, const std::string& path, unsigned line, int depth) {
    auto words = split_words(text);
    if (words.empty() || words.front().front() == '#') return;
    HttpdDirective d{path, line, words.front(), {words.begin() + 1, words.end()}};
    if (d.name.front() == '<') return section(d);
    if (iequals(d.name, "ServerRoot") && !d.args.empty()) server_root_ = d.args.front();
    if (iequals(d.name, "Include") || iequals(d.name, "IncludeOptional"))
      return include(d, iequals(d.name, "IncludeOptional"), depth);
    if (iequals(d.name, "Listen")) conf_.listens.push_back(d);
    if (iequals(d.name, "DocumentRoot")) conf_.document_root = d;
    if (iequals(d.name, "DirectoryIndex")) conf_.directory_index = d;
    if (iequals(d.name, "Options")) options(d);
  }

  // <Directory "/var/www/html"> ... </Directory>: which Options apply to the DocumentRoot.
  void section(HttpdDirective& d) {
    if (d.name.size() > 1 && d.name[1] == '/') {
      if (!sections_.empty()) sections_.pop_back();
      return;
    }
    std::string argument = d.args.empty() ? "" : d.args.front();
    if (!argument.empty() && argument.back() == '>') argument.pop_back();
    if (d.name.back() == '>') d.name.pop_back();
    sections_.push_back({d.name.substr(1), argument});
  }

  void options(const HttpdDirective& d) {
    if (sections_.empty()) {
      if (!docroot_options_) conf_.options = d;
      return;
    }
    const auto& [kind, argument] = sections_.back();
    if (!iequals(kind, "Directory") || !conf_.document_root || conf_.document_root->args.empty())
      return;
    const auto trim = [](std::string p) {
      while (p.size() > 1 && p.back() == '/') p.pop_back();
      return p;
    };
    if (trim(argument) == trim(conf_.document_root->args.front())) {
      conf_.options = d;
      docroot_options_ = true;
    }
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
    const int result = ::glob(pattern.c_str(), 0, nullptr, &matches);
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
  std::vector<std::pair<std::string, std::string>> sections_;
  bool docroot_options_ = false;
};

bool has_indexes(const HttpdDirective& options) {
  bool on = false;
  for (const auto& word : options.args) {
    if (iequals(word, "Indexes") || iequals(word, "+Indexes") || iequals(word, "All")) on = true;
    if (iequals(word, "-Indexes") || iequals(word, "None")) on = false;
  }
  return on;
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
  for (const auto& d : conf.listens) {
    if (d.args.empty()) continue;
    t.listen.push_back(d.args.front());
    std::string note;
    if (d.args.size() > 1 && !iequals(d.args[1], "http"))
      note = fmt::format(" (dualhttpd speaks plain HTTP only; '{}' is dropped)", d.args[1]);
    t.lines.push_back(fmt::format("{}: Listen {} -> --listen '{}'{}", d.where(),
                                  fmt::join(d.args, " "), d.args.front(), note));
  }
  if (conf.listens.empty())
    t.lines.push_back("no Listen line: dualhttpd would use its own default listeners");
  if (conf.document_root && !conf.document_root->args.empty()) {
    t.root = conf.document_root->args.front();
    t.lines.push_back(fmt::format("{}: DocumentRoot \"{}\" -> --root {}",
                                  conf.document_root->where(), t.root, t.root));
  }
  if (conf.directory_index) {
    const auto& names = conf.directory_index->args;
    const bool plain = names.size() == 1 && names.front() == "index.html";
    t.lines.push_back(fmt::format(
        "{}: DirectoryIndex {} -> {}", conf.directory_index->where(), fmt::join(names, " "),
        plain ? "the same: dualhttpd serves index.html for a directory"
              : "dualhttpd serves index.html for a directory, and no other name"));
  }
  if (conf.options) {
    t.autoindex = has_indexes(*conf.options);
    t.lines.push_back(fmt::format(
        "{}: Options {} -> {}", conf.options->where(), fmt::join(conf.options->args, " "),
        t.autoindex ? "--autoindex (directories without index.html are listed)"
                    : "no --autoindex (directories without index.html get 403)"));
  }
  return t;
}

}  // namespace dualhttpd
