#include "dualhttpd/systemd_notify.hpp"

#include <dlfcn.h>
#include <systemd/sd-daemon.h>

#include <cstdlib>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace dualhttpd {

namespace {

using NotifyFunction = decltype(&::sd_notify);

// libsystemd's sd_notify, loaded on first use; null when it cannot be loaded (said once).
NotifyFunction load_notify() {
  void* library = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  void* symbol = library ? ::dlsym(library, "sd_notify") : nullptr;
  if (!symbol) {
    const char* why = ::dlerror();
    spdlog::warn(
        "systemd waits for a readiness notification (NOTIFY_SOCKET is set), but libsystemd "
        "cannot be loaded ({}); install libsystemd0, or use Type=exec in the unit",
        why ? why : "no sd_notify");
    return nullptr;
  }
  return reinterpret_cast<NotifyFunction>(symbol);
}

}  // namespace

bool notify_systemd(const std::string& state) {
  if (!std::getenv("NOTIFY_SOCKET")) return false;
  static const NotifyFunction notify = load_notify();
  if (!notify) return false;
  const int result = notify(0, state.c_str());
  if (result < 0) spdlog::warn("cannot notify systemd ({}): {}", state, ::strerrordesc_np(-result));
  return result > 0;
}

std::string ready_state(const std::string& root, const std::vector<Listener>& listeners) {
  std::string names;
  for (const auto& l : listeners) names += (names.empty() ? "" : ", ") + l.spec.to_string();
  return fmt::format("READY=1\nSTATUS=serving {} on {}", root, names);
}

}  // namespace dualhttpd
