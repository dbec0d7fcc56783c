#include "dualhttpd/session.hpp"

#include <netinet/tcp.h>
#include <sys/sendfile.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <iterator>

#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

#include "dualhttpd/connection_info.hpp"
#include "dualhttpd/http_date.hpp"
#include "dualhttpd/request_framing.hpp"

namespace dualhttpd {

namespace {

constexpr std::string_view server_name = "dualhttpd/" DUALHTTPD_VERSION;
// How much of a file one sendfile(2) turn sends before the thread's other connections get
// theirs: the first turn small and corked, so the head leaves in full segments with the first
// bytes and the client starts reading at once; then up to 1 MiB (or what the socket takes).
// Measured on 1 MiB files over 8 connections, the server on its own core: 256 KiB turns,
// corked throughout, 530-810 us of server CPU per response; 256 KiB uncorked after the first
// turn, 380-500 us; this, 240-390 us, as lighttpd (tests/bench/README.md).
constexpr std::size_t first_turn = 64 << 10;
constexpr std::size_t sendfile_turn = 1 << 20;
constexpr std::chrono::seconds linger_timeout{2};  // without a byte from the client
constexpr std::chrono::seconds linger_cap{30};     // in all, as nginx and httpd

// The Date header changes once a second; format it once a second per thread.
const std::string& date_now() {
  thread_local std::time_t cached_at = 0;
  thread_local std::string text;
  const auto now = std::time(nullptr);
  if (now != cached_at) {
    cached_at = now;
    text = format_http_date(now);
  }
  return text;
}

std::string client_text(const Socket& socket) {
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  return ec ? std::string("-") : remote.address().to_string();
}

}  // namespace

Session::Session(Socket socket, SessionContext& context)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      buffer_(context.limits.read_buffer_limit()),
      context_(context) {}

Session::~Session() {
  context_.registry.remove(this);
}

// The client's address as text, worked out when first needed (the log, a warning).
const std::string& Session::client() {
  if (client_.empty()) client_ = client_text(socket_);
  return client_;
}

void Session::start() {
  beast::error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);  // no 40 ms Nagle stall between head and body
  context_.registry.add(shared_from_this());
  read_request();  // called on the worker's thread, which accepted the connection
}

void Session::stop() {
  net::post(socket_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    beast::error_code ignored;
    if (!self->busy_) self->socket_.cancel(ignored);
  });
}

void Session::abort() {
  net::post(socket_.get_executor(), [self = shared_from_this()] { self->close(); });
}

// Our own timer rather than Beast's stream timeout, so that a timeout can still be answered
// (408) before closing; on expiry it cancels what the socket waits for.
void Session::set_deadline(Clock::duration timeout) {
  timed_out_ = false;
  deadline_ = Clock::now() + timeout;
  if (timer_waiting_ && timer_expiry_ <= deadline_) return;
  wait_for_deadline();
}

void Session::wait_for_deadline() {
  timer_expiry_ = deadline_;
  timer_waiting_ = true;
  timer_.expires_at(deadline_);  // ends a wait in progress: its handler sees the error
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closed_) return;  // replaced by a newer wait, or the session is over
    self->timer_waiting_ = false;
    if (Clock::now() < self->deadline_) return self->wait_for_deadline();
    self->timed_out_ = true;
    beast::error_code ignored;
    self->socket_.cancel(ignored);
  });
}

void Session::read_request() {
  if (stopping_) return close();
  // A new connection has the header timeout to send its request; an idle keep-alive
  // connection has the keep-alive timeout, unless a pipelined request is already here.
  const bool idle = !first_request_ && buffer_.size() == 0;
  set_deadline(idle ? context_.limits.keepalive_timeout : context_.limits.header_timeout);
  // An idle keep-alive connection may be closed to make room for a new one (worker.cpp).
  if (idle) make_expendable();
  read_head();
}

// Parses a head from what is buffered and what arrives, within the deadline already set.
void Session::read_head() {
  parser_.emplace();
  parser_->header_limit(context_.limits.header_limit);
  parser_->body_limit(context_.limits.body_limit);
  http::async_read_header(socket_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::on_header, shared_from_this()));
}

