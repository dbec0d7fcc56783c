#include "dualhttpd/files/static_handler.hpp"

#include <sys/stat.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <random>

#include <fmt/format.h>

#include "dualhttpd/base/escaping.hpp"
#include "dualhttpd/files/autoindex.hpp"
#include "dualhttpd/files/docroot.hpp"
#include "dualhttpd/files/target_path.hpp"
#include "dualhttpd/http/byte_range.hpp"
#include "dualhttpd/http/conditional.hpp"
#include "dualhttpd/http/http_date.hpp"
#include "dualhttpd/http/request_checks.hpp"

namespace dualhttpd {

namespace {

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

// The whole file (no ranges), one range (206 with Content-Range) or several (206 as
// multipart/byteranges, RFC 9110 §14.6, each part with its own headers).
Reply file_reply(UniqueFd file, const FileFacts& facts, const ByteRanges& ranges,
                 std::string_view boundary) {
  Reply reply;
  FileBody body{std::move(file), {}, {}};
  const auto size = facts.size;
  const bool multipart = ranges.size() > 1;
  if (!ranges.empty()) reply.status = http::status::partial_content;
  // A view, so that the usual single type is not copied.
  const auto multipart_type =
      multipart ? fmt::format("multipart/byteranges; boundary={}", boundary) : std::string();
  append_file_fields(reply.fields, facts,
                     multipart ? std::string_view(multipart_type) : facts.content_type);
  if (ranges.empty()) {
    body.spans.push_back({{}, 0, size});
  } else if (!multipart) {
    const auto& range = ranges.front();
    reply.set("Content-Range", fmt::format("bytes {}-{}/{}", range.first, range.last(), size));
    body.spans.push_back({{}, range.first, range.length});
  } else {
    for (const auto& range : ranges)
      body.spans.push_back(
          {fmt::format("\r\n--{}\r\nContent-Type: {}\r\nContent-Range: bytes {}-{}/{}\r\n\r\n",
                       boundary, facts.content_type, range.first, range.last(), size),
           range.first, range.length});
    body.tail = fmt::format("\r\n--{}--\r\n", boundary);
  }
  reply.content_length = body.bytes();
  reply.body = std::move(body);
  return reply;
}

// The request's preconditions against the file (RFC 9110 §13.2.2).
ConditionalOutcome check_preconditions(const http::request_header<>& request,
                                       const Validators& current) {
  const Preconditions pre{request[http::field::if_match], request[http::field::if_none_match],
                          request[http::field::if_modified_since],
                          request[http::field::if_unmodified_since], std::time(nullptr)};
  return evaluate_preconditions(pre, current, true);
}

// The answer when the preconditions decide it: 412, or 304 with the validators. No body and
// no Content-Length on a 304: RFC 9110 section 8.6 would allow the 200's, but httpd, nginx and
// lighttpd leave it out, and a client that frames by Content-Length before it looks at the
// status would wait for a body that never comes.
Reply precondition_reply(ConditionalOutcome outcome, const FileFacts& facts) {
  if (outcome == ConditionalOutcome::precondition_failed)
    return error_reply(http::status::precondition_failed);
  Reply reply;
  reply.status = http::status::not_modified;
  append_validator_fields(reply.fields, facts);
  return reply;
}

// One boundary per process, as httpd: 64 random bits, so a file is unlikely to contain it.
std::string make_boundary() {
  std::random_device random;
  return fmt::format("{:08x}{:08x}", random(), random());
}

}  // namespace

StaticHandler::StaticHandler(std::shared_ptr<DocrootWatch> docroot,
                             std::shared_ptr<const MimeTypes> mime, bool autoindex,
                             std::vector<std::string> index_names)
    : docroot_(std::move(docroot)),
      mime_(std::move(mime)),
      boundary_(make_boundary()),
      index_names_(std::move(index_names)),
      autoindex_(autoindex) {}

namespace {

Reply refusal(TargetVerdict verdict) {
  switch (verdict) {
    case TargetVerdict::bad_request:
      return error_reply(http::status::bad_request);
    case TargetVerdict::forbidden:
      return error_reply(http::status::forbidden);
    case TargetVerdict::not_found:
    case TargetVerdict::ok:
      break;
  }
  return error_reply(http::status::not_found);
}

}  // namespace

FileState StaticHandler::worker_state(bool cache) const {
  return FileState{DocrootWatch::View(*docroot_), FileCache(cache)};
}

Reply StaticHandler::handle(const http::request_header<>& request, FileState& state) const {
  const auto method = request.method();
  const auto target = map_target(request.target());
  if (target.verdict != TargetVerdict::ok) return refusal(target.verdict);
  if (method != http::verb::get && method != http::verb::head) return method_reply(method);
  return serve_path(request, target, state);  // HEAD's body is dropped when it is sent
}

Reply StaticHandler::redirect_to_https(const http::request_header<>& request, std::string_view host,
                                       std::uint16_t port) const {
  const auto target = map_target(request.target());
  // A target that maps to no path gets here the answer HTTPS would give (400, 403 or 404).
  if (target.verdict != TargetVerdict::ok) return refusal(target.verdict);
  auto reply = error_reply(http::status::moved_permanently, "This server speaks HTTPS.");
  reply.set("Location", fmt::format("https://{}:{}{}{}{}", host, port,
                                    path_url(target.relative, target.trailing_slash),
                                    target.query.empty() ? "" : "?", target.query));
  return reply;
}

Reply StaticHandler::serve_path(const http::request_header<>& request, const MappedTarget& target,
                                FileState& state) const {
  const auto& relative = target.relative;
  const auto now = FileCache::Clock::now();
  const auto& root = state.docroot.current(now);
  if (target.trailing_slash) return serve_directory(request, relative, state, root, now);
  if (request[http::field::range].empty()) {
    if (const auto* hit = state.cache.find(root, relative, *mime_, now))
      return serve_cached(request, *hit);
  }
  const int fd = open_beneath(root, relative);
  if (fd < 0) return error_reply(status_for_errno(-fd));
  UniqueFd file(fd);
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) return error_reply(status_for_errno(errno));
  if (S_ISREG(st.st_mode)) return serve_file(request, std::move(file), st, relative);
  if (!S_ISDIR(st.st_mode)) return error_reply(http::status::forbidden);
  // Path only: rebuilding the URL from Host would mangle IPv6 literals and zones. Built from
  // the normalised path, never from the target as sent: "//evil.example/../sub" must not
  // send a browser to evil.example.
  auto reply = error_reply(http::status::moved_permanently, "The document has moved.");
  reply.set("Location", directory_url(relative) + (target.query.empty() ? "" : "?" + target.query));
  return reply;
}

