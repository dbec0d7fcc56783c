#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "dualhttpd/files/static_handler.hpp"
#include "dualhttpd/http/http_date.hpp"

using namespace dualhttpd;
namespace fs = std::filesystem;

namespace {

struct Site {
  fs::path root;
  StaticHandler handler;
};

Site make_site() {
  char pattern[] = "/tmp/dualhttpd-reply-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const fs::path root = pattern;
  std::ofstream(root / "a.txt") << "small enough to be cached\n";
  fs::create_directory(root / "dir");
  std::ofstream(root / "dir" / "index.html") << "<p>index</p>\n";
  DocrootDir dir;
  REQUIRE(describe_docroot(UniqueFd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)), dir));
  return {root, StaticHandler(std::make_shared<DocrootWatch>(root.string(), std::move(dir)),
                              std::make_shared<MimeTypes>())};
}

http::request_header<> request(http::verb method, std::string target) {
  http::request_header<> h;
  h.method(method);
  h.target(target);
  h.version(11);
  h.set(http::field::host, "[::1]");
  return h;
}

std::string head_of(const Reply& reply) {
  std::string head;
  render_head(head, reply, "Mon, 30 Nov 2026 12:00:00 GMT", "keep-alive");
  return head;
}

std::string bytes_of(const Reply& reply) {
  if (const auto* text = std::get_if<std::string>(&reply.body)) return *text;
  if (const auto* shared = std::get_if<SharedBody>(&reply.body)) return shared->file->bytes;
  const auto& file = std::get<FileBody>(reply.body);
  std::string out(file.bytes(), '\0');
  CHECK(::pread(file.file.get(), out.data(), out.size(), 0) == static_cast<ssize_t>(out.size()));
  return out;
}

}  // namespace

TEST_CASE("a file's answer is the same, line for line, from the cache and from the disk") {
  auto site = make_site();
  auto cached = site.handler.worker_state(true);
  auto opened = site.handler.worker_state(false);
  for (const auto method : {http::verb::get, http::verb::head}) {
    for (const std::string target : {"/a.txt", "/dir/", "/dir/index.html", "/a.txt/", "/nope/"}) {
      CAPTURE(target);
      const auto from_cache = site.handler.handle(request(method, target), cached);
      const auto from_disk = site.handler.handle(request(method, target), opened);
      if (method == http::verb::get && from_disk.status == http::status::ok) {
        // A small file comes from memory, named or as its directory's index (GET /).
        CHECK(std::holds_alternative<SharedBody>(from_cache.body));
        CHECK(std::holds_alternative<FileBody>(from_disk.body));
      }
      CHECK(head_of(from_cache) == head_of(from_disk));
      CHECK(bytes_of(from_cache) == bytes_of(from_disk));
    }
  }
  // "/dir/" and "/dir/index.html" share one entry; the misses are not kept.
  CHECK(cached.cache.entries() == 2);
  auto ranged = request(http::verb::get, "/dir/");
  ranged.set(http::field::range, "bytes=3-7");
  const auto part = site.handler.handle(ranged, cached);
  CHECK(part.status == http::status::partial_content);
  CHECK(std::holds_alternative<FileBody>(part.body));  // a range is sent from the file
  CHECK(head_of(part).find("Content-Range: bytes 3-7/13") != std::string::npos);
  const auto first = site.handler.handle(request(http::verb::get, "/a.txt"), cached);
  CHECK(head_of(first).starts_with(
      "HTTP/1.1 200 OK\r\nDate: Mon, 30 Nov 2026 12:00:00 GMT\r\nServer: dualhttpd/"));
  CHECK(
      head_of(first).ends_with("Accept-Ranges: bytes\r\nContent-Type: text/plain; "
                               "charset=UTF-8\r\nContent-Length: 26\r\n\r\n"));
  auto revalidate = request(http::verb::get, "/a.txt");
  revalidate.set(http::field::if_none_match, first.field("ETag"));
  const auto not_modified = site.handler.handle(revalidate, cached);
  CHECK(not_modified.status == http::status::not_modified);
  CHECK(head_of(not_modified) == head_of(site.handler.handle(revalidate, opened)));
  CHECK(head_of(not_modified).find("Content-Length") == std::string::npos);
  fs::remove_all(site.root);
}

