// How dualhttpd says that something cannot be done, everywhere it says so (a listener, the
// docroot, a log file, the configuration, the user to serve as): the thing, the reason in
// plain words, and what to type instead. One type, one formatter.
#pragma once

#include <boost/system/result.hpp>

#include <string>
#include <vector>

namespace dualhttpd {

enum class DiagnosticKind {
  config,   // the text alone is wrong (exit code 2)
  bind,     // this machine cannot honour it (exit code 3)
  runtime,  // it failed while serving (exit code 1)
};

struct Diagnostic {
  std::string subject;     // "cannot open the access log /var/log/x.log"
  std::string cause = {};  // empty when the subject says it all
  std::string fix = {};    // empty when there is nothing to type
  DiagnosticKind kind = DiagnosticKind::config;
};

// What a step that can fail returns: its value (none for Result<>), or the diagnostic that
// says why it failed.
template <class T = void>
using Result = boost::system::result<T, Diagnostic>;

// "SUBJECT\n  cause: CAUSE\n  fix:   FIX\n", a line left out when it would be empty;
// `final_newline` false for a log line, which ends by itself.
std::string format_diagnostic(const Diagnostic& diagnostic, bool final_newline = true);

// An errno value as its name and its words: "EADDRNOTAVAIL: Cannot assign requested address".
std::string errno_text(int error);

// Items as a sentence lists them: "a", "a and b", "a, b and c" (`conjunction` "and" or "or").
std::string word_list(const std::vector<std::string>& items, const std::string& conjunction);

using ProblemKind = DiagnosticKind;

// One reason a listener cannot be opened: a diagnostic about one listener, which time may
// cure.
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

  Diagnostic diagnostic() const { return {"cannot listen on " + listener, cause, fix, kind}; }
};

// "cannot listen on X\n  cause: ...\n  fix:   ...\n"
inline std::string format_problem(const Problem& problem) {
  return format_diagnostic(problem.diagnostic());
}

}  // namespace dualhttpd