Reply StaticHandler::serve_directory(const http::request_header<>& request,
                                     const std::string& relative, FileState& state,
                                     const DocrootDir& root,
                                     FileCache::Clock::time_point now) const {
  const bool ranged = !request[http::field::range].empty();
  // The first index name that exists, as httpd's DirectoryIndex. Its page is the one most
  // asked for (GET /): it comes from the cache too, under its own name, so "/" and
  // "/index.html" share one entry.
  for (const auto& name : index_names_) {
    std::string index = relative;
    if (!index.empty()) index += '/';
    index += name;
    if (!ranged) {
      if (const auto* hit = state.cache.find(root, index, *mime_, now))
        return serve_cached(request, *hit);
    }
    const int index_fd = open_beneath(root, index);
    if (index_fd < 0) {
      // Not there (or `relative` is no directory: ENOTDIR): the next name.
      const auto status = status_for_errno(-index_fd);
      if (status != http::status::not_found) return error_reply(status);
      continue;
    }
    UniqueFd index_file(index_fd);
    struct stat st {};
    if (::fstat(index_file.get(), &st) != 0 || !S_ISREG(st.st_mode))
      return error_reply(http::status::forbidden);
    return serve_file(request, std::move(index_file), st, index);
  }
  // No index: is it a directory at all? A file asked for with a slash is not found.
  const int fd = open_beneath(root, relative);
  if (fd < 0) return error_reply(status_for_errno(-fd));
  UniqueFd dir(fd);
  struct stat st {};
  if (::fstat(dir.get(), &st) != 0) return error_reply(status_for_errno(errno));
  if (S_ISREG(st.st_mode)) return error_reply(http::status::not_found);
  if (!S_ISDIR(st.st_mode)) return error_reply(http::status::forbidden);
  // A listing with --autoindex, else 403, as httpd with and without Indexes.
  return autoindex_ ? listing(root, relative) : error_reply(http::status::forbidden);
}

Reply StaticHandler::listing(const DocrootDir& root, const std::string& relative) const {
  int error = 0;
  const auto entries = list_beneath(root, relative, error);
  if (error < 0) return error_reply(status_for_errno(-error));
  return text_reply(http::status::ok, "text/html; charset=UTF-8",
                    render_listing(relative, entries));
}

Reply StaticHandler::serve_file(const http::request_header<>& request, UniqueFd file,
                                const struct stat& st, const std::string& name) const {
  const auto facts = file_facts(st, mime_->content_type(name));
  const auto outcome = check_preconditions(request, facts.validators);
  if (outcome != ConditionalOutcome::proceed) return precondition_reply(outcome, facts);
  const auto range_header = request[http::field::range];
  // HEAD too: it answers with the headers GET would get (RFC 9110 §9.3.2), as httpd does.
  const auto decision =
      !range_header.empty() && if_range_allows(request[http::field::if_range], facts.validators)
          ? evaluate_range(range_header, facts.size)
          : RangeDecision{};
  if (decision.verdict == RangeVerdict::unsatisfiable) {
    auto refused = error_reply(http::status::range_not_satisfiable);
    refused.set("Content-Range", fmt::format("bytes */{}", facts.size));
    return refused;
  }
  return file_reply(std::move(file), facts, decision.ranges, boundary_);
}

Reply StaticHandler::serve_cached(const http::request_header<>& request,
                                  const CachedFile& file) const {
  const auto outcome = check_preconditions(request, file.facts.validators);
  if (outcome != ConditionalOutcome::proceed) return precondition_reply(outcome, file.facts);
  Reply reply;
  reply.content_length = file.facts.size;
  reply.body = SharedBody{file.content};  // no copy: the reply shares the cache's lines and bytes
  return reply;
}

}  // namespace dualhttpd