// The head is in. A body (which a GET or HEAD does not need) is read and dropped before the
// answer, unless the client waits for 100 Continue: then it gets its final answer at once
// (RFC 9110 section 10.1.1) and the connection closes, the body drained by the lingering close.
void Session::on_header(beast::error_code ec, std::size_t bytes) {
  unlink_expendable();
  body_unread_ = false;
  if (ec && retry_head(ec)) return read_head();
  if (ec || parser_->is_done()) return on_read(ec, bytes);
  const auto length = parser_->content_length();
  const bool body_here = length && *length <= buffer_.size();
  if (expects_continue(parser_->get().base()) && !body_here) {
    body_unread_ = true;
    return on_read(ec, bytes);
  }
  http::async_read(socket_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::on_read, shared_from_this()));
}

// Heads Beast refuses that are served all the same: empty lines before the request line
// (RFC 9112 section 2.2) are dropped, and HTTP/1.2 and later minors are read as HTTP/1.1
// (RFC 9110 section 2.5). True when the head is to be parsed again.
bool Session::retry_head(const beast::error_code& ec) {
  if (ec != http::error::bad_method && ec != http::error::bad_version) return false;
  auto data = buffer_.data();
  const std::string_view received{static_cast<const char*>(data.data()), data.size()};
  if (const auto empty = leading_empty_lines(received); empty > 0) {
    buffer_.consume(empty);
    return true;
  }
  if (const auto minor = later_minor_version(received)) {
    static_cast<char*>(data.data())[*minor] = '1';
    return true;
  }
  return false;
}

void Session::reply_and_close(http::status status, std::string_view detail) {
  request_line_ = "-";
  client_closes_ = false;
  referer_ = {};
  user_agent_ = {};
  auto reply = error_reply(status, detail);
  reply.close_after = true;
  send(std::move(reply), false);
}

// A request line for this very server, to type by hand: what a 400 for a malformed line
// suggests.
std::string Session::hand_typed_request() const {
  beast::error_code ec;
  const auto local = socket_.local_endpoint(ec);
  auto host = local.address().to_string();
  if (local.address().is_v6()) host = host.substr(0, host.find('%'));
  const auto authority = local.address().is_v6() ? "[" + host + "]" : host;
  return fmt::format("printf 'GET / HTTP/1.1\\r\\nHost: {}:{}\\r\\n\\r\\n' | nc {} {}", authority,
                     local.port(), host, local.port());
}

void Session::on_read(beast::error_code ec, std::size_t) {
  first_request_ = false;
  if (ec == net::error::operation_aborted && timed_out_ && parser_->got_some())
    return reply_and_close(http::status::request_timeout);  // slowloris: 408, then close
  if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
      ec == net::error::connection_reset || ec == net::error::eof)
    return close();
  const auto data = buffer_.data();
  const std::string_view received{static_cast<const char*>(data.data()), data.size()};
  if (ec == http::error::header_limit) {
    // Past the request line (its method is known), the head is too large for its fields.
    if (!parser_->get().method_string().empty())
      return reply_and_close(http::status::request_header_fields_too_large);
    return reply_and_close(status_for_oversized_head(received, context_.limits));
  }
  if (ec) {
    const auto status = status_for_parse_error(ec, received);
    return reply_and_close(status, status == http::status::bad_request
                                       ? explain_bad_request_line(received, hand_typed_request())
                                       : std::string());
  }
  const auto& request = parser_->get();
  if (const auto status = check_request_limits(request.base(), context_.limits);
      status != http::status::ok)
    return reply_and_close(status);
  if (check_request(request.base(), parser_->chunked()) != http::status::ok)
    return reply_and_close(http::status::bad_request);
  ++requests_;
  if (context_.access_log.enabled()) {  // the parsed request lives until the line is out
    request_line_.clear();
    fmt::format_to(std::back_inserter(request_line_), "{} {} HTTP/{}.{}", request.method_string(),
                   request.target(), request.version() / 10, request.version() % 10);
    referer_ = request[http::field::referer];
    user_agent_ = request[http::field::user_agent];
  }
  // A client that said it closes and sent nothing more needs no lingering close.
  client_closes_ = !request.keep_alive() && !body_unread_;
  auto reply = context_.health.matches(request.target())
                   ? context_.health.answer(request.base(), health_view())
                   : context_.handler.handle(request.base());
  send(std::move(reply), request.keep_alive() && !body_unread_ && !stopping_ &&
                             requests_ < context_.limits.max_requests &&
                             context_.limits.keepalive_timeout.count() > 0);
}

