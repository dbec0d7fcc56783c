#include "dualhttpd/http/reply.hpp"

#include <fmt/format.h>

#include <iterator>

#include "dualhttpd/base/escaping.hpp"

namespace dualhttpd {

namespace {

constexpr std::string_view server_name = "dualhttpd/" DUALHTTPD_VERSION;

std::string_view explanation(http::status status) {
  switch (status) {
    case http::status::bad_request:
      return "Your browser sent a request that this server could not understand.";
    case http::status::forbidden:
      return "You don't have permission to access this resource.";
    case http::status::not_found:
      return "The requested URL was not found on this server.";
    case http::status::method_not_allowed:
      return "The requested method is not allowed for this URL.";
    case http::status::not_implemented:
      return "The requested method is not implemented by this server.";
    case http::status::precondition_failed:
      return "A condition of the request (If-Match or If-Unmodified-Since) does not hold for "
             "the file as it is now.";
    case http::status::internal_server_error:
      return "The server could not read this file, for a reason other than a missing name or "
             "its permissions.";
    case http::status::range_not_satisfiable:
      return "None of the range-specifier values in the Range request-header field overlap "
             "the current extent of the selected resource.";
    default:
      return "";
  }
}

void append_line(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

}  // namespace

std::uint64_t FileBody::bytes() const {
  std::uint64_t bytes = tail.size();
  for (const auto& span : spans) bytes += span.head.size() + span.length;
  return bytes;
}

void Reply::set(std::string_view name, std::string_view value) {
  append_line(fields, name, value);
}

std::string_view Reply::field(std::string_view name) const {
  const auto find_in = [name](std::string_view lines) -> std::string_view {
    while (!lines.empty()) {
      const auto end = lines.find("\r\n");
      const auto line = lines.substr(0, end);
      lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 2);
      const auto colon = line.find(": ");
      if (colon != std::string_view::npos && same_name(line.substr(0, colon), name))
        return line.substr(colon + 2);
    }
    return {};
  };
  // The reply's own lines, then those it shares with the cache (rendered in that order).
  if (const auto own = find_in(fields); !own.empty()) return own;
  const auto* shared = std::get_if<SharedBody>(&body);
  return shared ? find_in(shared->file->fields) : std::string_view();
}

std::uint64_t Reply::body_bytes() const {
  if (const auto* text = std::get_if<std::string>(&body)) return text->size();
  if (const auto* file = std::get_if<FileBody>(&body)) return file->bytes();
  return std::get<SharedBody>(body).file->bytes.size();
}

Reply text_reply(http::status status, std::string_view content_type, std::string text) {
  Reply reply;
  reply.status = status;
  reply.set("Content-Type", content_type);
  reply.content_length = text.size();
  reply.body = std::move(text);
  return reply;
}

Reply error_reply(http::status status, std::string_view detail) {
  const auto reason = http::obsolete_reason(status);
  return text_reply(
      status, "text/html; charset=UTF-8",
      fmt::format("<!DOCTYPE html>\n<html><head><title>{} {}</title></head>\n<body><h1>{}</h1>\n"
                  "<p>{}</p>\n</body></html>\n",
                  static_cast<unsigned>(status), reason, reason,
                  detail.empty() ? std::string(explanation(status)) : html_escape(detail)));
}

void strip_body_for_head(Reply& reply) {
  if (const auto* shared = std::get_if<SharedBody>(&reply.body))
    reply.fields += shared->file->fields;  // the lines it shared go with its bytes
  reply.body = std::string();
}

void render_head(std::string& out, const Reply& reply, std::string_view date,
                 std::string_view connection) {
  fmt::format_to(std::back_inserter(out), "HTTP/1.1 {} ", static_cast<unsigned>(reply.status));
  out += http::obsolete_reason(reply.status);
  out += "\r\n";
  append_line(out, "Date", date);
  append_line(out, "Server", server_name);
  if (!connection.empty()) append_line(out, "Connection", connection);
  out += reply.fields;
  if (const auto* shared = std::get_if<SharedBody>(&reply.body)) out += shared->file->fields;
  if (reply.content_length)
    fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n", *reply.content_length);
  out += "\r\n";
}

}  // namespace dualhttpd
