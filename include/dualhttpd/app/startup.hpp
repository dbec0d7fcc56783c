// From options to a running server: parse every listen spec, check them against this
// machine, trial-bind them all, report every problem at once, and only then serve.
#pragma once

#include "dualhttpd/app/options.hpp"

namespace dualhttpd {

// Returns the process exit status (see exit_codes.hpp).
int run(const Options& options);

}  // namespace dualhttpd
