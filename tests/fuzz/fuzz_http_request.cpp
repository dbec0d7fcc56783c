// libFuzzer: a whole request through the HTTP layer, in memory: Beast's parser with the
// server's limits, the protocol's checks, the static handler on a small docroot (listings on,
// small files cached), and the rendered head, whose Content-Length must match the body.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "dualhttpd/files/static_handler.hpp"
#include "dualhttpd/http/request_checks.hpp"

namespace {

namespace http = boost::beast::http;

const dualhttpd::StaticHandler& handler() {
  static const auto instance = [] {
    const auto root = std::filesystem::temp_directory_path() / "dualhttpd-fuzz-root";
    std::filesystem::create_directories(root / "dir");
    std::ofstream(root / "index.html") << "<p>home</p>\n";
    std::ofstream(root / "dir" / "a.txt") << "0123456789\n";
    std::ofstream(root / ".htaccess") << "secret\n";
    std::filesystem::create_directories(root / "list" / "sub dir");
    std::ofstream(root / "list" / "<b>&.txt") << "markup\n";
    dualhttpd::DocrootDir dir;
    dualhttpd::describe_docroot(
        dualhttpd::UniqueFd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)), dir);
    return std::make_unique<dualhttpd::StaticHandler>(
        std::make_shared<dualhttpd::DocrootWatch>(root.string(), std::move(dir)),
        std::make_shared<dualhttpd::MimeTypes>(), true);
  }();
  return *instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const dualhttpd::SessionLimits limits;
  http::request_parser<http::string_body> parser;
  parser.header_limit(limits.header_limit);
  parser.body_limit(limits.body_limit);
  boost::beast::error_code ec;
  boost::asio::const_buffer input(data, size);
  while (input.size() > 0 && !parser.is_done()) {
    const auto used = parser.put(input, ec);
    if (ec == http::error::need_more) break;
    if (ec) return 0;
    if (used == 0) break;
    input += used;
  }
  if (!parser.is_done()) return 0;
  const auto& request = parser.get();
  if (dualhttpd::refuse_request(request.base(), parser.chunked(), limits).status !=
      http::status::ok)
    return 0;
  static auto state = handler().worker_state();
  // As the session answers: the server itself, else the files; HEAD's body dropped.
  const auto answer = [](const http::request_header<>& r) {
    auto own = dualhttpd::answer_for_server(r);
    auto reply = own ? std::move(*own) : handler().handle(r, state);
    if (r.method() == http::verb::head) dualhttpd::strip_body_for_head(reply);
    return reply;
  };
  const auto head_of = [](const dualhttpd::Reply& reply) {
    std::string head;
    dualhttpd::render_head(head, reply, "Thu, 01 Jan 2026 00:00:00 GMT", "");
    return head;
  };
  const auto reply = answer(request.base());
  const auto head = head_of(reply);
  if (!head.ends_with("\r\n\r\n") || head.find("\r\n\r\n") != head.size() - 4)
    __builtin_trap();  // one head, ended once
  const auto at = head.find("\r\nContent-Length: ");
  if (reply.status == http::status::not_modified) {  // a 304 has no length of its own
    if (at != std::string::npos || reply.body_bytes() != 0) __builtin_trap();
    return 0;
  }
  if (at == std::string::npos || head.find("\r\nContent-Length: ", at + 1) != std::string::npos)
    __builtin_trap();  // every other response says how long it is, once
  if (request.method() != http::verb::head) {
    if (head.compare(at + 18, std::string::npos, std::to_string(reply.body_bytes()) + "\r\n\r\n") !=
        0)
      __builtin_trap();  // ... and says it right (multipart parts included)
    return 0;
  }
  // HEAD: no body, and the head GET would get (RFC 9110 section 9.3.2).
  auto as_get = request.base();
  as_get.method(http::verb::get);
  if (reply.body_bytes() != 0 || head != head_of(answer(as_get))) __builtin_trap();
  return 0;
}
