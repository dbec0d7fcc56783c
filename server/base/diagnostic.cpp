#include "dualhttpd/base/diagnostic.hpp"

#include <cstring>

namespace dualhttpd {

std::string errno_text(int error) {
  const char* name = ::strerrorname_np(error);
  return (name ? std::string(name) : std::to_string(error)) + ": " + ::strerrordesc_np(error);
}

std::string word_list(const std::vector<std::string>& items, const std::string& conjunction) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? " " + conjunction + " " : ", ") + items[i];
  return out;
}

std::string format_diagnostic(const Diagnostic& d, bool final_newline) {
  std::string out = d.subject;
  if (!d.cause.empty()) out += "\n  cause: " + d.cause;
  if (!d.fix.empty()) out += "\n  fix:   " + d.fix;
  if (final_newline) out += "\n";
  return out;
}

}  // namespace dualhttpd
