#include "dualhttpd/problem.hpp"

#include <fmt/format.h>

namespace dualhttpd {

std::string format_problem(const Problem& problem) {
  std::string out =
      fmt::format("cannot listen on {}\n  cause: {}\n", problem.listener, problem.cause);
  if (!problem.fix.empty()) out += fmt::format("  fix:   {}\n", problem.fix);
  return out;
}

}  // namespace dualhttpd
