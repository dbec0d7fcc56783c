#include "dualhttpd/listen/bind_diagnosis.hpp"

#include "dualhttpd/base/escaping.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace dualhttpd {

namespace {

Problem may_resolve(Problem p) {
  p.may_resolve = true;
  return p;
}

std::string address_list(const MachineSnapshot& machine, Family family) {
  std::vector<std::string> texts;
  for (const auto& a : machine.addresses) {
    if (a.address.family != family) continue;
    auto text = a.address.to_string();
    if (family == Family::ipv6 && a.address.is_link_local()) text += "%" + a.ifname;
    texts.push_back(text + (a.usable() ? "" : " (not usable yet)"));
  }
  return texts.empty() ? "none" : fmt::format("{}", fmt::join(texts, ", "));
}

std::string v6_disabled_interfaces(const MachineSnapshot& machine) {
  std::vector<std::string> names;
  for (const auto& i : machine.interfaces)
    if (i.ipv6_disabled) names.push_back(i.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

Problem tentative(const Listener& l, const AssignedAddress& a) {
  return {l.spec.text,
          fmt::format("{} is on {} but still tentative: duplicate address detection (DAD) has not "
                      "finished, and the kernel binds an address only after it has ({})",
                      a.address.to_string(), a.ifname, errno_text(EADDRNOTAVAIL)),
          fmt::format("start with --bind-wait SECONDS to wait for DAD (about a second; see `ip -6 "
                      "addr show dev {}`), or add the address with 'nodad'",
                      a.ifname),
          ProblemKind::bind,
          false,
          fmt::format("DAD did not finish in that time: look with `ip -6 addr show dev {}` "
                      "(dadfailed means another host on the link has the address), or add the "
                      "address with 'nodad'",
                      a.ifname)};
}

Problem dad_failed(const Listener& l, const AssignedAddress& a) {
  return {l.spec.text,
          fmt::format("{} on {} failed duplicate address detection (dadfailed): another host on "
                      "the link already uses it, so the kernel will not ({})",
                      a.address.to_string(), a.ifname, errno_text(EADDRNOTAVAIL)),
          fmt::format("pick another address, or find the other host (`ip -6 neigh show dev {}`); "
                      "then `ip addr del {}/{} dev {}` and add the new one",
                      a.ifname, a.address.to_string(), a.prefix_length, a.ifname)};
}

// The IPv4 listener that stands in for an IPv6 one, where there is an obvious one.
std::string ipv4_instead(const Listener& l) {
  const auto& a = l.spec.address;
  if (a.is_loopback()) return fmt::format("listen on 127.0.0.1:{}", l.spec.port);
  if (a.is_unspecified()) return fmt::format("listen on 0.0.0.0:{}", l.spec.port);
  return "listen on an IPv4 address of this machine";
}

Problem ipv6_disabled(const Listener& l, const std::string& where, const std::string& sysctl) {
  return {l.spec.text,
          fmt::format("IPv6 is disabled {} ({} = 1), so it has no IPv6 addresses to bind ({})",
                      where, sysctl, errno_text(EADDRNOTAVAIL)),
          fmt::format("check with `sysctl {}`; enable it with `sysctl -w {}=0`, or {}", sysctl,
                      sysctl, ipv4_instead(l))};
}

Problem not_assigned(const Listener& l, const MachineSnapshot& machine) {
  const auto& addr = l.spec.address;
  const auto fam = l.spec.family();
  std::string cause = fmt::format(
      "{} is not assigned to any interface on this machine, so the kernel cannot bind it ({})",
      addr.to_string(), errno_text(EADDRNOTAVAIL));
  const auto disabled = v6_disabled_interfaces(machine);
  if (fam == Family::ipv6 && !disabled.empty())
    cause += fmt::format("; note that IPv6 is disabled on {}", disabled);
  const auto dev = l.scope_id ? l.ifname : std::string("IFACE");
  return {
      l.spec.text,
      cause,
      fmt::format("add it first (`ip addr add {}/{} dev {}`; if it comes later, as at boot, "
                  "use --bind-wait SECONDS or --freebind), or listen on an address this "
                  "machine has: {}",
                  addr.to_string(), fam == Family::ipv6 ? 64 : 24, dev, address_list(machine, fam)),
      ProblemKind::bind,
      false,
      fmt::format("it did not come in that time: add it (`ip addr add {}/{} dev {}`), or "
                  "listen on an address this machine has: {}",
                  addr.to_string(), fam == Family::ipv6 ? 64 : 24, dev,
                  address_list(machine, fam))};
}

Problem on_other_interface(const Listener& l, const MachineSnapshot& machine) {
  const auto forms = fmt::format("{}", fmt::join(zoned_alternatives(l.spec, machine), " or "));
  std::vector<std::string> holders;
  for (const auto* h : machine.holders(l.spec.address)) holders.push_back(h->ifname);
  const auto where = fmt::format("{}", fmt::join(holders, ", "));
  return {l.spec.text,
          fmt::format("{} is not on {}; it is on {} ({})", l.spec.address.to_string(), l.ifname,
                      where, errno_text(EADDRNOTAVAIL)),
          fmt::format("listen on {}", forms)};
}

Problem address_not_available(const Listener& l, const MachineSnapshot& machine) {
  const auto fam = l.spec.family();
  if (fam == Family::ipv6 && machine.ipv6_disabled_all)
    return ipv6_disabled(l, "on this machine", "net.ipv6.conf.all.disable_ipv6");
  if (const auto* zone = machine.find_interface(l.ifname);
      zone && l.scope_id && zone->ipv6_disabled)
    return ipv6_disabled(l, "on " + zone->name, "net.ipv6.conf." + zone->name + ".disable_ipv6");
  const auto holders = machine.holders(l.spec.address);
  if (holders.empty()) return may_resolve(not_assigned(l, machine));
  for (const auto* h : holders)
    if (l.scope_id == 0 || h->ifindex == l.scope_id) {
      if (h->dad_failed()) return dad_failed(l, *h);
      if (h->tentative()) return may_resolve(tentative(l, *h));
    }
  if (l.scope_id != 0) return may_resolve(on_other_interface(l, machine));
  return {l.spec.text,
          fmt::format("the kernel cannot bind {} ({})", l.spec.address.to_string(),
                      errno_text(EADDRNOTAVAIL)),
          "check `ip addr` for the address and its flags"};
}

Problem address_in_use(const Listener& l, const std::optional<PortOwner>& owner) {
  const auto port = l.spec.port;
  const std::string who = owner ? fmt::format("{} (pid {}) holds it", owner->command, owner->pid)
                                : "this process cannot see which program holds it";
  const auto& a = l.spec.address;
  const auto where = a.is_unspecified() ? fmt::format("every {} address ({})",
                                                      a.family == Family::ipv6 ? "IPv6" : "IPv4",
                                                      a.family == Family::ipv6 ? "[::]" : "0.0.0.0")
                                        : url_host(a.to_string());
  return {l.spec.text,
          fmt::format("port {} is already in use on {}: {} ({})", port, where, who,
                      errno_text(EADDRINUSE)),
          fmt::format("stop that program or choose another port; `ss -ltnp 'sport = :{}'` shows "
                      "who listens",
                      port)};
}

Problem permission_denied(const Listener& l, const MachineSnapshot& machine) {
  const int first_free = machine.unprivileged_port_start;
  if (l.spec.port >= first_free)
    return {l.spec.text,
            fmt::format("the kernel refused the bind: {} (a security module or a seccomp filter "
                        "may forbid it)",
                        errno_text(EACCES)),
            "check the audit log (`journalctl -k`, `ausearch -m avc`)"};
  return {l.spec.text,
          fmt::format("ports below {} are privileged (net.ipv4.ip_unprivileged_port_start = {}) "
                      "and this process lacks CAP_NET_BIND_SERVICE ({})",
                      first_free, first_free, errno_text(EACCES)),
          fmt::format("grant the capability (`setcap cap_net_bind_service=+ep $(command -v "
                      "dualhttpd)`, or AmbientCapabilities=CAP_NET_BIND_SERVICE in a systemd "
                      "unit), lower `sysctl net.ipv4.ip_unprivileged_port_start`, or use a port "
                      "of {} or above such as 8080",
                      first_free)};
}

Problem no_ipv6_in_kernel(const Listener& l) {
  return {l.spec.text,
          fmt::format("this kernel runs without IPv6: socket(AF_INET6) fails ({}); usually "
                      "ipv6.disable=1 on the kernel command line (see /proc/cmdline)",
                      errno_text(EAFNOSUPPORT)),
          fmt::format("remove ipv6.disable=1 from GRUB_CMDLINE_LINUX in /etc/default/grub, run "
                      "update-grub and reboot; or {}",
                      ipv4_instead(l))};
}

}  // namespace

std::vector<Problem> foreseen_problems(const Listener& listener, int error,
                                       const MachineSnapshot& machine) {
  std::vector<Problem> out;
  const bool privileged = listener.spec.port < machine.unprivileged_port_start;
  if (error != EACCES && error != EPERM && privileged && !machine.can_bind_privileged)
    out.push_back(permission_denied(listener, machine));
  const auto& address = listener.spec.address;
  if ((error == EACCES || error == EPERM) && !address.is_unspecified() && !address.is_loopback() &&
      !address.is_link_local() && machine.holders(address).empty())
    out.push_back(address_not_available(listener, machine));
  return out;
}

Problem explain_bind_error(const Listener& listener, const std::string& stage, int error,
                           const MachineSnapshot& machine, const std::optional<PortOwner>& owner) {
  switch (error) {
    case EADDRNOTAVAIL:
      return address_not_available(listener, machine);
    case EADDRINUSE:
      return address_in_use(listener, owner);
    case EACCES:
    case EPERM:
      return permission_denied(listener, machine);
    case EAFNOSUPPORT:
      if (listener.spec.family() == Family::ipv6) return no_ipv6_in_kernel(listener);
      break;
    default:
      break;
  }
  return {listener.spec.text,
          fmt::format("the kernel refused {}() for {}: {}", stage, listener.describe(),
                      errno_text(error)),
          {}};
}

}  // namespace dualhttpd
