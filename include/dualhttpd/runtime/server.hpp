// The running server: one Worker per thread, signals and the graceful stop. On
// SIGTERM/SIGINT it closes the acceptors, lets in-flight responses finish (up to a timeout),
// and run() returns once the last connection is gone. SIGHUP reopens the log files and
// loads the TLS certificate again (ServerEvents::reopen_logs).
#pragma once

#include <boost/asio/signal_set.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "dualhttpd/runtime/worker.hpp"

namespace dualhttpd {

// What the process around the server does when a signal arrives.
struct ServerEvents {
  std::function<void()> reopen_logs;  // SIGHUP: the logs, the docroot, the TLS certificate
  std::function<void()> stopping;     // SIGTERM/SIGINT, before the acceptors close
};

class Server {
 public:
  // The listening sockets are handed to `threads` workers and then closed here. `roles` says
  // what each asks of its sessions; their TLS contexts must outlive the server.
  Server(std::vector<tcp::acceptor> listening, const std::vector<ListenerRole>& roles,
         unsigned threads, SessionContext context, std::size_t max_connections,
         std::chrono::seconds shutdown_timeout, ServerEvents events);

  // Runs until stopped by a signal; returns the exit status. The calling thread is the
  // first worker's and also handles the signals.
  int run();

 private:
  void wait_for_signal();
  void begin_shutdown(int signal);
  void watch_shutdown(std::chrono::steady_clock::time_point deadline);

  SessionContext context_;
  std::atomic<bool> accept_failing_{false};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::chrono::seconds shutdown_timeout_;
  ServerEvents events_;
  net::basic_signal_set<Executor> signals_;
  Timer shutdown_timer_;
};

}  // namespace dualhttpd
