// `dualhttpd probe URL...`: run on the machine that must reach the server. Finds the route
// and source address the kernel would use, says in plain words what is wrong when there is
// none, then connects with a timeout, GETs /healthz (or the URL's path) and reports.
#pragma once

#include <string>
#include <vector>

namespace dualhttpd {

struct ProbeOptions {
  std::vector<std::string> urls;
  bool json = false;
  std::string cacert;  // https://: the CA to verify the server's certificate with (PEM)
  unsigned timeout_s = 5;
};

// Returns the exit status: 0 only when every URL answered.
int run_probe(const ProbeOptions& options);

}  // namespace dualhttpd