HealthView Session::health_view() const {
  beast::error_code ec;
  auto view = describe_connection(socket_.local_endpoint(ec), socket_.remote_endpoint(ec));
  view.uptime_s = context_.health.uptime_seconds();
  return view;
}

void Session::send(Reply reply, bool keep_alive) {
  busy_ = true;
  reply_ = std::move(reply);
  body_bytes_ = reply_.body_bytes();
  keep_alive_ =
      keep_alive && !reply_.close_after && !status_drops_connection(reply_.message.result());
  const bool old_client = parser_ && parser_->is_header_done() && parser_->get().version() < 11;
  const std::string_view connection = !keep_alive_ ? "close" : old_client ? "keep-alive" : "";
  set_deadline(context_.limits.write_timeout);
  if (reply_.cached) return send_cached(connection);
  auto& m = reply_.message;
  m.version(11);
  m.set(http::field::date, date_now());
  m.set(http::field::server, server_name);
  if (!connection.empty()) m.set(http::field::connection, connection);
  // A file body: cork the socket, so the header and the first bytes of the file share
  // full-sized segments instead of the header leaving alone. Uncorked after the first
  // sendfile turn (as lighttpd does), not when the body is out: see send_file().
  if (reply_.file) {
    if (!socket_.native_non_blocking()) {
      beast::error_code ec;
      socket_.native_non_blocking(true, ec);  // sendfile() must never block the thread
    }
    set_cork(true);
  }
  http::async_write(socket_, reply_.message,
                    beast::bind_front_handler(&Session::on_head_written, shared_from_this()));
}

// A cached file's 200: the status line and the per-request fields, then the lines rendered
// when the file was read, in one write with the bytes. head_text_ keeps its capacity, so
// this allocates nothing.
void Session::send_cached(std::string_view connection) {
  head_text_.assign("HTTP/1.1 200 OK\r\nDate: ");
  head_text_ += date_now();
  head_text_ += "\r\nServer: ";
  head_text_ += server_name;
  head_text_ += "\r\n";
  if (!connection.empty()) {
    head_text_ += "Connection: ";
    head_text_ += connection;
    head_text_ += "\r\n";
  }
  head_text_ += reply_.cached->fields;
  head_text_ += "\r\n";
  const std::array<net::const_buffer, 2> buffers{
      net::buffer(head_text_),
      net::buffer(reply_.cached_head_only ? std::string_view() : reply_.cached->bytes)};
  net::async_write(socket_, buffers,
                   beast::bind_front_handler(&Session::on_head_written, shared_from_this()));
}

void Session::on_head_written(beast::error_code ec, std::size_t) {
  if (ec && ec != http::error::end_of_stream) return close();
  if (reply_.file) return send_body();
  finish_response();
}

// The file body: each span's head (multipart headers) with a write, its bytes with sendfile,
// then the tail. Re-entered after each asynchronous step until nothing is left.
void Session::send_body() {
  while (reply_.next_span < reply_.spans.size()) {
    auto& span = reply_.spans[reply_.next_span];
    if (!span.head.empty()) return write_text(span.head);
    if (span.length > 0 && !send_file(span)) return;
    ++reply_.next_span;
  }
  if (!reply_.tail.empty()) return write_text(reply_.tail);
  set_cork(false);  // a body shorter than one turn is still corked
  finish_response();
}

// Writes `text` (kept alive by reply_), empties it, and goes on with the body.
void Session::write_text(std::string& text) {
  set_deadline(context_.limits.write_timeout);
  net::async_write(socket_, net::buffer(text),
                   [self = shared_from_this(), &text](beast::error_code ec, std::size_t) {
                     if (ec) return self->close();
                     text.clear();
                     self->send_body();
                   });
}

