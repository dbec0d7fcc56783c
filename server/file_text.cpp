#include "dualhttpd/file_text.hpp"

#include <fstream>
#include <sstream>

namespace dualhttpd {

std::optional<std::string> read_file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;  // errno is open(2)'s
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace dualhttpd
