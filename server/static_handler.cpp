#include "dualhttpd/static_handler.hpp"

#include <sys/stat.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <random>

#include <fmt/format.h>

#include "dualhttpd/autoindex.hpp"
#include "dualhttpd/byte_range.hpp"
#include "dualhttpd/conditional.hpp"
#include "dualhttpd/docroot.hpp"
#include "dualhttpd/http_date.hpp"
#include "dualhttpd/http_text.hpp"
#include "dualhttpd/target_path.hpp"

namespace dualhttpd {

namespace {

constexpr std::string_view allowed_methods = "GET, HEAD, OPTIONS";

// As nginx's static module: what an open() error means to a client.
http::status status_for_errno(int error) {
  switch (error) {
    case ENOENT:
    case ENOTDIR:
    case ENAMETOOLONG:  // no such name can exist (the target itself is limited earlier: 414)
      return http::status::not_found;
    case EACCES:
    case EPERM:
    case EXDEV:  // a symlink that leaves the docroot
    case ELOOP:
      return http::status::forbidden;
    default:
      return http::status::internal_server_error;
  }
}

Reply status_only(http::status status) {
  Reply reply;
  reply.message.result(status);
  reply.message.content_length(0);
  return reply;
}

Reply method_reply(http::verb method) {
  if (method == http::verb::options) {
    auto reply = status_only(http::status::ok);
    reply.message.set(http::field::allow, allowed_methods);
    return reply;
  }
  auto reply = error_reply(method == http::verb::unknown ? http::status::not_implemented
                                                         : http::status::method_not_allowed);
  reply.message.set(http::field::allow, allowed_methods);
  return reply;
}

std::string_view header(const http::request_header<>& request, http::field field) {
  const auto it = request.find(field);
  return it == request.end() ? std::string_view{} : std::string_view(it->value());
}

// The whole file (no ranges), one range (206 with Content-Range) or several (206 as
// multipart/byteranges, RFC 9110 §14.6, each part with its own headers).
void add_body(Reply& reply, const ByteRanges& ranges, std::string_view type, std::uint64_t size,
              std::string_view boundary) {
  auto& m = reply.message;
  if (ranges.empty()) {
    reply.spans.push_back({{}, 0, size});
    return;
  }
  m.result(http::status::partial_content);
  if (ranges.size() == 1) {
    const auto& range = ranges.front();
    m.set(http::field::content_range,
          fmt::format("bytes {}-{}/{}", range.first, range.last(), size));
    reply.spans.push_back({{}, range.first, range.length});
    return;
  }
  for (const auto& range : ranges)
    reply.spans.push_back(
        {fmt::format("\r\n--{}\r\nContent-Type: {}\r\nContent-Range: bytes {}-{}/{}\r\n\r\n",
                     boundary, type, range.first, range.last(), size),
         range.first, range.length});
  reply.tail = fmt::format("\r\n--{}--\r\n", boundary);
  m.set(http::field::content_type, fmt::format("multipart/byteranges; boundary={}", boundary));
}

// The request's preconditions against the file (RFC 9110 §13.2.2).
ConditionalOutcome check_preconditions(const http::request_header<>& request,
                                       const Validators& current) {
  const Preconditions pre{header(request, http::field::if_match),
                          header(request, http::field::if_none_match),
                          header(request, http::field::if_modified_since),
                          header(request, http::field::if_unmodified_since), std::time(nullptr)};
  return evaluate_preconditions(pre, current, true);
}

// The answer to the preconditions, then the validators every answer about a file carries.
// False when `reply` is complete already: 304 or 412.
bool start_file_reply(ConditionalOutcome outcome, const Validators& current,
                      std::string_view last_modified, Reply& reply) {
  if (outcome == ConditionalOutcome::precondition_failed) {
    reply = error_reply(http::status::precondition_failed);
    return false;
  }
  auto& m = reply.message;
  m.set(http::field::last_modified, last_modified);
  m.set(http::field::etag, current.etag);
  if (outcome == ConditionalOutcome::not_modified) {
    // No body and no Content-Length: RFC 9110 section 8.6 would allow the 200's, but httpd,
    // nginx and lighttpd leave it out, and a client that frames by Content-Length before it
    // looks at the status would wait for a body that never comes.
    m.result(http::status::not_modified);
    return false;
  }
  m.set(http::field::accept_ranges, "bytes");
  return true;
}

// One boundary per process, as httpd: 64 random bits, so a file is unlikely to contain it.
std::string make_boundary() {
  std::random_device random;
  return fmt::format("{:08x}{:08x}", random(), random());
}

}  // namespace

StaticHandler::StaticHandler(std::shared_ptr<DocrootWatch> docroot,
                             std::shared_ptr<const MimeTypes> mime, bool autoindex)
    : docroot_(std::move(docroot)),
      mime_(std::move(mime)),
      boundary_(make_boundary()),
      autoindex_(autoindex) {}

Reply StaticHandler::handle(const http::request_header<>& request) const {
  const auto method = request.method();
  const bool readable = method == http::verb::get || method == http::verb::head;
  if (request.target() == "*")
    return method == http::verb::options ? method_reply(method)
                                         : error_reply(http::status::bad_request);
  const auto target = map_target(request.target());
  switch (target.verdict) {
    case TargetVerdict::bad_request:
      return error_reply(http::status::bad_request);
    case TargetVerdict::forbidden:
      return error_reply(http::status::forbidden);
    case TargetVerdict::not_found:
      return error_reply(http::status::not_found);
    case TargetVerdict::ok:
      break;
  }
  if (!readable) return method_reply(method);
  auto reply = serve_path(request, target);
  if (method == http::verb::head) strip_body_for_head(reply);
  return reply;
}

Reply StaticHandler::serve_path(const http::request_header<>& request,
                                const MappedTarget& target) const {
  const auto& relative = target.relative;
  const bool trailing_slash = target.trailing_slash;
  const auto now = FileCache::Clock::now();
  const auto& root = docroot_->current(now);
  if (!trailing_slash && header(request, http::field::range).empty()) {
    if (const auto* hit = cache(root.generation).find(root, relative, *mime_, now))
      return serve_cached(request, *hit);
  }
  const int fd = open_beneath(root, relative);
  if (fd < 0) return error_reply(status_for_errno(-fd));
  UniqueFd file(fd);
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) return error_reply(status_for_errno(errno));
  if (S_ISREG(st.st_mode)) {
    if (trailing_slash) return error_reply(http::status::not_found);
    return serve_file(request, std::move(file), st, relative);
  }
  if (!S_ISDIR(st.st_mode)) return error_reply(http::status::forbidden);
  if (!trailing_slash) {
    // Path only: rebuilding the URL from Host would mangle IPv6 literals and zones. Built
    // from the normalised path, never from the target as sent: "//evil.example/../sub" must
    // not send a browser to evil.example.
    auto reply = error_reply(http::status::moved_permanently, "The document has moved.");
    reply.message.set(http::field::location,
                      directory_url(relative) + (target.query.empty() ? "" : "?" + target.query));
    return reply;
  }
  const auto index = relative.empty() ? std::string("index.html") : relative + "/index.html";
  const int index_fd = open_beneath(root, index);
  if (index_fd < 0) {
    const auto status = status_for_errno(-index_fd);
    if (status != http::status::not_found) return error_reply(status);
    // No index: a listing with --autoindex, else 403, as httpd with and without Indexes.
    return autoindex_ ? listing(root, relative) : error_reply(http::status::forbidden);
  }
  UniqueFd index_file(index_fd);
  if (::fstat(index_file.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return error_reply(http::status::forbidden);
  return serve_file(request, std::move(index_file), st, index);
}

Reply StaticHandler::listing(const DocrootDir& root, const std::string& relative) const {
  int error = 0;
  const auto entries = list_beneath(root, relative, error);
  if (error < 0) return error_reply(status_for_errno(-error));
  Reply reply;
  auto& m = reply.message;
  m.set(http::field::content_type, "text/html; charset=UTF-8");
  m.body() = render_listing(relative, entries);
  m.content_length(m.body().size());
  return reply;
}

Reply StaticHandler::serve_file(const http::request_header<>& request, UniqueFd file,
                                const struct stat& st, const std::string& name) const {
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const Validators current{
      make_etag(size, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec), st.st_mtim.tv_sec};
  Reply reply;
  if (!start_file_reply(check_preconditions(request, current), current,
                        format_http_date(current.last_modified), reply))
    return reply;
  const auto type = mime_->content_type(name);
  reply.message.set(http::field::content_type, type);
  reply.file = std::move(file);
  const auto range_header = header(request, http::field::range);
  // HEAD too: it answers with the headers GET would get (RFC 9110 §9.3.2), as httpd does.
  auto decision =
      !range_header.empty() && if_range_allows(header(request, http::field::if_range), current)
          ? evaluate_range(range_header, size)
          : RangeDecision{};
  if (decision.verdict == RangeVerdict::unsatisfiable) {
    auto refused = error_reply(http::status::range_not_satisfiable);
    refused.message.set(http::field::content_range, fmt::format("bytes */{}", size));
    return refused;
  }
  add_body(reply, decision.ranges, type, size, boundary_);
  reply.message.content_length(reply.body_bytes());
  return reply;
}

Reply StaticHandler::serve_cached(const http::request_header<>& request,
                                  const CachedFile& file) const {
  Reply reply;
  const auto outcome = check_preconditions(request, file.validators);
  if (outcome == ConditionalOutcome::proceed) {
    reply.cached = file.content;  // no copy: the reply shares the cache's header and bytes
    return reply;
  }
  start_file_reply(outcome, file.validators, file.last_modified, reply);
  return reply;
}

// The cache of this thread, for the docroot directory served now (a new one after a release
// swap: nothing cached from the old one is served).
FileCache& StaticHandler::cache(std::uint64_t generation) const {
  thread_local std::uint64_t owner = 0;
  thread_local FileCache cache;
  if (owner != generation) {
    cache = FileCache{};
    owner = generation;
  }
  return cache;
}

}  // namespace dualhttpd
