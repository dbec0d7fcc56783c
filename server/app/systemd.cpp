#include "dualhttpd/app/systemd.hpp"

#include <dlfcn.h>

#include <systemd/sd-daemon.h>
#include <boost/algorithm/string/classification.hpp>
#include <boost/algorithm/string/split.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace dualhttpd {

namespace {

// The functions of libsystemd that dualhttpd uses, loaded on first use.
struct Libsystemd {
  decltype(&::sd_notify) notify = nullptr;
  decltype(&::sd_listen_fds) listen_fds = nullptr;
};

const Libsystemd& libsystemd() {
  static const Libsystemd loaded = [] {
    Libsystemd l;
    void* library = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      const char* why = ::dlerror();  // NOLINT(concurrency-mt-unsafe): once, in a static's init
      spdlog::warn(
          "systemd started dualhttpd (NOTIFY_SOCKET or LISTEN_FDS is set), but libsystemd cannot "
          "be loaded ({}): readiness and inherited sockets are ignored; install libsystemd0",
          why ? why : "unknown error");
      return l;
    }
    l.notify = reinterpret_cast<decltype(l.notify)>(::dlsym(library, "sd_notify"));
    l.listen_fds = reinterpret_cast<decltype(l.listen_fds)>(::dlsym(library, "sd_listen_fds"));
    return l;
  }();
  return loaded;
}

}  // namespace

// The environment is read while nothing changes it: sd_listen_fds(1) unsets its variables at
// start-up, before any other thread runs, and nothing sets one later.
int systemd_listen_fds(std::vector<std::string>* names) {
  if (!std::getenv("LISTEN_FDS")) return 0;           // NOLINT(concurrency-mt-unsafe)
  const char* given = std::getenv("LISTEN_FDNAMES");  // NOLINT(concurrency-mt-unsafe)
  if (given && names) boost::split(*names, std::string_view(given), boost::is_any_of(":"));
  const auto listen_fds = libsystemd().listen_fds;
  // 1: the variables are removed, so a child process would not take the sockets too.
  const int n = listen_fds ? listen_fds(1) : 0;
  if (n < 0) spdlog::warn("cannot take the sockets systemd passed: {}", ::strerrordesc_np(-n));
  return std::max(n, 0);
}

bool notify_systemd(const std::string& state) {
  if (!std::getenv("NOTIFY_SOCKET")) return false;  // NOLINT(concurrency-mt-unsafe): see above
  const auto notify = libsystemd().notify;
  if (!notify) return false;
  const int result = notify(0, state.c_str());
  if (result < 0) spdlog::warn("cannot notify systemd ({}): {}", state, ::strerrordesc_np(-result));
  return result > 0;
}

std::string ready_state(const std::string& root, const std::vector<Listener>& listeners) {
  std::vector<std::string> names;
  names.reserve(listeners.size());
  for (const auto& l : listeners) names.push_back(l.spec.to_string());
  return fmt::format("READY=1\nSTATUS=serving {} on {}", root, fmt::join(names, ", "));
}

}  // namespace dualhttpd
