// dualhttpd: a small dual-stack static-file HTTP server that explains failed binds.
#include <cerrno>
#include <cstdio>
#include <exception>
#include <system_error>

#include <boost/system/system_error.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dualhttpd/app/error_log.hpp"
#include "dualhttpd/app/options.hpp"
#include "dualhttpd/app/startup.hpp"
#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/base/exit_codes.hpp"

namespace {

int stopped(const char* what, int code) {
  const auto text = dualhttpd::format_diagnostic(
      {fmt::format("stopped: {}", what), "",
       code == EMFILE || code == ENFILE
           ? "raise the descriptor limit (ulimit -n, LimitNOFILE=), or use fewer --threads"
       : code == EAGAIN ? "use fewer --threads (or raise ulimit -u)"
                        : "",
       dualhttpd::DiagnosticKind::runtime});
  std::fflush(stdout);
  fmt::print(stderr, "dualhttpd: {}", text);
  dualhttpd::copy_to_error_log_file(spdlog::level::critical, text);
  return dualhttpd::exit_runtime_error;
}

}  // namespace

// All is caught; only stopped()'s own formatting could throw (out of memory), and then
// terminating is what is left to do.
// NOLINTNEXTLINE(bugprone-exception-escape)
int main(int argc, char** argv) {
  // Line by line, so that piped (2>&1 | less, a CI log) the ok: lines on standard output and
  // the problems on standard error come in the order they were written.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  // Whatever escapes (a thread that cannot be created, a descriptor that cannot be
  // duplicated) ends the process with a message and the documented status, not abort().
  try {
    const auto parsed = dualhttpd::parse_options(argc, argv);
    if (parsed.exit_code) return *parsed.exit_code;
    if (parsed.probe) return dualhttpd::run_probe(*parsed.probe);
    return dualhttpd::run(parsed.options);
  } catch (const boost::system::system_error& e) {
    return stopped(e.what(), e.code().value());
  } catch (const std::system_error& e) {
    return stopped(e.what(), e.code().value());
  } catch (const std::exception& e) {
    return stopped(e.what(), 0);
  } catch (...) {
    return stopped("an unknown error", 0);
  }
}
