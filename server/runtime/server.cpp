#include "dualhttpd/runtime/server.hpp"

#include <csignal>
#include <cstring>
#include <thread>

#include <spdlog/spdlog.h>

#include "dualhttpd/base/exit_codes.hpp"

namespace dualhttpd {

namespace {

constexpr std::chrono::milliseconds shutdown_poll{50};

std::vector<std::unique_ptr<Worker>> make_workers(std::vector<tcp::acceptor>& listening,
                                                  const std::vector<ListenerRole>& roles,
                                                  unsigned threads, const SessionContext& context,
                                                  std::size_t max_connections,
                                                  std::atomic<bool>& accept_failing) {
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < std::max(threads, 1u); ++i)
    workers.push_back(
        std::make_unique<Worker>(listening, roles, context, max_connections, accept_failing));
  for (auto& socket : listening) {
    beast::error_code ignored;
    socket.close(ignored);  // the workers hold duplicates
  }
  return workers;
}

}  // namespace

Server::Server(std::vector<tcp::acceptor> listening, const std::vector<ListenerRole>& roles,
               unsigned threads, SessionContext context, std::size_t max_connections,
               std::chrono::seconds shutdown_timeout, ServerEvents events)
    : context_(context),
      workers_(make_workers(listening, roles, threads, context_, max_connections, accept_failing_)),
      shutdown_timeout_(shutdown_timeout),
      events_(std::move(events)),
      signals_(workers_.front()->io(), SIGINT, SIGTERM, SIGHUP),
      shutdown_timer_(workers_.front()->io()) {}

int Server::run() {
  wait_for_signal();
  for (auto& w : workers_) w->start();
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers_.size(); ++i)
    threads.emplace_back([w = workers_[i].get()] { w->run(); });
  workers_.front()->run();
  for (auto& t : threads) t.join();
  spdlog::info("stopped");
  return exit_ok;
}

void Server::wait_for_signal() {
  signals_.async_wait([this](beast::error_code ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      spdlog::info("SIGHUP: reopening log files");
      events_.reopen_logs();
      return wait_for_signal();
    }
    begin_shutdown(signal);
  });
}

void Server::begin_shutdown(int signal) {
  spdlog::info("{}: stopping; finishing {} connection(s) within {} s", ::sigdescr_np(signal),
               context_.registry.size(), shutdown_timeout_.count());
  events_.stopping();
  for (auto& w : workers_) w->stop();
  context_.registry.stop_all();
  watch_shutdown(std::chrono::steady_clock::now() + shutdown_timeout_);
}

void Server::watch_shutdown(std::chrono::steady_clock::time_point deadline) {
  if (context_.registry.size() == 0) {
    signals_.cancel();
    return;  // nothing holds the workers' io_contexts any more: their run() returns
  }
  if (std::chrono::steady_clock::now() >= deadline) {
    spdlog::warn("shutdown timeout: closing {} connection(s) still busy", context_.registry.size());
    // Closing the sockets ends their pending operations; run() returns once they are gone.
    context_.registry.abort_all();
    signals_.cancel();
    return;
  }
  shutdown_timer_.expires_after(shutdown_poll);
  shutdown_timer_.async_wait([this, deadline](beast::error_code ec) {
    if (!ec) watch_shutdown(deadline);
  });
}

}  // namespace dualhttpd
