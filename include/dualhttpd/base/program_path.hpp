// Where the running program is, and whether it is the one in the tree it was built in.
#pragma once

#include <string>

namespace dualhttpd {

// The running program's own file (/proc/self/exe); empty when it cannot be read.
std::string program_path();

// Whether this binary runs from the build tree it was built in (not installed): then it
// reads no configuration from /etc unless --config names it, serves the checkout's www/ and
// loads its modules from the build tree.
bool run_from_build_tree();

}  // namespace dualhttpd
