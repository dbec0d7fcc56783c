// The access log in httpd's combined format:
//   %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"
// with IPv6 clients written without brackets, as httpd writes them.
//
// Lines are formatted once, straight into the buffer of the worker that served the request
// (its Writer), and written out in batches (as nginx's `access_log ... buffer=32k flush=1s`)
// by a background thread: when a buffer holds 32 KiB, once a second, and when the log is
// destroyed. Lines of several workers never interleave.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/http/http_date.hpp"

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

// The time as the log writes it: "25/Nov/2026:13:56:39 +0000" (local time).
std::string log_time_text(std::time_t t);
// Appends the record's line (with its newline) to `out`; `time` is log_time_text(when).
void append_combined(std::string& out, const AccessRecord& record, std::string_view time);
std::string format_combined(const AccessRecord& record);

// Where the lines go: a file (appended), "-" for standard output, or "off".
//
// Serving never waits for the log. Workers only append to their own buffer; a background
// thread writes the buffers out, without blocking on a pipe or socket whose reader stalls
// (`dualhttpd | sleep 600`). A buffer that holds max_buffered bytes takes no more lines
// until it is written: those are dropped and counted, and the count is logged.
class AccessLog {
  struct Buffer;

 public:
  // One worker's way into the log: its own buffer, which only the background writer shares.
  class Writer {
   public:
    bool enabled() const { return buffer_ != nullptr; }
    void write(const AccessRecord& record);

   private:
    friend class AccessLog;
    AccessLog* log_ = nullptr;
    std::shared_ptr<Buffer> buffer_;  // none when the log is off
  };

  static constexpr std::size_t batch_bytes = std::size_t{32} << 10;  // wakes the writer
  static constexpr std::size_t max_buffered = std::size_t{1} << 20;  // per worker
  static constexpr std::size_t max_pending = std::size_t{4} << 20;   // taken, not yet written

  explicit AccessLog(std::string target);
  ~AccessLog();  // writes out what is buffered, waiting at most a second for a slow reader
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  bool enabled() const { return target_ != "off"; }
  // Opens (or reopens, after SIGHUP) the file. Lines logged
  // until now still go to the file open until now; on failure it stays in use.
  Result<> reopen();
  // A buffer of its own for a worker; its lines never interleave with another's.
  Writer writer();
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  struct Buffer {
    std::mutex mutex;  // the writer takes it only to swap the text out
    std::string text;
    OncePerSecond time{log_time_text};
  };
  // Where the writer writes: a file or terminal as is; a pipe through a non-blocking open
  // of its own; a socket with MSG_DONTWAIT.
  struct Output {
    int fd = -1;
    bool socket = false;
    bool nonblocking = false;
  };
  void wake_writer();
  void writer_loop();
  void collect();
  void write_pending(std::chrono::steady_clock::time_point deadline);
  void drop(std::string_view text);
  void report_dropped(bool final);
  void switch_output();

  std::string target_;
  std::mutex mutex_;  // guards buffers_, stop_ and wake_requested_
  std::vector<std::shared_ptr<Buffer>> buffers_;
  bool stop_ = false;
  bool wake_requested_ = false;
  std::condition_variable wake_;
  std::mutex output_mutex_;  // guards output_ and next_output_
  Output output_;
  Output next_output_;   // reopened: used once what was logged before is written
  std::string pending_;  // the writer's: taken from the buffers, not written yet
  std::size_t pending_from_ = 0;
  std::atomic<std::uint64_t> dropped_{0};
  std::uint64_t dropped_reported_ = 0;
  std::chrono::steady_clock::time_point reported_at_;
  std::thread writer_;
};

}  // namespace dualhttpd
