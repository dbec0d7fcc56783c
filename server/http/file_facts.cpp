#include "dualhttpd/http/file_facts.hpp"

#include <fmt/format.h>

#include <iterator>

#include "dualhttpd/http/http_date.hpp"

namespace dualhttpd {

FileFacts file_facts(const struct stat& st, std::string content_type) {
  FileFacts facts;
  facts.size = static_cast<std::uint64_t>(st.st_size);
  const auto mtime_ns = st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec;
  facts.validators = {make_etag(facts.size, mtime_ns), st.st_mtim.tv_sec};
  facts.last_modified = format_http_date(st.st_mtim.tv_sec);
  facts.content_type = std::move(content_type);
  return facts;
}

void append_validator_fields(std::string& out, const FileFacts& facts) {
  fmt::format_to(std::back_inserter(out), "Last-Modified: {}\r\nETag: {}\r\n", facts.last_modified,
                 facts.validators.etag);
}

void append_file_fields(std::string& out, const FileFacts& facts, std::string_view content_type) {
  append_validator_fields(out, facts);
  fmt::format_to(std::back_inserter(out), "Accept-Ranges: bytes\r\nContent-Type: {}\r\n",
                 content_type);
}

}  // namespace dualhttpd
