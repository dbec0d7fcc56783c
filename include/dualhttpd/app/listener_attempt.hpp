// Opening the configured listeners as a start does: the specs parsed, the machine looked at,
// the plan made and every listener tried, again with back-off while only time may cure what
// fails (--bind-wait).
#pragma once

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "dualhttpd/address/listen_spec.hpp"
#include "dualhttpd/address/machine_snapshot.hpp"
#include "dualhttpd/app/options.hpp"
#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/listen/listener_plan.hpp"
#include "dualhttpd/listen/open_listeners.hpp"

namespace dualhttpd {

// The specs of the --listen texts; what cannot be parsed goes to `problems`.
std::vector<ListenSpec> parse_all(const std::vector<std::string>& texts,
                                  std::vector<Problem>& problems);

// One look at the machine and one trial of every listener.
struct Attempt {
  MachineSnapshot machine;
  ListenerPlan plan;
  OpenListeners opened;
  std::vector<Problem> problems;  // parse, plan and bind problems together

  bool only_time_may_cure() const {
    return !problems.empty() && std::all_of(problems.begin(), problems.end(),
                                            [](const Problem& p) { return p.may_resolve; });
  }
};

// One attempt, then more while --bind-wait allows and only time may cure the problems.
// `root_ok`: the docroot and the user are usable (else nothing is bound).
Attempt open_with_wait(const Options& o, boost::asio::io_context& io,
                       const std::vector<ListenSpec>& specs,
                       const std::vector<Problem>& parse_problems, bool root_ok);

// A listener taken from httpd's configuration is named with its Listen line's file and line.
void name_origins(std::vector<Problem>& problems, const Options& o);

// Whether every problem is an IPv6 listener's while an IPv4 one could open.
bool only_ipv6_failed(const Attempt& a, const std::vector<ListenSpec>& specs);

}  // namespace dualhttpd
