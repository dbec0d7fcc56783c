#include "dualhttpd/probe/probe.hpp"

#include <net/if.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <ctime>
#include <optional>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "dualhttpd/address/listen_spec.hpp"
#include "dualhttpd/address/machine_snapshot.hpp"
#include "dualhttpd/base/escaping.hpp"
#include "dualhttpd/base/exit_codes.hpp"
#include "dualhttpd/probe/probe_url.hpp"
#include "dualhttpd/probe/route_check.hpp"
#include "dualhttpd/runtime/tls_stream.hpp"
#include "dualhttpd/tls/tls_module.hpp"

namespace dualhttpd {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using clock = std::chrono::steady_clock;

net::ip::address to_asio(const ProbeUrl& u) {
  if (u.address.family == Family::ipv4) {
    net::ip::address_v4::bytes_type b{u.address.bytes[0], u.address.bytes[1], u.address.bytes[2],
                                      u.address.bytes[3]};
    return net::ip::address_v4(b);
  }
  net::ip::address_v6::bytes_type b;
  std::copy(u.address.bytes.begin(), u.address.bytes.end(), b.begin());
  unsigned scope = 0;
  if (!u.zone.empty()) {
    scope = ::if_nametoindex(u.zone.c_str());
    if (const auto index = parse_zone_index(u.zone); scope == 0 && index.numeric && !index.bad)
      scope = index.value;
  }
  return net::ip::address_v6(b, scope);
}

// Asks the kernel which source address a packet to the server would leave from.
RouteFinding find_route(const ProbeUrl& u) {
  const auto machine = read_machine_snapshot();
  if (auto problem = link_local_zone_problem(u, machine); !problem.empty()) {
    RouteFinding f;
    f.message = std::move(problem);
    return f;
  }
  net::io_context io;
  net::ip::udp::socket probe(io);
  const net::ip::udp::endpoint to(to_asio(u), u.port);
  boost::system::error_code ec;
  probe.open(to.protocol(), ec);
  if (!ec) probe.connect(to, ec);
  std::optional<IpAddress> source;
  if (!ec) {
    auto local = probe.local_endpoint(ec).address();
    if (local.is_v6()) {
      auto v6 = local.to_v6();
      v6.scope_id(0);
      local = v6;
    }
    source = IpAddress::parse(local.to_string());
  }
  return judge_route(u.address, u.zone, ec.value(), source, machine);
}

// Runs one asynchronous operation to completion or until the deadline.
template <typename Start>
boost::system::error_code run_until(net::io_context& io, clock::time_point deadline, Start start) {
  std::optional<boost::system::error_code> result;
  start([&](boost::system::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run_until(deadline);
  if (!result) return net::error::timed_out;
  return *result;
}

// What the TLS handshake showed of the server, for https:// URLs.
struct TlsOutcome : TlsPeer {
  bool used = false;
  std::string verify_problem;  // empty when the certificate verified: what is wrong, and the fix
};

struct HttpOutcome {
  TlsOutcome tls;
  std::string error;
  unsigned status = 0;
  std::string path;
  double latency_ms = 0;
  std::string seen_client;  // from /healthz
};

constexpr std::uint32_t max_head_bytes = 16 * 1024;
constexpr std::uint64_t max_body_bytes = std::uint64_t{1}
                                         << 20;  // more is not read: the status is known

// What a failed read means, in the words of what the server did wrong.
std::string explain_read_error(const boost::system::error_code& ec) {
  if (ec == http::error::buffer_overflow)
    return fmt::format(
        "the server sent more than {} bytes of a chunk line (size, extension or trailer) "
        "without ending it; HTTP/1.1 chunked framing (RFC 9112 section 7.1) has no such line: "
        "the server is broken or hostile, the network is fine",
        max_head_bytes);
  if (ec == http::error::header_limit)
    return fmt::format("the server's response head is larger than {} bytes", max_head_bytes);
  if (ec == net::error::timed_out) return "no complete answer within the timeout";
  return ec.message();
}

std::string json_field(const std::string& body, const std::string& key) {
  const auto at = body.find("\"" + key + "\":\"");
  if (at == std::string::npos) return {};
  const auto start = at + key.size() + 4;
  return body.substr(start, body.find('"', start) - start);
}

std::string names_text(const CertificateNames& names) {
  const auto all = names.entries();
  return all.empty() ? std::string("no subjectAltName") : fmt::format("{}", fmt::join(all, ", "));
}

// Now, written as OpenSSL writes a certificate's dates ("Feb  1 00:00:00 2020 GMT").
std::string utc_now_text() {
  return fmt::format("{:%b %e %H:%M:%S %Y} GMT", fmt::gmtime(std::time(nullptr)));
}

// Why the certificate does not verify for this URL, in words, with the fix.
std::string explain_verify(const TlsOutcome& t, const ProbeUrl& u, const std::string& cacert) {
  const auto literal = u.address.to_string();
  const auto trust = cacert.empty() ? std::string("this host's trust store") : cacert;
  switch (t.verify) {
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return fmt::format(
          "the certificate does not name {} (it names {}): curl says \"no alternative "
          "certificate subject name matches target host name '{}'\"\n  fix:   on the server, a "
          "certificate with IP:{} in its subjectAltName, e.g. dualhttpd --tls-self-signed "
          "with this address among its listeners",
          literal, names_text(t.names), literal, literal);
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      return fmt::format(
          "the certificate is self-signed ({}), and {} does not hold it\n  fix:   give its "
          "issuer with --cacert FILE (dualhttpd --tls-self-signed keeps its CA in "
          "/var/lib/dualhttpd/ca.pem on the server)",
          t.names.subject, trust);
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return fmt::format(
          "the certificate ({}) comes from a CA that {} does not hold\n  fix:   --cacert "
          "CA.pem with the server's CA (dualhttpd --tls-self-signed keeps it in "
          "/var/lib/dualhttpd/ca.pem on the server), or trust that CA on this host",
          t.names.subject, trust);
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return fmt::format(
          "the certificate expired on {}: curl says \"certificate has expired\"\n  fix:   a "
          "new certificate on the server, then reload it there (dualhttpd: systemctl reload "
          "dualhttpd, or kill -HUP its PID; one made by --tls-self-signed is renewed at start)",
          t.names.not_after);
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return fmt::format(
          "the certificate is valid only from {}, and this host's clock says {}: curl says "
          "\"certificate is not yet valid\"\n  fix:   run date -u on both hosts; if both are "
          "right, the certificate was made for later: issue it again on the server",
          t.names.not_before, utc_now_text());
    default:
      return t.verify_text;
  }
}

// The handshake's facts, once it is done.
TlsOutcome describe_tls(SSL* ssl, const ProbeUrl& u, const std::string& cacert) {
  TlsOutcome t;
  static_cast<TlsPeer&>(t) = tls_module().describe_peer(ssl);
  t.used = true;
  if (t.verify != X509_V_OK) t.verify_problem = explain_verify(t, u, cacert);
  return t;
}

// GET over `stream`, connected (and through TLS, if any), within the deadline.
template <class Stream>
void exchange(net::io_context& io, Stream& stream, const ProbeUrl& u, clock::time_point started,
              clock::time_point deadline, HttpOutcome& out) {
  http::request<http::empty_body> req{http::verb::get, out.path, 11};
  req.set(http::field::host, u.host_text());
  req.set(http::field::user_agent, "dualhttpd-probe/" DUALHTTPD_VERSION);
  req.set(http::field::accept, "application/json");
  auto ec = run_until(io, deadline, [&](auto handler) { http::async_write(stream, req, handler); });
  // Every buffer the server fills is bounded: a hostile or broken server gets an explanation,
  // not the probe's memory.
  beast::flat_buffer buffer(max_head_bytes + 1024);
  http::response_parser<http::string_body> parser;
  parser.header_limit(max_head_bytes);
  parser.body_limit(max_body_bytes);
  if (!ec)
    ec = run_until(io, deadline,
                   [&](auto handler) { http::async_read(stream, buffer, parser, handler); });
  // A large page needs no reading to the end: its status is what the probe wanted.
  if (ec == http::error::body_limit && parser.is_header_done()) ec = {};
  if (ec) {
    out.error = fmt::format("no HTTP answer from {}: {}", u.host_text(), explain_read_error(ec));
    return;
  }
  const auto& res = parser.get();
  out.latency_ms = std::chrono::duration<double, std::milli>(clock::now() - started).count();
  out.status = res.result_int();
  out.seen_client = json_field(res.body(), "address");
}

HttpOutcome fetch(const ProbeUrl& u, const std::string& path, const ProbeOptions& o) {
  HttpOutcome out;
  out.path = path;
  net::io_context io;
  Socket socket(io.get_executor());
  const auto started = clock::now();
  const auto deadline = started + std::chrono::seconds(o.timeout_s);
  const tcp::endpoint to(to_asio(u), u.port);
  auto ec = run_until(io, deadline, [&](auto handler) { socket.async_connect(to, handler); });
  if (ec) {
    out.error =
        fmt::format("cannot connect to {}: {}", u.host_text(),
                    explain_connect_error(ec == net::error::timed_out ? ETIMEDOUT : ec.value(), u,
                                          o.timeout_s));
    return out;
  }
  if (!u.tls) {
    exchange(io, socket, u, started, deadline, out);
    return out;
  }
  // The certificate is verified after the handshake, not during it, so that a certificate
  // that fails is still described; the URL's address is what it must name.
  if (auto module = load_tls_module(); !module) {
    out.error = format_diagnostic(module.error(), false);
    return out;
  }
  const auto context = tls_module().client_context(o.cacert);
  if (!context) {
    out.error = fmt::format("{}: {}", context.error().subject, context.error().cause);
    return out;
  }
  TlsStream stream(socket, context->get(), u.address.to_string());
  if (!stream.native_handle()) {
    out.error = "cannot set up TLS: out of memory";
    return out;
  }
  ec = run_until(io, deadline, [&](auto handler) { stream.async_handshake(handler); });
  if (ec) {
    out.error = fmt::format(
        "no TLS handshake with {}: {} (is it an https listener? dualhttpd --check on the server "
        "lists each listener with https after it)",
        u.host_text(), ec.message());
    return out;
  }
  out.tls = describe_tls(stream.native_handle(), u, o.cacert);
  exchange(io, stream, u, started, deadline, out);
  return out;
}

std::string tls_json(const TlsOutcome& t) {
  if (!t.used) return {};
  std::vector<std::string> names;
  for (const auto& entry : t.names.entries()) names.push_back(json_quote(entry));
  return fmt::format(
      ",\"tls\":{{\"version\":{},\"cipher\":{},\"alpn\":{},\"subject\":{},\"names\":[{}],"
      "\"not_after\":{},\"verified\":{},\"verify_error\":{}}}",
      json_quote(t.version), json_quote(t.cipher), json_quote(t.alpn), json_quote(t.names.subject),
      fmt::join(names, ","), json_quote(t.names.not_after), t.verify_problem.empty(),
      json_quote(t.verify_problem));
}

void print_tls(const TlsOutcome& t, const ProbeUrl& u, const ProbeOptions& o) {
  if (!t.used) return;
  fmt::print("  tls:   {}, {}, ALPN {}\n", t.version, t.cipher, t.alpn);
  if (t.have_certificate)
    fmt::print("  cert:  {}, names {}; valid until {}\n", t.names.subject, names_text(t.names),
               t.names.not_after);
  if (t.verify_problem.empty())
    fmt::print("  verify: ok for {}, with {}\n", u.address.to_string(),
               o.cacert.empty() ? std::string("this host's trust store") : o.cacert);
  else
    fmt::print("  verify: failed: {}\n", t.verify_problem);
}

int probe_one(const std::string& text, const ProbeOptions& o) {
  const auto url = parse_probe_url(text);
  if (!url.ok()) {
    fmt::print(stderr, "dualhttpd probe: {}: {}\n", text, url.error);
    return exit_usage;
  }
  const auto route = find_route(url);
  HttpOutcome http;
  if (route.reachable) {
    const bool own_path = url.path != "/";
    http = fetch(url, own_path ? url.path : "/healthz", o);
    if (!own_path && http.error.empty() && http.status == 404) http = fetch(url, "/", o);
  }
  const bool verified = !http.tls.used || http.tls.verify_problem.empty();
  const bool ok =
      route.reachable && http.error.empty() && http.status > 0 && http.status < 400 && verified;
  const bool matches = !http.seen_client.empty() && http.seen_client == route.source;
  if (o.json) {
    fmt::print(
        "{{\"url\":{},\"ok\":{},\"route\":{{\"reachable\":{},\"source\":{},\"interface\":{},"
        "\"on_link\":{},\"prefix\":{},\"message\":{}}},\"http\":{{\"status\":{},\"path\":{},"
        "\"latency_ms\":{:.3f},\"seen_client\":{},\"matches_source\":{},\"error\":{}}}{}}}\n",
        json_quote(text), ok, route.reachable, json_quote(route.source),
        json_quote(route.interface), route.on_link, json_quote(route.prefix),
        json_quote(route.message), http.status, json_quote(http.path), http.latency_ms,
        json_quote(http.seen_client), matches, json_quote(http.error), tls_json(http.tls));
    return ok ? exit_ok : exit_runtime_error;
  }
  fmt::print("probe {}\n  route: {}\n", text, route.message);
  if (!route.reachable) return exit_runtime_error;
  print_tls(http.tls, url, o);
  if (!http.error.empty()) {
    fmt::print("  http:  {}\n", http.error);
    return exit_runtime_error;
  }
  fmt::print("  http:  GET {} -> {} in {:.1f} ms\n", http.path, http.status, http.latency_ms);
  if (!http.seen_client.empty())
    fmt::print(
        "  seen:  the server saw this client as {} ({})\n", http.seen_client,
        matches ? "the source address above" : "not the source address above: NAT or a proxy?");
  fmt::print("  {}\n", ok ? "ok" : "failed");
  return ok ? exit_ok : exit_runtime_error;
}

}  // namespace

int run_probe(const ProbeOptions& o) {
  int status = exit_ok;
  for (const auto& url : o.urls) {
    const int one = probe_one(url, o);
    if (one != exit_ok) status = one;
  }
  return status;
}

}  // namespace dualhttpd
