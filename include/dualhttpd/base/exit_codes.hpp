// The process's exit status, documented in --help and the README.
#pragma once

namespace dualhttpd {

enum ExitCode : int {
  exit_ok = 0,             // served and stopped cleanly, or --check found nothing wrong
  exit_runtime_error = 1,  // failed after start-up
  exit_usage = 2,          // bad command line, listen spec, docroot or configuration
  exit_bind = 3,           // a listener cannot be opened on this machine
};

}  // namespace dualhttpd
