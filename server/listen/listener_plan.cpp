#include "dualhttpd/listen/listener_plan.hpp"

#include "dualhttpd/listen/bind_diagnosis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace dualhttpd {

namespace {

bool is_bare_port(const ListenSpec& spec) {
  return std::all_of(spec.text.begin(), spec.text.end(),
                     [](unsigned char c) { return std::isdigit(c); });
}

std::string holder_names(const std::vector<const AssignedAddress*>& holders) {
  std::vector<std::string> names;
  names.reserve(holders.size());
  for (const auto* h : holders) names.push_back(h->ifname);
  return word_list(names, "and");
}

std::string link_locals_here(const MachineSnapshot& machine) {
  std::vector<std::string> zoned;
  for (const auto* a : machine.addresses_of(Family::ipv6, true))
    zoned.push_back(a->address.to_string() + "%" + a->ifname);
  return zoned.empty() ? "none" : fmt::format("{}", fmt::join(zoned, ", "));
}

Problem missing_zone(const ListenSpec& spec, const MachineSnapshot& machine) {
  Problem p{spec.text,
            fmt::format("{} is a link-local address: it is unique only on its own link, so a bind "
                        "needs the interface as a zone; without one the kernel refuses it with "
                        "EINVAL (Invalid argument)",
                        spec.address.to_string()),
            {},
            ProblemKind::bind};
  const auto holders = machine.holders(spec.address);
  if (!holders.empty())
    p.fix = fmt::format("it is on {}: listen on {}", holder_names(holders),
                        word_list(zoned_alternatives(spec, machine), "or"));
  else
    p.fix = fmt::format(
        "no interface here holds {}; the link-local addresses here are: {}. Better still, listen "
        "on a global address you configured (see `ip -6 addr`)",
        spec.address.to_string(), link_locals_here(machine));
  return p;
}

Problem zone_not_allowed(const ListenSpec& spec) {
  ListenSpec bare = spec;
  bare.zone.clear();
  return Problem{spec.text,
                 fmt::format("only link-local (fe80::/10) addresses take a zone; {} is not "
                             "link-local, and the kernel would ignore '%{}' without a word",
                             spec.address.to_string(), spec.zone),
                 fmt::format("drop the zone: listen on {}", bare.to_spec()), ProblemKind::config};
}

Problem unknown_zone(const ListenSpec& spec, const MachineSnapshot& machine) {
  Problem p{
      spec.text,
      fmt::format("there is no interface {} '{}' on this machine (interfaces: {})",
                  std::isdigit(static_cast<unsigned char>(spec.zone[0])) ? "with index" : "named",
                  spec.zone, machine.interface_names()),
      {},
      ProblemKind::bind};
  const auto alternatives = zoned_alternatives(spec, machine);
  if (!alternatives.empty()) {
    p.fix = fmt::format("{} is on {}: listen on {}", spec.address.to_string(),
                        holder_names(machine.holders(spec.address)), word_list(alternatives, "or"));
    return p;
  }
  // The address is on no interface either: naming an interface alone would only lead to the
  // next refusal. The link-local addresses this machine has, each with its interface:
  std::vector<std::string> own;
  for (const auto* a : machine.addresses_of(Family::ipv6, true))
    if (a->usable()) own.push_back(format_endpoint(a->address, a->ifname, spec.port));
  p.fix = own.empty() ? std::string(
                            "no interface here has a link-local address yet: bring up the "
                            "one that faces the clients (`ip link set IFACE up`)")
                      : fmt::format(
                            "{} is on no interface here either; listen on a link-local "
                            "address this machine has: {}",
                            spec.address.to_string(), word_list(own, "or"));
  return p;
}

const NetInterface* resolve_zone(const ListenSpec& spec, const MachineSnapshot& machine) {
  if (const auto index = parse_zone_index(spec.zone); index.numeric)
    return index.bad ? nullptr : machine.find_interface(index.value);
  return machine.find_interface(spec.zone);
}

std::string owner_name(const Listener& l, const MachineSnapshot& machine) {
  if (l.spec.address.is_unspecified()) return "any";
  const auto holders = machine.holders(l.spec.address);
  return holders.empty() ? "none" : holders.front()->ifname;
}

// Checks one spec on its own; on success fills `out`.
std::optional<Problem> check_one(const ListenSpec& spec, const MachineSnapshot& machine,
                                 bool ipv4_mapped, Listener& out) {
  out.spec = spec;
  const bool v6 = spec.family() == Family::ipv6;
  out.v6only = !(ipv4_mapped && v6 && spec.address.is_unspecified() && !is_bare_port(spec));
  if (!spec.zone.empty()) {
    if (!spec.address.is_link_local()) return zone_not_allowed(spec);
    const auto* iface = resolve_zone(spec, machine);
    if (!iface) {
      auto problem = unknown_zone(spec, machine);
      problem.may_resolve = true;  // the interface may not be there yet
      return problem;
    }
    out.scope_id = iface->index;
    out.ifname = iface->name;
    return std::nullopt;
  }
  if (v6 && spec.address.is_link_local()) return missing_zone(spec, machine);
  out.ifname = owner_name(out, machine);
  return std::nullopt;
}

bool same_endpoint(const Listener& a, const Listener& b) {
  return a.spec.address == b.spec.address && a.scope_id == b.scope_id && a.spec.port == b.spec.port;
}

// Two listeners the kernel cannot both have, or that would silently shadow each other.
std::optional<Problem> overlap(const Listener& earlier, const Listener& later) {
  if (earlier.spec.port != later.spec.port) return std::nullopt;
  const auto& a = earlier.spec;
  const auto& b = later.spec;
  const auto port = b.port;
  if (a.family() == b.family()) {
    if (same_endpoint(earlier, later))
      return Problem{b.text,
                     fmt::format("{} is listed twice (also as '{}')", b.to_string(), a.text),
                     "list each address and port once", ProblemKind::config};
    if (a.address.is_unspecified() != b.address.is_unspecified()) {
      const auto& wild = a.address.is_unspecified() ? a : b;
      const auto& specific = a.address.is_unspecified() ? b : a;
      const auto wild_name = wild.text == wild.to_string()
                                 ? wild.text
                                 : fmt::format("{} ({})", wild.text, wild.to_string());
      return Problem{b.text,
                     fmt::format("{} already accepts connections to every {} address on port {}, "
                                 "{} included; the kernel would refuse the second with EADDRINUSE",
                                 wild_name, wild.family() == Family::ipv6 ? "IPv6" : "IPv4", port,
                                 specific.to_string()),
                     fmt::format("keep only {} or only {}", wild.text, specific.text),
                     ProblemKind::config};
    }
    return std::nullopt;
  }
  const auto& v6 = a.family() == Family::ipv6 ? earlier : later;
  const auto& v4 = a.family() == Family::ipv6 ? later : earlier;
  if (v6.v6only || !v6.spec.address.is_unspecified()) return std::nullopt;
  return Problem{b.text,
                 fmt::format("{} with --ipv4-mapped already accepts IPv4 clients on port {} "
                             "(as ::ffff:a.b.c.d), so {} would collide with it",
                             v6.spec.text, port, v4.spec.to_string()),
                 fmt::format("drop {} or drop --ipv4-mapped", v4.spec.text), ProblemKind::config};
}

}  // namespace

