// Limits on what a client may send and how long it may take, with httpd's defaults
// (LimitRequestLine, LimitRequestFieldSize, LimitRequestFields, MaxKeepAliveRequests).
// request_checks.hpp says what answers a request beyond them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace dualhttpd {

struct SessionLimits {
  std::chrono::seconds header_timeout{10};    // to receive a whole request head (408 after)
  std::chrono::seconds keepalive_timeout{5};  // idle between requests
  std::chrono::seconds write_timeout{60};     // a client that stops reading
  std::size_t uri_limit = 8190;               // request target (414)
  std::size_t field_limit = 8190;             // one header field, name and value (431)
  std::uint32_t header_limit = 32 * 1024;     // the whole head (431)
  std::size_t field_count_limit = 100;        // number of header fields (431)
  std::uint64_t body_limit = std::uint64_t{64} * 1024;  // bodies on GET/HEAD: read, dropped (413)
  unsigned max_requests = 100;                          // per connection, then Connection: close

  // The most a connection buffers of what the client sent and was not parsed yet: the head
  // limit and a little more, so a head over its limit is answered 431 first. Chunk lines
  // (sizes, extensions) and trailers, which Beast parses without a limit of their own, end
  // there too: 400, not memory without end.
  std::size_t read_buffer_limit() const { return std::size_t{header_limit} + 4096; }
};

}  // namespace dualhttpd
