// The running server: accept loops, worker threads, signals and the graceful stop.
// On SIGTERM/SIGINT it closes the acceptors, lets in-flight responses finish (up to a
// timeout), and run() returns once the last connection is gone.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <functional>
#include <vector>

#include "dualhttpd/session.hpp"

namespace dualhttpd {

class Server {
 public:
  Server(net::io_context& io, std::vector<tcp::acceptor> acceptors, SessionContext context,
         std::size_t max_connections, std::chrono::seconds shutdown_timeout,
         std::function<void()> on_reopen_logs);

  // Runs until stopped by a signal; returns the exit status.
  int run(unsigned threads);

 private:
  void accept(std::size_t index);
  void on_accept_error(std::size_t index, const beast::error_code& ec);
  void wait_for_signal();
  void begin_shutdown(int signal);
  void watch_shutdown(std::chrono::steady_clock::time_point deadline);

  net::io_context& io_;
  net::strand<net::io_context::executor_type> strand_;  // serialises the handlers below
  std::vector<tcp::acceptor> acceptors_;
  SessionContext context_;
  std::size_t max_connections_;
  bool accept_failing_ = false;  // log an accept failure once, not once per retry
  std::chrono::seconds shutdown_timeout_;
  std::function<void()> on_reopen_logs_;
  net::signal_set signals_;
  net::steady_timer shutdown_timer_;
  std::vector<std::unique_ptr<net::steady_timer>> backoff_;
  bool stopping_ = false;
};

}  // namespace dualhttpd
