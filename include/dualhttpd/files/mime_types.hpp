// File extension → media type, from /etc/mime.types (Debian's media-types) with a built-in
// fallback; extensions match without regard to case.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

namespace dualhttpd {

// What follows the last '.' of a path's last part ("gz" for "a/b.tar.gz", "htaccess" for
// ".htaccess"); empty when it has no '.' or ends in one.
std::string_view file_extension(std::string_view path);

class MimeTypes {
 public:
  MimeTypes();  // the built-in table only

  // Adds the entries of a mime.types file; returns false if it cannot be read.
  // Reads a mime.types file over the built-in table; "" or why it cannot be read.
  std::string load_file(const std::string& path);
  void load_text(std::string_view text);

  // The media type for a file name, "application/octet-stream" when unknown.
  std::string_view lookup(std::string_view filename) const;

  // The Content-Type value: with "; charset=UTF-8" on text/html and text/plain.
  std::string content_type(std::string_view filename) const;

 private:
  std::unordered_map<std::string, std::string> by_extension_;
};

}  // namespace dualhttpd
