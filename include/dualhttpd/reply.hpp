// What the server sends for one request: a Beast message with every header set, whose
// body is either generated text or byte ranges of an open file (sent with sendfile).
#pragma once

#include <boost/beast/http.hpp>
#include <boost/container/small_vector.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "dualhttpd/file_cache.hpp"
#include "dualhttpd/unique_fd.hpp"

namespace dualhttpd {

namespace http = boost::beast::http;

// One piece of a file body: `head` (a multipart boundary and part headers, or nothing),
// then `length` bytes of the file from `offset`.
struct FileSpan {
  std::string head;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct Reply {
  http::response<http::string_body> message;  // Content-Length always set
  UniqueFd file;                              // when open, the spans and then `tail` follow
  boost::container::small_vector<FileSpan, 1> spans;
  std::string tail;  // the closing multipart boundary
  // Or a cached file's 200 answer: `message` holds no fields then, the content has them
  // rendered; the header and the bytes go out in one write, nothing copied.
  std::shared_ptr<const CachedContent> cached;
  bool cached_head_only = false;  // HEAD: the cached header lines without the bytes
  std::size_t next_span = 0;      // how far sending has come
  bool close_after = false;       // the request cannot be trusted: close after replying

  std::uint64_t body_bytes() const;
};

// A small HTML page for a status, as httpd sends one: 404, 403, 400 and friends.
Reply error_reply(http::status status, std::string_view detail = {});

// Drops the body but keeps the Content-Length a GET would have had (for HEAD).
// A reply without a body (a 304) keeps the Content-Length it has.
void strip_body_for_head(Reply& reply);

}  // namespace dualhttpd
