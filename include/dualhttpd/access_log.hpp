// The access log in httpd's combined format:
//   %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"
// with IPv6 clients written without brackets, as httpd writes them.
//
// Lines are formatted once, straight into a buffer of the calling thread, and written out in
// batches (as nginx's `access_log ... buffer=32k flush=1s`): when a buffer holds 32 KiB, by a
// background thread once a second, on reopen and when the log is destroyed. Each batch is
// one write(2) of whole lines, so lines of several threads never interleave.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace dualhttpd {

struct AccessRecord {
  std::string_view client;        // "2001:db8::25", "192.0.2.7"
  std::string_view request_line;  // "GET / HTTP/1.1"
  unsigned status = 0;
  std::uint64_t body_bytes = 0;
  std::string_view referer;
  std::string_view user_agent;
  std::time_t when = 0;
};

// Appends the record's line (with its newline) to `out`.
void append_combined(std::string& out, const AccessRecord& record);
std::string format_combined(const AccessRecord& record);

// Where the lines go: a file (appended), "-" for standard output, or "off".
class AccessLog {
 public:
  static constexpr std::size_t batch_bytes = 32 * 1024;

  explicit AccessLog(std::string target);
  ~AccessLog();  // writes out what is buffered
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  bool enabled() const { return target_ != "off"; }
  // Opens (or reopens, after SIGHUP) the file; returns an error text or "". What is
  // buffered goes to the file that was open until now.
  std::string reopen();
  void write(const AccessRecord& record);
  void flush();  // writes out every thread's buffer now

 private:
  struct Buffer {
    std::mutex mutex;
    std::string text;
  };
  Buffer& buffer_of_this_thread();
  void write_out(std::string& text);  // with the buffer's lock held
  void flush_every_second();

  std::string target_;
  std::uint64_t id_;  // tells this log's thread buffers from those of an earlier one
  std::mutex mutex_;  // guards fd_, buffers_ and stop_
  int fd_ = -1;
  std::vector<std::shared_ptr<Buffer>> buffers_;
  bool stop_ = false;
  std::condition_variable wake_;
  std::thread flusher_;
};

}  // namespace dualhttpd
