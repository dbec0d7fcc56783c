// The set of live sessions, so a graceful stop can reach every one of them.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace dualhttpd {

class Session;

class SessionRegistry {
 public:
  void add(const std::shared_ptr<Session>& session);
  void remove(const Session* session);
  std::size_t size() const;
  // Asks every live session, and every one added from now on, to finish the response in
  // flight and close.
  void stop_all();
  // Closes every live session now, whatever it is doing (the shutdown timeout).
  void abort_all();

 private:
  std::vector<std::shared_ptr<Session>> live() const;

  mutable std::mutex mutex_;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;
  bool stopping_ = false;
};

}  // namespace dualhttpd
