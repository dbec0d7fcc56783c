// What the server sends for one request, whoever made it (the static handler, /healthz, a
// refusal): a status, header lines, and a body that is text, ranges of an open file (sent with
// sendfile), or a cached file shared with the cache. One function renders every head.
#pragma once

#include <boost/beast/http/status.hpp>
#include <boost/container/small_vector.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "dualhttpd/base/unique_fd.hpp"
#include "dualhttpd/http/file_facts.hpp"

namespace dualhttpd {

namespace http = boost::beast::http;

// One piece of a file body: `head` (a multipart boundary and part headers, or nothing),
// then `length` bytes of the file from `offset`.
struct FileSpan {
  std::string head;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// A body read from an open file: the spans, then `tail` (the closing multipart boundary).
// Its moves (and Reply's) cannot throw, though small_vector's are not marked noexcept: a
// FileSpan moves without allocating.
struct FileBody {  // NOLINT(bugprone-exception-escape)
  UniqueFd file;
  boost::container::small_vector<FileSpan, 1> spans;
  std::string tail;

  std::uint64_t bytes() const;
};

// A cached file's 200: its header lines and its bytes, shared with the cache, nothing copied.
struct SharedBody {
  std::shared_ptr<const RenderedFile> file;
};

struct Reply {  // NOLINT(bugprone-exception-escape): see FileBody
  http::status status = http::status::ok;
  // This reply's header lines, "Name: value\r\n" each. Date, Server, Connection and
  // Content-Length are not among them: render_head() adds those.
  std::string fields;
  std::optional<std::uint64_t> content_length;  // none on a 304
  std::variant<std::string, FileBody, SharedBody> body;
  bool close_after = false;  // the request cannot be trusted: close after replying

  void set(std::string_view name, std::string_view value);  // appends one header line
  std::string_view field(std::string_view name) const;      // "" when absent
  std::uint64_t body_bytes() const;
};

// A reply whose body is `text`, with its Content-Type and Content-Length.
Reply text_reply(http::status status, std::string_view content_type, std::string text);

// A small HTML page for a status, as httpd sends one: 404, 403, 400 and friends.
Reply error_reply(http::status status, std::string_view detail = {});

// Drops the body but keeps the Content-Length a GET would have had (for HEAD).
void strip_body_for_head(Reply& reply);

// The status line and every header line of `reply`, through the empty line: Date, Server and
// Connection (unless empty), then the reply's own lines, then Content-Length.
void render_head(std::string& out, const Reply& reply, std::string_view date,
                 std::string_view connection);

}  // namespace dualhttpd
