// HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace dualhttpd {

std::string format_http_date(std::time_t t);  // "Wed, 25 Nov 2026 13:56:40 GMT"
std::optional<std::time_t> parse_http_date(std::string_view text);

// A text that changes once a second (the Date header, the access log's time), made again
// only when the second has changed. Each worker keeps its own: no lock, no thread_local.
class OncePerSecond {
 public:
  using Format = std::string (*)(std::time_t);
  explicit OncePerSecond(Format format) : format_(format) {}

  const std::string& text(std::time_t now) {
    if (now != made_at_) {
      made_at_ = now;
      text_ = format_(now);
    }
    return text_;
  }

 private:
  Format format_;
  std::time_t made_at_ = -1;
  std::string text_;
};

}  // namespace dualhttpd
