#include "dualhttpd/probe/probe.hpp"

#include <net/if.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <optional>

#include <fmt/format.h>

#include "dualhttpd/address/listen_spec.hpp"
#include "dualhttpd/address/machine_snapshot.hpp"
#include "dualhttpd/base/escaping.hpp"
#include "dualhttpd/base/exit_codes.hpp"
#include "dualhttpd/probe/probe_url.hpp"
#include "dualhttpd/probe/route_check.hpp"

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

struct HttpOutcome {
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

HttpOutcome fetch(const ProbeUrl& u, const std::string& path, unsigned timeout_s) {
  HttpOutcome out;
  out.path = path;
  net::io_context io;
  tcp::socket socket(io);
  const auto started = clock::now();
  const auto deadline = started + std::chrono::seconds(timeout_s);
  const tcp::endpoint to(to_asio(u), u.port);
  auto ec = run_until(io, deadline, [&](auto handler) { socket.async_connect(to, handler); });
  if (ec) {
    out.error = fmt::format(
        "cannot connect to {}: {}", u.host_text(),
        explain_connect_error(ec == net::error::timed_out ? ETIMEDOUT : ec.value(), u, timeout_s));
    return out;
  }
  http::request<http::empty_body> req{http::verb::get, path, 11};
  req.set(http::field::host, u.host_text());
  req.set(http::field::user_agent, "dualhttpd-probe/" DUALHTTPD_VERSION);
  req.set(http::field::accept, "application/json");
  ec = run_until(io, deadline, [&](auto handler) { http::async_write(socket, req, handler); });
  // Every buffer the server fills is bounded: a hostile or broken server gets an explanation,
  // not the probe's memory.
  beast::flat_buffer buffer(max_head_bytes + 1024);
  http::response_parser<http::string_body> parser;
  parser.header_limit(max_head_bytes);
  parser.body_limit(max_body_bytes);
  if (!ec)
    ec = run_until(io, deadline,
                   [&](auto handler) { http::async_read(socket, buffer, parser, handler); });
  // A large page needs no reading to the end: its status is what the probe wanted.
  if (ec == http::error::body_limit && parser.is_header_done()) ec = {};
  if (ec) {
    out.error = fmt::format("no HTTP answer from {}: {}", u.host_text(), explain_read_error(ec));
    return out;
  }
  const auto& res = parser.get();
  out.latency_ms = std::chrono::duration<double, std::milli>(clock::now() - started).count();
  out.status = res.result_int();
  out.seen_client = json_field(res.body(), "address");
  return out;
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
    http = fetch(url, own_path ? url.path : "/healthz", o.timeout_s);
    if (!own_path && http.error.empty() && http.status == 404) http = fetch(url, "/", o.timeout_s);
  }
  const bool ok = route.reachable && http.error.empty() && http.status > 0 && http.status < 400;
  const bool matches = !http.seen_client.empty() && http.seen_client == route.source;
  if (o.json) {
    fmt::print(
        "{{\"url\":{},\"ok\":{},\"route\":{{\"reachable\":{},\"source\":{},\"interface\":{},"
        "\"on_link\":{},\"prefix\":{},\"message\":{}}},\"http\":{{\"status\":{},\"path\":{},"
        "\"latency_ms\":{:.3f},\"seen_client\":{},\"matches_source\":{},\"error\":{}}}}}\n",
        json_quote(text), ok, route.reachable, json_quote(route.source),
        json_quote(route.interface), route.on_link, json_quote(route.prefix),
        json_quote(route.message), http.status, json_quote(http.path), http.latency_ms,
        json_quote(http.seen_client), matches, json_quote(http.error));
    return ok ? exit_ok : exit_runtime_error;
  }
  fmt::print("probe {}\n  route: {}\n", text, route.message);
  if (!route.reachable) return exit_runtime_error;
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