std::string Listener::describe() const {
  return fmt::format("{} {} interface={} v6only={}", spec.to_spec(), family_name(spec.family()),
                     ifname,
                     spec.family() == Family::ipv4 ? "n/a"
                     : v6only                      ? "on"
                                                   : "off");
}

std::vector<std::string> freebind_warnings(const std::vector<Listener>& listeners,
                                           const MachineSnapshot& machine) {
  std::vector<std::string> out;
  for (const auto& l : listeners) {
    if (l.spec.address.is_unspecified()) continue;
    const auto holders = machine.holders(l.spec.address);
    const bool usable = std::any_of(holders.begin(), holders.end(), [&](const auto* h) {
      return h->usable() && (l.scope_id == 0 || h->ifindex == l.scope_id);
    });
    if (usable) continue;
    out.push_back(fmt::format(
        "--freebind: {} is not usable on this machine yet ({}); {} listens anyway, and "
        "connections arrive only once the address is added and has passed DAD",
        l.spec.address.to_string(), holders.empty() ? "on no interface" : "tentative or dadfailed",
        l.spec.to_string()));
  }
  return out;
}

std::vector<std::string> zoned_alternatives(const ListenSpec& spec,
                                            const MachineSnapshot& machine) {
  std::vector<std::string> out;
  for (const auto* h : machine.holders(spec.address)) {
    ListenSpec zoned = spec;
    zoned.zone = h->ifname;
    out.push_back(zoned.to_spec());
  }
  return out;
}

ListenerPlan plan_listeners(const std::vector<ListenSpec>& specs, const MachineSnapshot& machine,
                            bool ipv4_mapped) {
  ListenerPlan plan;
  for (const auto& spec : specs) {
    Listener candidate;
    if (auto problem = check_one(spec, machine, ipv4_mapped, candidate)) {
      plan.problems.push_back(std::move(*problem));
      for (auto& next : foreseen_problems(candidate, 0, machine))
        plan.problems.push_back(std::move(next));
      continue;
    }
    std::optional<Problem> clash;
    for (const auto& earlier : plan.listeners)
      if ((clash = overlap(earlier, candidate))) break;
    if (clash)
      plan.problems.push_back(std::move(*clash));
    else
      plan.listeners.push_back(std::move(candidate));
  }
  return plan;
}

}  // namespace dualhttpd
