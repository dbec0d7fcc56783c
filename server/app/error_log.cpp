#include "dualhttpd/app/error_log.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cstring>
#include <mutex>

#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/base/file_opener.hpp"
#include "dualhttpd/base/unique_fd.hpp"

namespace dualhttpd {

namespace {

// A file sink that can reopen its file (after logrotate moved it) while others log. The file
// is opened through the file opener, so a server that gave up root still can; when the new
// file cannot be opened, the old one is kept. Each line is one write(2), appended.
class ReopenableFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ReopenableFileSink(std::string path) : path_(std::move(path)) {
    if (auto err = open_file(); !err.empty()) throw spdlog::spdlog_ex(err);
  }
  std::string reopen() {
    std::lock_guard lock(mutex_);
    return open_file();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    // A full disk loses the line; the server goes on.
    const auto written = ::write(fd_.get(), formatted.data(), formatted.size());
    static_cast<void>(written);
  }
  void flush_() override {}

 private:
  std::string open_file() {
    const int fd = file_opener().open(path_, FileOpener::Kind::append);
    if (fd < 0) return ::strerrordesc_np(-fd);
    fd_.reset(fd);
    return {};
  }

  std::string path_;
  UniqueFd fd_;
};

std::shared_ptr<ReopenableFileSink> g_file_sink;

}  // namespace

Result<> open_error_log(const std::string& target, const std::string& level) {
  try {
    spdlog::sink_ptr sink;
    if (target == "-") {
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
      g_file_sink = std::make_shared<ReopenableFileSink>(target);
      sink = g_file_sink;
    }
    auto logger = std::make_shared<spdlog::logger>("dualhttpd", std::move(sink));
    logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
    return {};
  } catch (const spdlog::spdlog_ex& e) {
    return Diagnostic{"cannot open the error log " + target, e.what(),
                      "name a file in a directory this user may write (--error-log "
                      "FILE), or --error-log - for standard error"};
  }
}

void copy_to_error_log_file(spdlog::level::level_enum level, std::string_view text) {
  if (!g_file_sink) return;
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  spdlog::log(level, "{}", text);
}

Result<> reopen_error_log() {
  if (!g_file_sink) return {};
  if (auto err = g_file_sink->reopen(); !err.empty())
    return Diagnostic{"cannot reopen error log: " + err + "; still writing to the file it was"};
  return {};
}

}  // namespace dualhttpd
