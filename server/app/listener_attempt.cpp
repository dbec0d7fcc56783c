#include "dualhttpd/app/listener_attempt.hpp"

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace dualhttpd {

namespace {

// One look at the machine and one trial of every listener.
Attempt attempt(const Options& o, boost::asio::io_context& io, const std::vector<ListenSpec>& specs,
                const std::vector<Problem>& parse_problems, bool root_ok) {
  Attempt a;
  a.machine = read_machine_snapshot();
  a.plan = plan_listeners(specs, a.machine, o.ipv4_mapped);
  a.problems = parse_problems;
  a.problems.insert(a.problems.end(), a.plan.problems.begin(), a.plan.problems.end());
  const bool all_clear = a.problems.empty() && root_ok;
  a.opened = open_listeners(io, a.plan.listeners, a.machine, all_clear && !o.check, o.freebind);
  a.problems.insert(a.problems.end(), a.opened.problems.begin(), a.opened.problems.end());
  return a;
}

}  // namespace

std::vector<ListenSpec> parse_all(const std::vector<std::string>& texts,
                                  std::vector<Problem>& problems) {
  std::vector<ListenSpec> specs;
  for (const auto& text : texts) {
    auto parsed = parse_listen_spec(text);
    if (!parsed.ok()) {
      problems.push_back(
          Problem{text, parsed.error,
                  parsed.suggestion.empty()
                      ? "write [IPv6-ADDRESS]:PORT, IPv4-ADDRESS:PORT or a bare PORT, numbers "
                        "only (see --help)"
                      : fmt::format("listen on {}", parsed.suggestion),
                  ProblemKind::config});
      continue;
    }
    specs.insert(specs.end(), parsed.specs.begin(), parsed.specs.end());
  }
  return specs;
}

void name_origins(std::vector<Problem>& problems, const Options& o) {
  for (auto& p : problems)
    for (std::size_t i = 0; i < o.listen.size() && i < o.listen_origin.size(); ++i)
      if (p.listener == o.listen[i]) {
        p.listener += fmt::format(" (Listen at {})", o.listen_origin[i]);
        break;
      }
}

bool only_ipv6_failed(const Attempt& a, const std::vector<ListenSpec>& specs) {
  const auto family_of = [&](const std::string& text) {
    for (const auto& s : specs)
      if (s.text == text) return s.family();
    return Family::ipv4;
  };
  const bool some_v4 = std::any_of(specs.begin(), specs.end(),
                                   [](const ListenSpec& s) { return s.family() == Family::ipv4; });
  return some_v4 && !a.problems.empty() &&
         std::all_of(a.problems.begin(), a.problems.end(),
                     [&](const Problem& p) { return family_of(p.listener) == Family::ipv6; });
}

// --bind-wait: while the only problems are addresses that are missing or tentative (the
// systemd case at boot), look again with back-off until they can be bound or time is up.
Attempt open_with_wait(const Options& o, boost::asio::io_context& io,
                       const std::vector<ListenSpec>& specs,
                       const std::vector<Problem>& parse_problems, bool root_ok) {
  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + std::chrono::seconds(o.bind_wait);
  std::chrono::milliseconds backoff{25};
  std::string reported;
  for (;;) {
    auto a = attempt(o, io, specs, parse_problems, root_ok);
    const auto now = clock::now();
    if (!root_ok || !a.only_time_may_cure() || now >= deadline) {
      // Waited in vain: the fix no longer suggests waiting.
      if (o.bind_wait > 0 && now >= deadline)
        for (auto& p : a.problems)
          if (!p.fix_after_wait.empty())
            p.fix = fmt::format("{} (--bind-wait {} ran out)", p.fix_after_wait, o.bind_wait);
      return a;
    }
    std::string waiting;
    for (const auto& p : a.problems) waiting += p.listener + ": " + p.cause + "\n";
    if (waiting != reported) {
      const auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - now);
      for (const auto& p : a.problems)
        spdlog::info("waiting up to {} s for {}: {}", left.count() + 1, p.listener, p.cause);
      reported = waiting;
    }
    std::this_thread::sleep_for(std::min<clock::duration>(backoff, deadline - now));
    backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
  }
}

}  // namespace dualhttpd
