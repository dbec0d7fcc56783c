// One HTTP/1.x connection: read a request, answer it, repeat while keep-alive holds.
// Pipelined requests are answered in order, since the next one is parsed only after the
// previous response is out. File bodies go out with sendfile(2) from the given offset.
// A session runs on one worker's io_context (one thread): no strand, no locks.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/intrusive/list.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <optional>

#include "dualhttpd/access_log.hpp"
#include "dualhttpd/health.hpp"
#include "dualhttpd/reply.hpp"
#include "dualhttpd/request_limits.hpp"
#include "dualhttpd/session_registry.hpp"
#include "dualhttpd/static_handler.hpp"

namespace dualhttpd {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
// Concrete executor types: no type erasure on the request path.
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using Timer = net::basic_waitable_timer<Clock, net::wait_traits<Clock>, Executor>;

class Session;

// A worker's sessions that can be closed to make room for a new connection when the
// connection limit is reached: those lingering after their last response and those idle
// between keep-alive requests, oldest first (nginx's reusable connections). A session leaves
// the list by itself when it reads again or goes away.
using ExpendableHook =
    boost::intrusive::list_base_hook<boost::intrusive::link_mode<boost::intrusive::auto_unlink>>;
using ExpendableSessions =
    boost::intrusive::list<Session, boost::intrusive::constant_time_size<false>>;

// What the sessions of one worker share; the worker owns it.
struct SessionContext {
  const StaticHandler& handler;
  const HealthEndpoint& health;
  AccessLog& access_log;
  SessionRegistry& registry;
  SessionLimits limits;
  ExpendableSessions* expendable = nullptr;  // the worker's own
};

class Session : public std::enable_shared_from_this<Session>, public ExpendableHook {
 public:
  Session(Socket socket, SessionContext& context);
  ~Session();

  void start();
  // Graceful: an idle connection closes now, a busy one after its response.
  void stop();
  // Closes the connection now; pending operations end and the session goes away.
  void abort();
  // The same, from the session's own thread.
  void close();

 private:
  void set_deadline(Clock::duration timeout);
  void wait_for_deadline();
  void read_request();
  void read_head();
  void on_header(beast::error_code ec, std::size_t bytes);
  bool retry_head(const beast::error_code& ec);
  std::string hand_typed_request() const;
  void on_read(beast::error_code ec, std::size_t bytes);
  void reply_and_close(http::status status, std::string_view detail = {});
  HealthView health_view() const;
  void send(Reply reply, bool keep_alive);
  void send_cached(std::string_view connection);
  void on_head_written(beast::error_code ec, std::size_t bytes);
  void send_body();
  void set_cork(bool on);
  void write_text(std::string& text);
  bool send_file(FileSpan& span);
  void finish_response();
  void log_request(unsigned status);
  const std::string& client();
  void linger_close();
  void linger_read();
  void make_expendable();
  void unlink_expendable();

  Socket socket_;
  // One timer for every timeout (header, keep-alive, write, linger). Moving the deadline
  // later costs nothing: the pending wait ends at the old time, finds the new deadline and
  // waits again. Only an earlier deadline restarts the wait.
  Timer timer_;
  Clock::time_point deadline_;
  Clock::time_point timer_expiry_;  // when the pending wait ends, if timer_waiting_
  bool timer_waiting_ = false;
  beast::flat_buffer buffer_;  // at most limits.read_buffer_limit() bytes
  std::optional<http::request_parser<http::string_body>> parser_;
  SessionContext& context_;
  Reply reply_;
  std::string head_text_;  // the header of a cached file's reply
  std::uint64_t body_bytes_ = 0;
  std::string client_;
  std::string request_line_;               // for the access log
  std::string_view referer_, user_agent_;  // in the parsed request
  bool keep_alive_ = false;
  bool busy_ = false;
  bool stopping_ = false;
  bool first_request_ = true;
  bool client_closes_ = false;  // the request said Connection: close (or was HTTP/1.0)
  bool body_unread_ = false;    // answered after the head alone (Expect: 100-continue)
  bool timed_out_ = false;
  bool closed_ = false;
  bool corked_ = false;  // TCP_CORK is set on the socket
  unsigned requests_ = 0;
  Clock::time_point linger_until_;  // the lingering close ends then at the latest
};

}  // namespace dualhttpd
