#include "dualhttpd/app/tls_setup.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/base/file_opener.hpp"
#include "dualhttpd/tls/tls_module.hpp"

namespace dualhttpd {

namespace {

// How the TLS module opens a certificate and key: through this process's file opener.
int open_for_reading(const std::string& path) {
  return file_opener().open(path, FileOpener::Kind::read);
}

std::string host_name() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return {};
  return name.data();
}

// The addresses a client may name to reach a listener: its own, or for a wildcard every
// usable address of its family on this machine (a link-local one without its zone).
std::vector<std::string> literals_of(const Listener& l, const MachineSnapshot& machine) {
  if (!l.spec.address.is_unspecified()) return {l.spec.address.to_string()};
  std::vector<std::string> out;
  for (const auto& a : machine.addresses)
    if (a.address.family == l.spec.family() && a.usable()) out.push_back(a.address.to_string());
  return out;
}

std::vector<TlsEndpoint> endpoints_of(const std::vector<Listener>& listeners) {
  std::vector<TlsEndpoint> out;
  for (const auto& l : listeners)
    if (l.spec.tls && !l.spec.address.is_unspecified())
      out.push_back({l.spec.address.to_string(), l.spec.port});
  return out;
}

std::string trust_note(const std::string& ca_file, const std::string& host) {
  const auto name = host.empty() ? std::string("dualhttpd") : "dualhttpd-" + host;
  return fmt::format(
      "to trust the local CA on a client host, copy {} there, then: Debian/Ubuntu: cp ca.pem "
      "/usr/local/share/ca-certificates/{}.crt && update-ca-certificates; RHEL/Fedora: cp "
      "ca.pem /etc/pki/ca-trust/source/anchors/{}.pem && update-ca-trust; Chromium on Linux, "
      "which keeps its own store (certutil is in libnss3-tools): certutil -d "
      "sql:$HOME/.pki/nssdb -A -t C,, -n {} -i ca.pem; Firefox: Settings > Privacy & Security > "
      "Certificates > View Certificates > Authorities > Import",
      ca_file, name, name, name);
}

// --tls-self-signed: the files in the state directory, made or issued again as needed.
std::optional<TlsFiles> self_signed(const Options& o, const std::vector<Listener>& listeners,
                                    const MachineSnapshot& machine, bool write, TlsSetup& out) {
  std::vector<std::string> literals;
  for (const auto& l : listeners)
    if (l.spec.tls)
      for (auto& literal : literals_of(l, machine))
        if (std::find(literals.begin(), literals.end(), literal) == literals.end())
          literals.push_back(std::move(literal));
  const auto host = host_name();
  const auto dir = o.state_dir.empty() ? default_state_dir() : o.state_dir;
  auto local = tls_module().self_signed(dir, literals, host, write);
  if (!local) {
    out.errors.push_back(format_diagnostic(local.error()));
    return std::nullopt;
  }
  out.ca_file = local->ca_file;
  auto all = literals;
  all.insert(all.end(), local->dns_names.begin(), local->dns_names.end());
  const auto names = word_list(all, "and");
  if (local->made_ca)
    out.notes.push_back(fmt::format("{} the local CA {}: no client trusts it yet",
                                    write ? "made" : "would make", local->ca_file));
  if (local->issued)
    out.notes.push_back(fmt::format("{} {} for {}, signed by the local CA",
                                    write ? "issued" : "would issue", local->files.certificate,
                                    names));
  else
    out.notes.push_back(fmt::format("TLS certificate {} (for {}, from the local CA {})",
                                    local->files.certificate, names, local->ca_file));
  out.notes.push_back(trust_note(local->ca_file, host));
  if (!write && (local->made_ca || local->issued)) return std::nullopt;  // nothing to load yet
  return local->files;
}

// A TLS listener on a link-local address: what its certificate can say of it, and which
// clients accept that (each tried in e2e_tls).
std::string link_local_warning(const Listener& l) {
  const auto literal = l.spec.address.to_string();
  return format_diagnostic(
      {fmt::format("{} speaks TLS on a link-local address", l.spec.to_spec()),
       fmt::format("a certificate can name {} only without its zone (an iPAddress entry holds "
                   "the 16 bytes, no interface). curl -g 'https://[{}%25IFACE]:{}/' checks the "
                   "address without the zone and accepts it; Python's ssl compares the zone "
                   "too and refuses it (\"Hostname mismatch, certificate is not valid for "
                   "'{}%IFACE'\") unless told server_hostname='{}'; browsers take no zone in "
                   "a URL at all",
                   literal, literal, l.spec.port, literal, literal),
       "serve TLS on a global or ULA address too, and give clients that one"},
      false);
}

// The TLS port a plain listener's clients are sent to: that of a TLS listener on the same
// address, or on every address of the same family (0: none).
std::uint16_t https_port_for(const Listener& plain, const std::vector<Listener>& listeners) {
  for (const auto& l : listeners)
    if (l.spec.tls && l.spec.family() == plain.spec.family() &&
        (l.spec.address == plain.spec.address || l.spec.address.is_unspecified()))
      return l.spec.port;
  return 0;
}

// The TLS listener to add beside a plain one: its address, the given port, https.
std::string tls_twin(ListenSpec spec, std::uint16_t port) {
  spec.port = port;
  spec.tls = true;
  return spec.to_spec();
}

// Takes `context` into use for every TLS listener (the workers take it from the slot); the
// warnings about its certificate for these listeners.
std::vector<std::string> adopt(TlsSetup& tls, TlsServerContext context,
                               const std::vector<Listener>& listeners) {
  auto warnings =
      certificate_warnings(context.files().certificate, context.names(), endpoints_of(listeners));
  if (!tls.slot) tls.slot = std::make_unique<TlsSlot>();
  tls.slot->context.store(context.shared());
  tls.context = std::move(context);
  return warnings;
}

// `first_tls`: the first TLS listener, null when there is none.
void plan_redirects(const std::vector<Listener>& listeners, const Listener* first_tls,
                    TlsSetup& out) {
  if (!first_tls) {
    out.errors.push_back(format_diagnostic(
        {"--redirect-to-https, and no listener speaks TLS", "there is nowhere to send clients to",
         "add a TLS listener, e.g. --listen '[::1]:8443 https'"}));
    return;
  }
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    const auto& l = listeners[i];
    if (l.spec.tls) continue;
    if (l.spec.family() == Family::ipv6 && l.spec.address.is_link_local()) {
      out.warnings.push_back(fmt::format(
          "--redirect-to-https: {} serves as before: a URL to a link-local address needs the "
          "client's interface, which the server cannot know",
          l.spec.to_spec()));
      continue;
    }
    out.https_port[i] = https_port_for(l, listeners);
    if (out.https_port[i] == 0)
      out.warnings.push_back(format_diagnostic(
          {fmt::format("--redirect-to-https: {} serves as before", l.spec.to_spec()),
           "no TLS listener is on its address to send its clients to",
           fmt::format("add --listen '{}'", tls_twin(l.spec, first_tls->spec.port))},
          false));
  }
}

}  // namespace

