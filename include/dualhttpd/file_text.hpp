// A whole (small) file as text: configuration files, /proc and /sys entries, mime.types.
#pragma once

#include <optional>
#include <string>

namespace dualhttpd {

// The file's bytes, or nullopt when it cannot be opened (errno says why).
std::optional<std::string> read_file_text(const std::string& path);

}  // namespace dualhttpd
