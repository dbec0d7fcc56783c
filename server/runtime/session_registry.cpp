#include "dualhttpd/runtime/session_registry.hpp"

#include <malloc.h>

#include <atomic>
#include <chrono>

#include "dualhttpd/runtime/session.hpp"

namespace dualhttpd {

namespace {

// glibc keeps what connections freed in its per-thread arenas, so a burst of connections
// would hold the process at its peak size for good. When the last connection is gone the
// memory goes back to the system; at most once a second (a busy server rarely gets here).
void give_back_memory() {
  static std::atomic<Clock::rep> last{0};
  const auto now = Clock::now().time_since_epoch().count();
  auto before = last.load(std::memory_order_relaxed);
  if (now - before < std::chrono::nanoseconds(std::chrono::seconds(1)).count()) return;
  if (last.compare_exchange_strong(before, now)) ::malloc_trim(0);
}

}  // namespace

void SessionRegistry::add(const std::shared_ptr<Session>& session) {
  {
    std::lock_guard lock(mutex_);
    sessions_.emplace(session.get(), session);
    if (!stopping_) return;
  }
  session->stop();  // accepted while the server stops: it answers at most one request
}

void SessionRegistry::remove(const Session* session) {
  {
    std::lock_guard lock(mutex_);
    sessions_.erase(session);
    if (!sessions_.empty()) return;
  }
  give_back_memory();
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::vector<std::shared_ptr<Session>> SessionRegistry::live() const {
  std::vector<std::shared_ptr<Session>> out;
  std::lock_guard lock(mutex_);
  for (const auto& [key, weak] : sessions_)
    if (auto s = weak.lock()) out.push_back(std::move(s));
  return out;
}

void SessionRegistry::stop_all() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  for (auto& s : live()) s->stop();
}

void SessionRegistry::abort_all() {
  for (auto& s : live()) s->abort();
}

}  // namespace dualhttpd