TlsSetup prepare_tls(const Options& o, const std::vector<Listener>& listeners,
                     const MachineSnapshot& machine, bool write) {
  TlsSetup out;
  out.https_port.assign(listeners.size(), 0);
  const auto first_tls = std::find_if(listeners.begin(), listeners.end(),
                                      [](const Listener& l) { return l.spec.tls; });
  if (o.redirect_to_https)
    plan_redirects(listeners, first_tls == listeners.end() ? nullptr : &*first_tls, out);
  const bool given = !o.tls_cert.empty() || !o.tls_key.empty();
  if (first_tls == listeners.end()) {
    if (given || o.tls_self_signed)
      out.warnings.push_back(fmt::format(
          "{} is given, but no listener speaks TLS: put https after a listen spec, e.g. "
          "--listen '[::1]:8443 https'",
          o.tls_self_signed ? "--tls-self-signed" : "--tls-cert"));
    out.per_listener.assign(listeners.size(), nullptr);
    return out;
  }
  // From here on OpenSSL is needed: the TLS module maps it.
  if (auto module = load_tls_module(); !module) {
    out.errors.push_back(format_diagnostic(module.error()));
    out.per_listener.assign(listeners.size(), nullptr);
    return out;
  }
  const auto example = first_tls->spec.to_spec();
  std::optional<TlsFiles> files;
  if (o.tls_self_signed) {
    files = self_signed(o, listeners, machine, write, out);
  } else if (o.tls_cert.empty() || o.tls_key.empty()) {
    out.errors.push_back(format_diagnostic(
        {fmt::format("{} speaks TLS, and has {}", example,
                     o.tls_cert.empty() && o.tls_key.empty() ? "no certificate"
                     : o.tls_cert.empty()                    ? "a key but no certificate"
                                                             : "a certificate but no key"),
         "a TLS listener needs a certificate and its key",
         "--tls-cert FILE --tls-key FILE, or --tls-self-signed to have dualhttpd make a local "
         "CA and a certificate that names the listeners"}));
  } else {
    files = TlsFiles{o.tls_cert, o.tls_key};
  }
  if (files) {
    auto context = tls_module().load_server_context(*files, open_for_reading);
    if (!context) {
      out.errors.push_back(format_diagnostic(context.error()));
    } else {
      for (auto& warning : adopt(out, std::move(*context), listeners))
        out.warnings.push_back(std::move(warning));
    }
  }
  for (const auto& l : listeners) {
    out.per_listener.push_back(l.spec.tls && out.slot ? out.slot.get() : nullptr);
    if (l.spec.tls && l.spec.family() == Family::ipv6 && l.spec.address.is_link_local())
      out.warnings.push_back(link_local_warning(l));
  }
  return out;
}

void reload_tls(TlsSetup& tls, const std::vector<Listener>& listeners) {
  if (!tls.context || !tls.slot) return;
  const auto files = tls.context->files();
  auto loaded = tls_module().load_server_context(files, open_for_reading);
  if (!loaded) {
    spdlog::error("SIGHUP: the TLS certificate in use stays, because {}",
                  format_diagnostic(loaded.error(), false));
    return;
  }
  for (const auto& warning : adopt(tls, std::move(*loaded), listeners)) spdlog::warn("{}", warning);
  spdlog::info("SIGHUP: TLS certificate {} loaded again ({}, valid until {})", files.certificate,
               tls.context->names().subject, tls.context->names().not_after);
}

}  // namespace dualhttpd