TEST_CASE("a directory is answered with the first index name that exists, as DirectoryIndex") {
  char pattern[] = "/tmp/dualhttpd-index-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const fs::path root = pattern;
  for (const auto* dir : {"both", "htm", "none", "big"}) fs::create_directory(root / dir);
  std::ofstream(root / "both" / "index.htm") << "both: htm\n";
  std::ofstream(root / "both" / "index.html") << "both: html\n";
  std::ofstream(root / "htm" / "index.htm") << "htm only\n";
  std::ofstream(root / "index.xhtml") << "root: xhtml\n";
  // Too big for the cache, so the cache has no answer for it: it still comes first.
  std::ofstream(root / "big" / "index.htm") << std::string(2 * 1024 * 1024, 'x');
  std::ofstream(root / "big" / "index.html") << "big: html\n";
  DocrootDir dir;
  REQUIRE(describe_docroot(UniqueFd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)), dir));
  const StaticHandler handler(std::make_shared<DocrootWatch>(root.string(), std::move(dir)),
                              std::make_shared<MimeTypes>(), false,
                              {"index.htm", "index.html", "index.xhtml"});
  for (const bool cache : {true, false}) {
    CAPTURE(cache);
    auto state = handler.worker_state(cache);
    for (int round = 0; round < 2; ++round) {  // the second from the cache
      CHECK(bytes_of(handler.handle(request(http::verb::get, "/both/"), state)) == "both: htm\n");
      CHECK(bytes_of(handler.handle(request(http::verb::get, "/htm/"), state)) == "htm only\n");
      CHECK(bytes_of(handler.handle(request(http::verb::get, "/"), state)) == "root: xhtml\n");
      const auto big = handler.handle(request(http::verb::get, "/big/"), state);
      CHECK(big.content_length == 2u * 1024 * 1024);
      CHECK(handler.handle(request(http::verb::get, "/none/"), state).status ==
            http::status::forbidden);
      CHECK(handler.handle(request(http::verb::get, "/missing/"), state).status ==
            http::status::not_found);
      CHECK(handler.handle(request(http::verb::get, "/index.xhtml/"), state).status ==
            http::status::not_found);
    }
  }
  fs::remove_all(root);
}

TEST_CASE("index names: a file of the directory asked for, never a path or a dotfile") {
  CHECK(index_name_problem("index.htm").empty());
  CHECK(index_name_problem("default.html").empty());
  CHECK(index_name_problem("").find("empty") != std::string::npos);
  CHECK(index_name_problem("/index.html").find("no '/'") != std::string::npos);
  CHECK(index_name_problem("sub/index.html").find("no '/'") != std::string::npos);
  CHECK(index_name_problem("..").find("'.'") != std::string::npos);
  CHECK(index_name_problem(".index.html").find("dotfiles") != std::string::npos);
}

TEST_CASE("an error page says in words what its status means") {
  const auto words = [](http::status status) { return bytes_of(error_reply(status)); };
  CHECK(words(http::status::precondition_failed).find("If-Match or If-Unmodified-Since") !=
        std::string::npos);
  CHECK(words(http::status::internal_server_error).find("could not read this file") !=
        std::string::npos);
  CHECK(words(http::status::not_found).find("was not found on this server") != std::string::npos);
}

TEST_CASE("every head: status line, Date, Server, Connection, the reply's lines, Content-Length") {
  auto reply = error_reply(http::status::not_found);
  reply.set("X-Extra", "1");
  std::string head;
  render_head(head, reply, "Mon, 30 Nov 2026 12:00:00 GMT", "close");
  CHECK(head ==
        "HTTP/1.1 404 Not Found\r\nDate: Mon, 30 Nov 2026 12:00:00 GMT\r\nServer: "
        "dualhttpd/" DUALHTTPD_VERSION
        "\r\nConnection: close\r\nContent-Type: text/html; charset=UTF-8\r\nX-Extra: 1\r\n"
        "Content-Length: " +
            std::to_string(reply.body_bytes()) + "\r\n\r\n");
  CHECK(reply.field("content-type") == "text/html; charset=UTF-8");
  CHECK(reply.field("Location").empty());
  // A cached file's reply: its own lines, then those it shares with the cache.
  Reply cached;
  cached.set("X-Own", "1");
  cached.body = SharedBody{std::make_shared<RenderedFile>(RenderedFile{"ETag: \"1-2\"\r\n", "x"})};
  CHECK(cached.field("X-Own") == "1");
  CHECK(cached.field("etag") == "\"1-2\"");
  strip_body_for_head(reply);
  CHECK(reply.body_bytes() == 0);
  CHECK(reply.content_length > 0u);
}
