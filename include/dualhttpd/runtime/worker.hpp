// One thread's share of the server: its own io_context, its own handle on every listening
// socket, and the connections it accepted. Nothing on the request path is shared with the
// other workers, so nothing there takes a lock or needs a strand.
#pragma once

#include <array>
#include <atomic>
#include <vector>

#include "dualhttpd/http/http_date.hpp"
#include "dualhttpd/runtime/session.hpp"

namespace dualhttpd {

// What one worker owns and lends to its sessions, used on the worker's thread only.
struct WorkerState {
  explicit WorkerState(const SessionContext& context)
      : files(context.handler.worker_state()), log(context.access_log.writer()) {}

  FileState files;                       // its view of the docroot, its file cache
  AccessLog::Writer log;                 // its buffer in the access log
  OncePerSecond date{format_http_date};  // the Date header
  ExpendableSessions expendable;
  std::array<char, std::size_t{64} << 10> drain{};  // what lingering sessions read and throw away
};

class Worker {
 public:
  // `listening` are the bound and listening sockets; the worker watches a duplicate of each
  // (one open socket, so the kernel hands each connection to exactly one worker).
  // `roles` holds what each listener asks of its sessions (TLS, a redirect), in the same
  // order.
  // `accept_failing` is shared by the workers, so a failing accept() is logged once.
  Worker(std::vector<tcp::acceptor>& listening, const std::vector<ListenerRole>& roles,
         SessionContext context, std::size_t max_connections, std::atomic<bool>& accept_failing);

  net::io_context& io() { return io_; }
  void start();  // begins accepting
  void run();    // until the acceptors are closed and the last connection is gone
  void stop();   // closes the acceptors; callable from any thread

 private:
  void accept(std::size_t index);
  void on_accept_error(std::size_t index, const beast::error_code& ec);
  bool make_room();

  // Declared before io_: sessions outlive nothing they refer to.
  SessionContext context_;
  WorkerState state_;
  net::io_context io_{1};
  std::vector<Acceptor> acceptors_;
  std::vector<ListenerRole> roles_;  // per acceptor
  std::vector<Timer> backoff_;
  std::size_t max_connections_;
  std::atomic<bool>& accept_failing_;
  bool stopping_ = false;
};

}  // namespace dualhttpd