// Sends the span's bytes; false when it had to wait (the wait resumes send_body) or failed.
bool Session::send_file(FileSpan& span) {
  while (span.length > 0) {
    auto offset = static_cast<off_t>(span.offset);
    const auto n =
        ::sendfile(socket_.native_handle(), reply_.file.get(), &offset,
                   std::min<std::uint64_t>(span.length, corked_ ? first_turn : sendfile_turn));
    if (n > 0) {
      span.offset += static_cast<std::uint64_t>(n);
      span.length -= static_cast<std::uint64_t>(n);
      // The head has left with full segments. A cork kept any longer holds back each turn's
      // last partial segment; the client, having read everything else, sleeps until the next
      // turn and must be woken again. Corked throughout, a 1 MiB response cost 3.7 wake-up
      // interrupts (IPIs) to the client's core; uncorked here, 0.04.
      set_cork(false);
      if (span.length == 0) break;
      // One turn at a time, then the other connections of this thread get theirs.
      net::post(socket_.get_executor(), [self = shared_from_this()] {
        if (!self->closed_) self->send_body();  // unless closed meanwhile (shutdown timeout)
      });
      return false;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      set_deadline(context_.limits.write_timeout);  // a client that stops reading is cut off
      socket_.async_wait(tcp::socket::wait_write,
                         [self = shared_from_this()](beast::error_code ec) {
                           if (ec) return self->close();
                           self->send_body();
                         });
      return false;
    }
    // The client went away, or the file shrank under us: the promised length cannot be kept.
    const int error = n < 0 ? errno : 0;
    const auto level =
        error == EPIPE || error == ECONNRESET ? spdlog::level::debug : spdlog::level::warn;
    spdlog::log(level, "sendfile to {} stopped with {} bytes left: {}", client(), span.length,
                error ? ::strerrordesc_np(error) : "the file is shorter than it was");
    close();
    return false;
  }
  return true;
}

void Session::set_cork(bool on) {
  if (corked_ == on) return;
  corked_ = on;
  const int value = on ? 1 : 0;
  ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_CORK, &value, sizeof value);
}

void Session::finish_response() {
  log_request(reply_.message.result_int());
  busy_ = false;
  reply_ = Reply{};
  if (!keep_alive_ || stopping_)
    return client_closes_ && buffer_.size() == 0 ? close() : linger_close();
  read_request();
}

void Session::log_request(unsigned status) {
  if (!context_.access_log.enabled()) return;
  context_.access_log.write(AccessRecord{client(), request_line_, status, body_bytes_, referer_,
                                         user_agent_, std::time(nullptr)});
}

// Half-close, then read until the client closes, so unread request bytes do not make the
// kernel reset the connection before the client has the response. A client that keeps
// sending is cut off after linger_cap whatever it does (nginx's lingering_time); one that
// sends nothing for linger_timeout, sooner. Meanwhile the session holds no buffer of its own
// and is the first to be closed when the connection limit is reached.
void Session::linger_close() {
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return close();
  parser_.reset();
  buffer_.clear();
  buffer_.shrink_to_fit();
  linger_until_ = Clock::now() + linger_cap;
  make_expendable();
  linger_read();
}

void Session::linger_read() {
  set_deadline(std::min<Clock::duration>(linger_timeout, linger_until_ - Clock::now()));
  // What the client still sends is thrown away: every lingering session of this thread
  // reads into the same scratch buffer (reads complete on this thread, one at a time).
  thread_local std::array<char, 64 * 1024> drain;
  socket_.async_read_some(net::buffer(drain),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec || Clock::now() >= self->linger_until_) return self->close();
                            self->linger_read();
                          });
}

void Session::make_expendable() {
  if (!is_linked() && context_.expendable) context_.expendable->push_back(*this);
}

void Session::unlink_expendable() {
  if (is_linked()) unlink();
}

void Session::close() {
  unlink_expendable();
  closed_ = true;
  beast::error_code ignored;
  socket_.close(ignored);
  timer_.cancel();  // the pending wait no longer keeps the session alive
}

}  // namespace dualhttpd
