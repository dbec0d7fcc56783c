// dualhttpd: a small dual-stack static-file HTTP server that explains failed binds.
#include "dualhttpd/options.hpp"
#include "dualhttpd/startup.hpp"

int main(int argc, char** argv) {
  const auto parsed = dualhttpd::parse_options(argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  if (parsed.probe) return dualhttpd::run_probe(*parsed.probe);
  return dualhttpd::run(parsed.options);
}
