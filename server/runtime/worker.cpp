#include "dualhttpd/runtime/worker.hpp"

#include <unistd.h>

#include <cerrno>
#include <system_error>

#include <spdlog/spdlog.h>

namespace dualhttpd {

namespace {

constexpr std::chrono::milliseconds accept_backoff{100};

}  // namespace

Worker::Worker(std::vector<tcp::acceptor>& listening, const std::vector<ListenerRole>& roles,
               SessionContext context, std::size_t max_connections,
               std::atomic<bool>& accept_failing)
    : context_(context),
      state_(context_),
      roles_(roles),
      max_connections_(max_connections),
      accept_failing_(accept_failing) {
  for (auto& socket : listening) {
    const int fd = ::dup(socket.native_handle());
    if (fd < 0)
      throw std::system_error(
          errno, std::system_category(),
          "each thread needs its own descriptor for every listener, and dup() failed (fewer "
          "--threads, or a higher descriptor limit: ulimit -n)");
    acceptors_.emplace_back(io_, socket.local_endpoint().protocol(), fd);
    backoff_.emplace_back(io_);
  }
}

void Worker::start() {
  net::post(io_, [this] {
    for (std::size_t i = 0; i < acceptors_.size(); ++i) accept(i);
  });
}

void Worker::run() {
  io_.run();
}

void Worker::stop() {
  net::post(io_, [this] {
    stopping_ = true;
    for (auto& a : acceptors_) {
      beast::error_code ignored;
      a.close(ignored);
    }
    for (auto& t : backoff_) t.cancel();
  });
}

void Worker::accept(std::size_t index) {
  acceptors_[index].async_accept([this, index](beast::error_code ec, Socket socket) {
    if (ec) return on_accept_error(index, ec);
    if (accept_failing_.load(std::memory_order_relaxed) && accept_failing_.exchange(false))
      spdlog::info("accept works again");
    if (context_.registry.size() >= max_connections_ && !make_room()) {
      // Over the limit and nothing to give way: close at once rather than queue; the
      // client may retry.
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      std::make_shared<Session>(std::move(socket), context_, state_, roles_[index])->start();
    }
    accept(index);
  });
}

// At the connection limit, the oldest session of this worker that lingers after its last
// response or idles between keep-alive requests is closed for the new connection, so
// clients that hold connections without asking for anything cannot lock others out.
bool Worker::make_room() {
  if (state_.expendable.empty()) return false;
  auto& oldest = state_.expendable.front();
  state_.expendable.pop_front();
  oldest.close();
  return true;
}

void Worker::on_accept_error(std::size_t index, const beast::error_code& ec) {
  if (stopping_ || ec == net::error::operation_aborted) return;
  // EMFILE/ENFILE and friends: say so, back off, try again; never spin.
  if (!accept_failing_.exchange(true))
    spdlog::warn("accept failed: {}; retrying every {} ms until it works", ec.message(),
                 accept_backoff.count());
  backoff_[index].expires_after(accept_backoff);
  backoff_[index].async_wait([this, index](beast::error_code e) {
    if (!e && !stopping_) accept(index);
  });
}

}  // namespace dualhttpd
