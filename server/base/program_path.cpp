#include "dualhttpd/base/program_path.hpp"

#include <filesystem>
#include <system_error>

namespace dualhttpd {

std::string program_path() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  return ec ? std::string() : exe;
}

bool run_from_build_tree() {
  const auto exe = program_path();
  const std::string build = DUALHTTPD_BUILD_DIR;
  return exe.size() > build.size() && exe.compare(0, build.size(), build) == 0 &&
         exe[build.size()] == '/';
}

}  // namespace dualhttpd
