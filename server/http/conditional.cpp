#include "dualhttpd/http/conditional.hpp"

#include <fmt/format.h>

#include "dualhttpd/base/escaping.hpp"
#include "dualhttpd/http/http_date.hpp"

namespace dualhttpd {

namespace {

std::string_view opaque(std::string_view tag) {  // drops a weak prefix
  return tag.starts_with("W/") ? tag.substr(2) : tag;
}

// Does the comma-separated list `header` name `etag`? Strong comparison refuses weak tags.
bool list_matches(std::string_view header, std::string_view etag, bool strong) {
  header = trim_ows(header);
  if (header == "*") return true;
  while (!header.empty()) {
    const auto comma = header.find(',');
    const auto item = trim_ows(header.substr(0, comma));
    const bool weak = item.starts_with("W/");
    if (!(strong && weak) && opaque(item) == opaque(etag)) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

ConditionalOutcome evaluate_preconditions(const Preconditions& h, const Validators& current,
                                          bool get_or_head) {
  if (!h.if_match.empty()) {
    if (!list_matches(h.if_match, current.etag, true))
      return ConditionalOutcome::precondition_failed;
  } else if (!h.if_unmodified_since.empty()) {
    const auto since = parse_http_date(trim_ows(h.if_unmodified_since));
    if (since && current.last_modified > *since) return ConditionalOutcome::precondition_failed;
  }
  if (!h.if_none_match.empty()) {
    if (list_matches(h.if_none_match, current.etag, false))
      return get_or_head ? ConditionalOutcome::not_modified
                         : ConditionalOutcome::precondition_failed;
  } else if (get_or_head && !h.if_modified_since.empty()) {
    const auto since = parse_http_date(trim_ows(h.if_modified_since));
    if (since && current.last_modified <= *since && *since <= h.now)
      return ConditionalOutcome::not_modified;
  }
  return ConditionalOutcome::proceed;
}

bool if_range_allows(std::string_view if_range, const Validators& current) {
  if_range = trim_ows(if_range);
  if (if_range.empty()) return true;
  if (if_range.front() == '"') return if_range == current.etag;  // strong comparison only
  const auto date = parse_http_date(if_range);
  return date && *date == current.last_modified;
}

std::string make_etag(unsigned long long size, long long mtime_ns) {
  return fmt::format("\"{:x}-{:x}\"", size, static_cast<unsigned long long>(mtime_ns / 1000));
}

}  // namespace dualhttpd
