// A whole (small) file as text: configuration files, /proc and /sys entries, mime.types.
// Only a regular file is read, never more than a limit: a FIFO named by mistake would block
// the server before it serves, /dev/zero would fill its memory.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace dualhttpd {

constexpr std::size_t max_text_file_bytes = std::size_t{4} << 20;

// The file's bytes, or nullopt with the reason in `why` when given ("No such file or
// directory", "it is a FIFO (named pipe), not a regular file", "it holds more than ...").
std::optional<std::string> read_file_text(const std::string& path, std::string* why = nullptr,
                                          std::size_t limit = max_text_file_bytes);

// The same from a descriptor opened for reading (by the file opener, say).
std::optional<std::string> read_fd_text(int fd, std::string* why = nullptr,
                                        std::size_t limit = max_text_file_bytes);

}  // namespace dualhttpd
