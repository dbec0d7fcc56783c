#include "dualhttpd/server.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>

#include <csignal>
#include <cstring>
#include <thread>

#include <spdlog/spdlog.h>

#include "dualhttpd/exit_codes.hpp"

namespace dualhttpd {

namespace {

constexpr std::chrono::milliseconds accept_backoff{100};
constexpr std::chrono::milliseconds shutdown_poll{50};

}  // namespace

Server::Server(net::io_context& io, std::vector<tcp::acceptor> acceptors, SessionContext context,
               std::size_t max_connections, std::chrono::seconds shutdown_timeout,
               std::function<void()> on_reopen_logs)
    : io_(io),
      strand_(net::make_strand(io)),
      acceptors_(std::move(acceptors)),
      context_(context),
      max_connections_(max_connections),
      shutdown_timeout_(shutdown_timeout),
      on_reopen_logs_(std::move(on_reopen_logs)),
      signals_(io, SIGINT, SIGTERM, SIGHUP),
      shutdown_timer_(io) {
  for (std::size_t i = 0; i < acceptors_.size(); ++i)
    backoff_.push_back(std::make_unique<net::steady_timer>(io));
}

int Server::run(unsigned threads) {
  net::dispatch(strand_, [this] {
    wait_for_signal();
    for (std::size_t i = 0; i < acceptors_.size(); ++i) accept(i);
  });
  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back([this] { io_.run(); });
  io_.run();
  for (auto& t : workers) t.join();
  spdlog::info("stopped");
  return exit_ok;
}

void Server::accept(std::size_t index) {
  // Each connection gets its own strand, so its handlers never run concurrently.
  acceptors_[index].async_accept(
      net::make_strand(io_),
      net::bind_executor(strand_, [this, index](beast::error_code ec, tcp::socket socket) {
        if (ec) return on_accept_error(index, ec);
        if (accept_failing_) spdlog::info("accept works again");
        accept_failing_ = false;
        if (context_.registry.size() >= max_connections_) {
          // Over the limit: close at once rather than queue; the client may retry.
          beast::error_code ignored;
          socket.close(ignored);
        } else {
          std::make_shared<Session>(std::move(socket), context_)->start();
        }
        accept(index);
      }));
}

void Server::on_accept_error(std::size_t index, const beast::error_code& ec) {
  if (stopping_ || ec == net::error::operation_aborted) return;
  // EMFILE/ENFILE and friends: say so, back off, try again; never spin.
  if (!accept_failing_)
    spdlog::warn("accept failed: {}; retrying every {} ms until it works", ec.message(),
                 accept_backoff.count());
  accept_failing_ = true;
  backoff_[index]->expires_after(accept_backoff);
  backoff_[index]->async_wait(net::bind_executor(strand_, [this, index](beast::error_code e) {
    if (!e && !stopping_) accept(index);
  }));
}

void Server::wait_for_signal() {
  signals_.async_wait(net::bind_executor(strand_, [this](beast::error_code ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      spdlog::info("SIGHUP: reopening log files");
      on_reopen_logs_();
      return wait_for_signal();
    }
    begin_shutdown(signal);
  }));
}

void Server::begin_shutdown(int signal) {
  stopping_ = true;
  spdlog::info("{}: stopping; finishing {} connection(s) within {} s", ::sigdescr_np(signal),
               context_.registry.size(), shutdown_timeout_.count());
  for (auto& a : acceptors_) {
    beast::error_code ignored;
    a.close(ignored);
  }
  for (auto& t : backoff_) t->cancel();
  context_.registry.stop_all();
  watch_shutdown(std::chrono::steady_clock::now() + shutdown_timeout_);
}

void Server::watch_shutdown(std::chrono::steady_clock::time_point deadline) {
  if (context_.registry.size() == 0) {
    signals_.cancel();
    return;  // nothing holds the io_context any more: run() returns
  }
  if (std::chrono::steady_clock::now() >= deadline) {
    spdlog::warn("shutdown timeout: closing {} connection(s) still busy", context_.registry.size());
    // Closing the sockets ends their pending operations; run() returns once they are gone.
    context_.registry.abort_all();
    signals_.cancel();
    return;
  }
  shutdown_timer_.expires_after(shutdown_poll);
  shutdown_timer_.async_wait(net::bind_executor(strand_, [this, deadline](beast::error_code ec) {
    if (!ec) watch_shutdown(deadline);
  }));
}

}  // namespace dualhttpd
