// One HTTP/1.x connection: read a request, answer it, repeat while keep-alive holds.
// Pipelined requests are answered in order, since the next one is parsed only after the
// previous response is out. File bodies go out with sendfile(2) from the given offset.
// A session runs on one worker's io_context (one thread): no strand, no locks.
//
// Over TLS the same session reads and writes through OpenSSL on its socket (tls_stream.hpp).
// A file body then passes through user space in chunks (pread, encrypt, write): sendfile
// cannot encrypt, and kernel TLS needs the kernel's "tls" module, which not every kernel has.
//
// Each step of the exchange is an asynchronous pair, the step and its completion:
//   [handshake → on_handshake] (TLS)
//   read_head → on_head → [read_body → on_body] → answer → route → send
//   write_head → on_head_written → [send_body ⇄ on_text_written / on_writable]
//     → finish_response → read_request, or [say_goodbye (TLS)] → close or linger_close
//   linger_read → on_linger_read (after the last response)
//   set_deadline → deadline_passed (every wait above is bounded by the one deadline)
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/intrusive/list.hpp>

#include <memory>
#include <optional>

#include "dualhttpd/files/static_handler.hpp"
#include "dualhttpd/http/access_log.hpp"
#include "dualhttpd/http/health.hpp"
#include "dualhttpd/http/reply.hpp"
#include "dualhttpd/http/session_limits.hpp"
#include "dualhttpd/runtime/deadline.hpp"
#include "dualhttpd/runtime/net_types.hpp"
#include "dualhttpd/runtime/sendfile_turns.hpp"
#include "dualhttpd/runtime/session_registry.hpp"
#include "dualhttpd/runtime/tls_stream.hpp"

namespace dualhttpd {

class Session;

// A worker's sessions that can be closed to make room for a new connection when the
// connection limit is reached: those lingering after their last response and those idle
// between keep-alive requests, oldest first (nginx's reusable connections). A session leaves
// the list by itself when it reads again or goes away.
using ExpendableHook =
    boost::intrusive::list_base_hook<boost::intrusive::link_mode<boost::intrusive::auto_unlink>>;
using ExpendableSessions =
    boost::intrusive::list<Session, boost::intrusive::constant_time_size<false>>;

// What the workers share: made once at start-up, read-only or safe across threads.
struct SessionContext {
  const StaticHandler& handler;
  const HealthEndpoint& health;
  AccessLog& access_log;
  SessionRegistry& registry;
  SessionLimits limits;
};

struct WorkerState;  // worker.hpp

// What a listener asks of the sessions it accepts.
struct ListenerRole {
  const TlsSlot* tls = nullptr;  // speak TLS with the context in it; null: plain HTTP
  std::uint16_t https_port = 0;  // plain, with --redirect-to-https: send clients to HTTPS on
                                 // this port of the address they reached (0: serve)
};

class Session : public std::enable_shared_from_this<Session>, public ExpendableHook {
 public:
  Session(Socket socket, const SessionContext& context, WorkerState& worker, ListenerRole role);
  ~Session();

  void start();
  // Graceful: an idle connection closes now, a busy one after its response.
  void stop();
  // Closes the connection now; pending operations end and the session goes away.
  void abort();
  // The same, from the session's own thread.
  void close();

 private:
  friend class Deadline;

  enum class Phase {
    reading,    // waiting for a request (the first, or the next on a kept-alive connection)
    writing,    // answering one
    lingering,  // after the last response: reading what the client still sends, until it closes
    closed,
  };
  // What follows the response being written.
  enum class After {
    next_request,  // keep-alive: read the next one
    close,         // the client said it closes: close once the response is out (if it sent
                   // nothing more)
    linger,        // close after a lingering read of what the client still sends
  };

  void set_deadline(Clock::duration timeout) { deadline_.set(timeout, *this); }
  void deadline_passed();

  // Calls `f` with the stream requests and responses go through: TLS, or the socket itself.
  template <class F>
  void on_stream(F&& f) {
    if (tls_)
      f(*tls_);
    else
      f(socket_);
  }
  void handshake();
  void await_client_hello(std::ptrdiff_t seen = -1, bool low_water_raised = false);
  void start_tls();
  void on_handshake(beast::error_code ec);
  void answer_plain_http();

  void read_request();
  void read_head();
  void on_head(beast::error_code ec, std::size_t bytes);
  bool retry_head(const beast::error_code& ec);
  void read_body();
  void on_body(beast::error_code ec, std::size_t bytes);
  void answer(beast::error_code ec, bool body_unread = false);
  Reply route(const http::request_header<>& request);
  std::string local_host() const;
  void refuse_and_close(http::status status, std::string_view detail = {});
  void refuse_unparsed(http::status status, beast::error_code ec, std::string_view received);
  std::string hand_typed_request() const;
  HealthView health_view() const;

  void send(Reply reply, After after);
  void write_head();
  void on_head_written(beast::error_code ec, std::size_t bytes);
  void send_body();
  void write_text(std::string& text);
  void on_text_written(std::string& text, beast::error_code ec);
  void wait_writable();
  void on_writable(beast::error_code ec);
  void next_turn();
  // What a pass of send_span_over_tls did. stopped: an asynchronous write waits for the
  // socket, or the connection ended.
  enum class TlsTurn { done, turn_over, stopped };
  TlsTurn send_span_over_tls(int file, FileSpan& span);
  void write_chunk_over_tls(net::const_buffer chunk, FileSpan& span);
  void file_body_failed(int error, std::uint64_t left);
  void finish_response();
  void say_goodbye();
  void close_or_linger();
  void log_request(unsigned status);
  const std::string& client();

  void linger_close();
  void linger_read();
  void on_linger_read(beast::error_code ec);
  void make_expendable();
  void unlink_expendable();

  Socket socket_;
  const TlsSlot* tls_slot_;         // the listener's TLS context; null: plain HTTP
  std::unique_ptr<TlsStream> tls_;  // over socket_, once the client's first record is here
  std::uint16_t https_port_;        // see ListenerRole
  const SessionContext& context_;
  WorkerState& worker_;
  Phase phase_ = Phase::reading;
  bool stopping_ = false;  // the server is stopping: no request after the one in flight
  Deadline deadline_;

  // The request.
  beast::flat_buffer buffer_;  // at most limits.read_buffer_limit() bytes
  std::optional<http::request_parser<http::string_body>> parser_;
  unsigned requests_ = 0;
  std::string request_line_;               // for the access log
  std::string_view referer_, user_agent_;  // in the parsed request

  // The response.
  Reply reply_;
  After after_ = After::linger;
  std::string head_;  // rendered; keeps its capacity, so a response allocates nothing here
  std::uint64_t body_bytes_ = 0;
  std::size_t next_span_ = 0;  // of a file body: how far sending has come
  SendfileTurns turns_;
  std::unique_ptr<char[]> tls_chunk_;  // a file's bytes on their way into TLS

  std::string client_;
  Clock::time_point linger_until_;  // the lingering close ends then at the latest
};

}  // namespace dualhttpd
