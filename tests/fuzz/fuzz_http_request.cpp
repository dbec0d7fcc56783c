// libFuzzer: a whole request through the HTTP layer, in memory: Beast's parser with the
// server's limits, the limit and framing checks, the static handler on a small docroot
// (listings on), and the serialized response, whose Content-Length must match its body (for
// a cached file, the header lines rendered with it).
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

#include "dualhttpd/request_framing.hpp"
#include "dualhttpd/request_limits.hpp"
#include "dualhttpd/static_handler.hpp"

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
  if (dualhttpd::check_request_limits(request.base(), limits) != http::status::ok) return 0;
  if (dualhttpd::check_request(request.base(), parser.chunked()) != http::status::ok) return 0;
  auto reply = handler().handle(request.base());
  if (reply.cached) {  // a cached file's 200: its header lines were rendered with the file
    const auto length = "Content-Length: " + std::to_string(reply.cached->bytes.size()) + "\r\n";
    if (reply.cached->fields.find(length) == std::string::npos) __builtin_trap();
    if ((request.method() == http::verb::head) != reply.cached_head_only) __builtin_trap();
    return 0;
  }
  auto& m = reply.message;
  const auto length = m.find(http::field::content_length);
  if (m.result() == http::status::not_modified) {  // a 304 has no length of its own
    if (length != m.end()) __builtin_trap();
    return 0;
  }
  if (length == m.end()) __builtin_trap();  // every other response says how long it is
  const bool has_body =
      request.method() != http::verb::head && m.result() != http::status::not_modified;
  if (has_body && length->value() != std::to_string(reply.body_bytes()))
    __builtin_trap();  // ... and says it right (multipart parts included)
  http::response_serializer<http::string_body> sr(m);
  std::size_t written = 0;
  do {
    sr.next(ec, [&](boost::beast::error_code&, const auto& buffers) {
      const auto n = boost::asio::buffer_size(buffers);
      written += n;
      sr.consume(n);
    });
  } while (!ec && !sr.is_done());
  if (ec || written == 0) __builtin_trap();
  return 0;
}
