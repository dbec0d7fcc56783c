#include "dualhttpd/error_log.hpp"

#include <spdlog/details/file_helper.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>

namespace dualhttpd {

namespace {

// A file sink that can reopen its file (after logrotate moved it) while others log.
class ReopenableFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ReopenableFileSink(const std::string& path) { file_.open(path, false); }
  void reopen() {
    std::lock_guard lock(mutex_);
    file_.reopen(false);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    file_.write(formatted);
  }
  void flush_() override { file_.flush(); }

 private:
  spdlog::details::file_helper file_;
};

std::shared_ptr<ReopenableFileSink> g_file_sink;

}  // namespace

std::string open_error_log(const std::string& target, const std::string& level) {
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
    return "cannot open error log " + target + ": " + e.what();
  }
}

std::string reopen_error_log() {
  if (!g_file_sink) return {};
  try {
    g_file_sink->reopen();
    return {};
  } catch (const spdlog::spdlog_ex& e) {
    return std::string("cannot reopen error log: ") + e.what();
  }
}

}  // namespace dualhttpd
