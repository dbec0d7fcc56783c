// One timer for every timeout of a connection (header, keep-alive, write, linger). Moving
// the deadline later costs nothing: the pending wait ends at the old time, finds the new
// deadline and waits again. Only an earlier deadline restarts the wait.
//
// Our own timer rather than Beast's stream timeout, so that a timeout can still be answered
// (408) before closing. When the deadline passes, the owner's deadline_passed() runs (it
// cancels what the socket waits for); a wait keeps its owner alive through shared_from_this().
#pragma once

#include "dualhttpd/runtime/net_types.hpp"

namespace dualhttpd {

class Deadline {
 public:
  explicit Deadline(const Executor& executor) : timer_(executor) {}

  // The deadline is `timeout` from now; `owner` is told when it passes, unless it is set again
  // first.
  template <class Owner>
  void set(Clock::duration timeout, Owner& owner) {
    passed_ = false;
    deadline_ = Clock::now() + timeout;
    if (waiting_ && expiry_ <= deadline_) return;
    wait(owner.shared_from_this());
  }

  // Whether the deadline passed since it was last set.
  bool passed() const { return passed_; }
  // Ends the pending wait for good (the connection is closed): it no longer keeps the owner
  // alive, and a wait that had already ended does not start another.
  void cancel() {
    cancelled_ = true;
    timer_.cancel();
  }

 private:
  template <class OwnerPtr>
  void wait(OwnerPtr owner) {
    expiry_ = deadline_;
    waiting_ = true;
    timer_.expires_at(deadline_);  // ends a wait in progress: its handler sees the error
    timer_.async_wait([this, owner = std::move(owner)](beast::error_code ec) mutable {
      if (ec || cancelled_) return;  // replaced by a newer wait, or cancelled
      waiting_ = false;
      if (Clock::now() < deadline_) return wait(std::move(owner));
      passed_ = true;
      owner->deadline_passed();
    });
  }

  Timer timer_;
  Clock::time_point deadline_;
  Clock::time_point expiry_;  // when the pending wait ends, if waiting_
  bool waiting_ = false;
  bool passed_ = false;
  bool cancelled_ = false;
};

}  // namespace dualhttpd
