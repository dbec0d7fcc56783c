// A Beast client against the real server: keep-alive, pipelining, HTTP/1.0, HEAD and the
// status codes a client relies on, over both address families.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "server_process.hpp"

namespace beast = boost::beast;
namespace http = beast::http;
using dualhttpd::testing::ServerProcess;
using dualhttpd::testing::tcp;
namespace net = boost::asio;

namespace {

ServerProcess& server() {
  static ServerProcess instance;
  return instance;
}

struct Client {
  net::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;

  explicit Client(const tcp::endpoint& ep) { socket.connect(ep); }

  void send(http::verb method, const std::string& target, int version = 11,
            std::initializer_list<std::pair<http::field, std::string>> fields = {}) {
    http::request<http::empty_body> req{method, target, version};
    req.set(http::field::host, "localhost");
    for (const auto& [f, v] : fields) req.set(f, v);
    http::write(socket, req);
  }

  void send_raw(const std::string& bytes) { net::write(socket, net::buffer(bytes)); }

  http::response<http::string_body> receive(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.skip(head);
    http::read(socket, buffer, parser);
    return parser.release();
  }

  http::response<http::string_body> get(
      const std::string& target,
      std::initializer_list<std::pair<http::field, std::string>> fields = {}) {
    send(http::verb::get, target, 11, fields);
    return receive();
  }

  bool closed_by_server() {
    char byte;
    boost::system::error_code ec;
    socket.read_some(net::buffer(&byte, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }
};

}  // namespace

TEST_CASE("GET over IPv6 and IPv4") {
  for (const auto& ep : {server().v6(), server().v4()}) {
    Client c(ep);
    const auto res = c.get("/hello.txt");
    CHECK(res.result() == http::status::ok);
    CHECK(res.body() == "hello, world\n");
    CHECK(res[http::field::content_length] == "13");
    CHECK(res[http::field::content_type] == "text/plain; charset=UTF-8");
    CHECK(res[http::field::server].starts_with("dualhttpd/"));
    CHECK_FALSE(res[http::field::date].empty());
  }
}

TEST_CASE("keep-alive: several requests on one HTTP/1.1 connection") {
  Client c(server().v6());
  for (int i = 0; i < 5; ++i) {
    const auto res = c.get(i % 2 ? "/hello.txt" : "/");
    CHECK(res.result() == http::status::ok);
    CHECK(res.keep_alive());
  }
}

TEST_CASE("pipelined requests are answered in order") {
  Client c(server().v4());
  c.send_raw(
      "GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n"
      "HEAD /index.html HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /missing HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /docs/ HTTP/1.1\r\nHost: a\r\n\r\n");
  const auto first = c.receive();
  CHECK(first.body() == "hello, world\n");
  const auto second = c.receive(true);
  CHECK(second.result() == http::status::ok);
  CHECK(second[http::field::content_length] == "12");
  CHECK(c.receive().result() == http::status::not_found);
  CHECK(c.receive().body() == "docs index\n");
}

TEST_CASE("HEAD sends the headers of GET and no body") {
  Client c(server().v6());
  c.send(http::verb::head, "/hello.txt");
  const auto head = c.receive(true);
  CHECK(head.result() == http::status::ok);
  CHECK(head[http::field::content_length] == "13");
  // Had a body been sent, it would be read as the next response and fail to parse.
  CHECK(c.get("/hello.txt").body() == "hello, world\n");
}

TEST_CASE("HTTP/1.0: closes by default, keeps alive when asked") {
  {
    Client c(server().v4());
    c.send(http::verb::get, "/hello.txt", 10);
    const auto res = c.receive();
    CHECK(res.body() == "hello, world\n");
    CHECK(c.closed_by_server());
  }
  {
    Client c(server().v4());
    c.send(http::verb::get, "/hello.txt", 10, {{http::field::connection, "keep-alive"}});
    const auto res = c.receive();
    CHECK(res[http::field::connection] == "keep-alive");
    c.send(http::verb::get, "/", 10, {{http::field::connection, "keep-alive"}});
    CHECK(c.receive().body() == "<p>home</p>\n");
  }
}

TEST_CASE("Connection: close on 1.1 is honoured") {
  Client c(server().v6());
  const auto res = c.get("/hello.txt", {{http::field::connection, "close"}});
  CHECK(res[http::field::connection] == "close");
  CHECK(c.closed_by_server());
}

TEST_CASE("status codes a client relies on") {
  Client c(server().v6());
  const auto moved = c.get("/docs");
  CHECK(moved.result() == http::status::moved_permanently);
  CHECK(moved[http::field::location] == "/docs/");

  const auto full = c.get("/hello.txt");
  const std::string etag(full[http::field::etag]);
  const auto not_modified = c.get("/hello.txt", {{http::field::if_none_match, etag}});
  CHECK(not_modified.result() == http::status::not_modified);
  CHECK(not_modified.body().empty());
  CHECK(not_modified[http::field::etag] == etag);
  // No Content-Length on a 304, as httpd, nginx and lighttpd: Beast reads it all the same.
  CHECK(not_modified.find(http::field::content_length) == not_modified.end());
  const auto since =
      c.get("/hello.txt",
            {{http::field::if_modified_since, std::string(full[http::field::last_modified])}});
  CHECK(since.result() == http::status::not_modified);

  const auto partial = c.get("/hello.txt", {{http::field::range, "bytes=7-11"}});
  CHECK(partial.result() == http::status::partial_content);
  CHECK(partial.body() == "world");
  CHECK(partial[http::field::content_range] == "bytes 7-11/13");

  const auto refused = c.get("/hello.txt", {{http::field::range, "bytes=13-"}});
  CHECK(refused.result() == http::status::range_not_satisfiable);
  CHECK(refused[http::field::content_range] == "bytes */13");

  c.send(http::verb::put, "/hello.txt");
  const auto put = c.receive();
  CHECK(put.result() == http::status::method_not_allowed);
  CHECK(put[http::field::allow] == "GET, HEAD, OPTIONS");
}

TEST_CASE("a malformed request gets 400 and the connection is closed") {
  Client c(server().v4());
  c.send_raw("GET / HTTP/1.1\r\nHost: a\r\nno colon here\r\n\r\n");
  const auto res = c.receive();
  CHECK(res.result() == http::status::bad_request);
  CHECK(res[http::field::connection] == "close");
  CHECK(c.closed_by_server());
}
