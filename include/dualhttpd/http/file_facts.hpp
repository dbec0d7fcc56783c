// What an answer about a file says of it, derived from stat(2) in one place and rendered in
// one place, whether the file comes from the cache or is opened for the request.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "dualhttpd/http/conditional.hpp"

namespace dualhttpd {

struct FileFacts {
  std::uint64_t size = 0;
  Validators validators;      // the ETag (from size and mtime) and the mtime
  std::string last_modified;  // the mtime as an HTTP date
  std::string content_type;   // from the name
};

FileFacts file_facts(const struct stat& st, std::string content_type);

// Last-Modified and ETag: what every answer about the file carries, a 304 too.
void append_validator_fields(std::string& out, const FileFacts& facts);

// Those, then Accept-Ranges and Content-Type (`content_type`: the file's, or a multipart
// type): the header lines of a file's 200 or 206 before Content-Range and Content-Length.
void append_file_fields(std::string& out, const FileFacts& facts, std::string_view content_type);

// A small file's whole answer, made once and shared by every reply that sends it: the header
// lines of its 200 (append_file_fields) and its bytes.
struct RenderedFile {
  std::string fields;
  std::string bytes;
};

}  // namespace dualhttpd
