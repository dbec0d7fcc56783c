// The access log in httpd's combined format:
//   %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"
// with IPv6 clients written without brackets, as httpd writes them.
#pragma once

#include <cstdint>
#include <ctime>
#include <mutex>
#include <string>
#include <string_view>

namespace dualhttpd {

struct AccessRecord {
  std::string client;        // "2001:db8::25", "192.0.2.7"
  std::string request_line;  // "GET / HTTP/1.1"
  unsigned status = 0;
  std::uint64_t body_bytes = 0;
  std::string referer;
  std::string user_agent;
  std::time_t when = 0;
};

std::string format_combined(const AccessRecord& record);

// Where the lines go: a file (appended), "-" for standard output, or "off".
class AccessLog {
 public:
  explicit AccessLog(std::string target);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  bool enabled() const { return target_ != "off"; }
  // Opens (or reopens, after SIGHUP) the file; returns an error text or "".
  std::string reopen();
  void write(const AccessRecord& record);

 private:
  std::string target_;
  std::mutex mutex_;
  int fd_ = -1;
};

}  // namespace dualhttpd
