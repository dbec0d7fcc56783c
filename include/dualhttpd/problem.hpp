// One reason a listener cannot be opened, told the way a person needs it: which listener,
// what is wrong in plain words, and what to type instead.
#pragma once

#include <string>
#include <vector>

namespace dualhttpd {

enum class ProblemKind {
  config,  // the text alone is wrong (exit code 2)
  bind,    // this machine cannot honour it (exit code 3)
};

struct Problem {
  std::string listener;  // as the user wrote it
  std::string cause;
  std::string fix;
  ProblemKind kind = ProblemKind::bind;
  // Time may cure it (the address is missing or tentative, the interface not there yet):
  // --bind-wait waits for these.
  bool may_resolve = false;
  // The fix once --bind-wait has waited in vain (the usual one suggests waiting); empty when
  // the usual one holds then too.
  std::string fix_after_wait = {};
};

// "cannot listen on X\n  cause: ...\n  fix:   ...\n"
std::string format_problem(const Problem& problem);

}  // namespace dualhttpd
