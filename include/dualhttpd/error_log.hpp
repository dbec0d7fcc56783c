// The error log (spdlog): standard error by default, or a file reopened on SIGHUP.
#pragma once

#include <string>

namespace dualhttpd {

// Returns an error text, or "" on success.
std::string open_error_log(const std::string& target, const std::string& level);
std::string reopen_error_log();
// Whether the error log is a file rather than standard error.
bool error_log_is_file();

}  // namespace dualhttpd
