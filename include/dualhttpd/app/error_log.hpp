// The error log (spdlog): standard error by default, or a file reopened on SIGHUP.
#pragma once

#include <string>
#include <string_view>

#include <spdlog/common.h>

#include "dualhttpd/base/diagnostic.hpp"

namespace dualhttpd {

Result<> open_error_log(const std::string& target, const std::string& level);
// After SIGHUP; when the file cannot be opened again, the old one stays in use.
Result<> reopen_error_log();
// When the error log is a file, writes `text` (a message for standard error, ending in a
// newline) there too: a daemon that cannot start leaves its reason where its log is read.
void copy_to_error_log_file(spdlog::level::level_enum level, std::string_view text);

}  // namespace dualhttpd
