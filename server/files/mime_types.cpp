#include "dualhttpd/files/mime_types.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "dualhttpd/base/file_text.hpp"

namespace dualhttpd {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

constexpr std::string_view builtin = R"(text/html html htm
text/plain txt text log
text/css css
text/javascript js mjs
application/json json
application/xml xml
image/svg+xml svg svgz
image/png png
image/jpeg jpg jpeg
image/gif gif
image/webp webp
image/x-icon ico
application/pdf pdf
application/wasm wasm
application/gzip gz
application/zip zip
font/woff woff
font/woff2 woff2
video/mp4 mp4
audio/mpeg mp3
)";

}  // namespace

MimeTypes::MimeTypes() {
  load_text(builtin);
}

std::string MimeTypes::load_file(const std::string& path) {
  std::string why;
  const auto text = read_file_text(path, &why);
  if (!text) return why;
  load_text(*text);
  return {};
}

void MimeTypes::load_text(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string type, ext;
    if (!(fields >> type)) continue;
    while (fields >> ext) by_extension_[lower(ext)] = type;
  }
}

std::string_view file_extension(std::string_view path) {
  const auto slash = path.rfind('/');
  const auto base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto dot = base.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : base.substr(dot + 1);
}

std::string_view MimeTypes::lookup(std::string_view filename) const {
  if (const auto extension = file_extension(filename); !extension.empty()) {
    const auto it = by_extension_.find(lower(extension));
    if (it != by_extension_.end()) return it->second;
  }
  return "application/octet-stream";
}

std::string MimeTypes::content_type(std::string_view filename) const {
  const auto type = lookup(filename);
  if (type == "text/html" || type == "text/plain") return std::string(type) + "; charset=UTF-8";
  return std::string(type);
}

}  // namespace dualhttpd
