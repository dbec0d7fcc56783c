// One thread's share of the server: its own io_context, its own handle on every listening
// socket, and the connections it accepted. Nothing on the request path is shared with the
// other workers, so nothing there takes a lock or needs a strand.
#pragma once

#include <atomic>
#include <vector>

#include "dualhttpd/session.hpp"

namespace dualhttpd {

using Acceptor = net::basic_socket_acceptor<tcp, Executor>;

class Worker {
 public:
  // `listening` are the bound and listening sockets; the worker watches a duplicate of each
  // (one open socket, so the kernel hands each connection to exactly one worker).
  // `accept_failing` is shared by the workers, so a failing accept() is logged once.
  Worker(std::vector<tcp::acceptor>& listening, SessionContext context, std::size_t max_connections,
         std::atomic<bool>& accept_failing);

  net::io_context& io() { return io_; }
  void start();  // begins accepting
  void run();    // until the acceptors are closed and the last connection is gone
  void stop();   // closes the acceptors; callable from any thread

 private:
  void accept(std::size_t index);
  void on_accept_error(std::size_t index, const beast::error_code& ec);
  bool make_room();

  // Declared before io_: sessions outlive nothing they refer to.
  ExpendableSessions expendable_;
  SessionContext context_;
  net::io_context io_{1};
  std::vector<Acceptor> acceptors_;
  std::vector<Timer> backoff_;
  std::size_t max_connections_;
  std::atomic<bool>& accept_failing_;
  bool stopping_ = false;
};

}  // namespace dualhttpd
