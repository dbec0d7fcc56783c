#include "dualhttpd/session_registry.hpp"

#include "dualhttpd/session.hpp"

namespace dualhttpd {

void SessionRegistry::add(const std::shared_ptr<Session>& session) {
  {
    std::lock_guard lock(mutex_);
    sessions_.emplace(session.get(), session);
    if (!stopping_) return;
  }
  session->stop();  // accepted while the server stops: it answers at most one request
}

void SessionRegistry::remove(const Session* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
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
