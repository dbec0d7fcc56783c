// Conditional requests (RFC 9110 §13): If-Match, If-Unmodified-Since, If-None-Match,
// If-Modified-Since in the order the RFC gives, and If-Range for Range requests.
#pragma once

#include <ctime>
#include <limits>
#include <string>
#include <string_view>

namespace dualhttpd {

struct Validators {
  std::string etag;  // strong, quoted: "\"5f2-1a\""
  std::time_t last_modified = 0;
};

struct Preconditions {  // header values; empty when the header is absent
  std::string_view if_match = {};
  std::string_view if_none_match = {};
  std::string_view if_modified_since = {};
  std::string_view if_unmodified_since = {};
  // When the request arrived: an If-Modified-Since after it is a clock error on the client,
  // and is ignored (as httpd does), or a file changed "in the future" would never be sent.
  std::time_t now = std::numeric_limits<std::time_t>::max();
};

enum class ConditionalOutcome { proceed, not_modified, precondition_failed };

ConditionalOutcome evaluate_preconditions(const Preconditions& headers, const Validators& current,
                                          bool get_or_head);

// True when a Range request may be honoured: no If-Range, or it matches the representation.
bool if_range_allows(std::string_view if_range, const Validators& current);

// The ETag of a file, from its size and modification time in nanoseconds.
std::string make_etag(unsigned long long size, long long mtime_ns);

}  // namespace dualhttpd
