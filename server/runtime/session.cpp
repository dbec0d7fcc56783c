#include "dualhttpd/runtime/session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dualhttpd/base/escaping.hpp"
#include "dualhttpd/http/connection_info.hpp"
#include "dualhttpd/http/request_checks.hpp"
#include "dualhttpd/runtime/worker.hpp"

namespace dualhttpd {

namespace {

constexpr std::chrono::seconds linger_timeout{2};  // without a byte from the client
constexpr std::chrono::seconds linger_cap{30};     // in all, as nginx and httpd
// A file's bytes go into TLS this many at a time: four full TLS records (RFC 8446 section
// 5.1) per read and per write operation. With one record's worth (16 KiB) the server spent
// about 10 % more CPU per MiB (tests/bench/README.md).
constexpr std::size_t tls_chunk_size = std::size_t{64} << 10;
// How much of a file one turn writes into TLS while the socket takes it, before the thread's
// other connections get theirs (as a plain body's sendfile turns).
constexpr std::size_t tls_turn = std::size_t{1} << 20;

// SO_RCVLOWAT: the bytes a socket holds before it is reported readable (a FIN or an error
// is reported whatever it holds). False if the kernel refused.
bool set_low_water(int fd, std::size_t bytes) {
  const int value = static_cast<int>(bytes);
  return ::setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &value, sizeof value) == 0;
}

std::string client_text(const Socket& socket) {
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  return ec ? std::string("-") : remote.address().to_string();
}

}  // namespace

Session::Session(Socket socket, const SessionContext& context, WorkerState& worker,
                 ListenerRole role)
    : socket_(std::move(socket)),
      tls_slot_(role.tls),
      https_port_(role.https_port),
      context_(context),
      worker_(worker),
      deadline_(socket_.get_executor()),
      buffer_(context.limits.read_buffer_limit()) {}

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
  // Called on the worker's thread, which accepted the connection.
  if (tls_slot_) return handshake();
  read_request();
}

// The handshake and the first request's head share the header timeout: a client that stalls
// in the middle of either is closed when it passes.
void Session::handshake() {
  phase_ = Phase::reading;
  set_deadline(context_.limits.header_timeout);
  await_client_hello();
}

// OpenSSL's part of a connection (the SSL object and, at its first read, its buffers: about
// 46 KiB, zeroed) is made once the client's first record is here whole. Until then a
// handshake left half-open costs the socket and this session. Made at accept, 1,000 of them
// took 46 MiB and 0.29 s of CPU, most of it zeroing and growing the heap (perf), and a
// client that came after them waited 40-90 ms; now 2 MiB, and 5-18 ms (hostile
// tls_half_open_handshakes). The bytes are looked at, not read (the drain is this thread's
// scratch): OpenSSL reads them itself. While a record is unfinished, the socket's low-water
// mark is the whole record, so that the wait ends when it is here, not at every segment
// (nor at once: Asio's wait asks epoll again, which reports bytes already here). `seen`: how
// many were here before the last wait.
void Session::await_client_hello(std::ptrdiff_t seen, bool low_water_raised) {
  const int fd = socket_.native_handle();
  const auto peeked =
      ::recv(fd, worker_.drain.data(), worker_.drain.size(), MSG_PEEK | MSG_DONTWAIT);
  if (peeked == 0) return close();  // gone before a word
  if (peeked < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return close();
  const auto here = static_cast<std::size_t>(std::max<std::ptrdiff_t>(peeked, 0));
  const auto missing =
      TlsStream::first_record_missing(std::string_view(worker_.drain.data(), here));
  if (missing == 0) {
    if (low_water_raised) set_low_water(fd, 1);
    return start_tls();
  }
  // Woken with nothing new: the client closed its side with a record unfinished, which no
  // handshake can follow (or an earlier readiness woke it: then wait on).
  if (peeked > 0 && peeked <= seen) {
    pollfd hangup{fd, POLLRDHUP, 0};
    if (::poll(&hangup, 1, 0) > 0 && (hangup.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0)
      return close();
  }
  if (here + missing > 1) {
    if (!set_low_water(fd, here + missing)) return start_tls();  // as at accept, then
    low_water_raised = true;
  }
  // The wait ends when the rest arrives, or at the deadline (which cancels it).
  socket_.async_wait(tcp::socket::wait_read,
                     [self = shared_from_this(), peeked, low_water_raised](beast::error_code ec) {
                       if (ec || self->stopping_) return self->close();
                       self->await_client_hello(peeked, low_water_raised);
                     });
}

void Session::start_tls() {
  tls_ = std::make_unique<TlsStream>(socket_, tls_slot_->context.load().get());
  if (!tls_->native_handle()) return close();  // SSL_new failed: out of memory
  tls_->async_handshake(beast::bind_front_handler(&Session::on_handshake, shared_from_this()));
}

void Session::on_handshake(beast::error_code ec) {
  if (TlsStream::is_plain_http(ec)) return answer_plain_http();
  if (ec) {
    spdlog::debug("TLS handshake with {} failed: {}", client(), ec.message());
    return close();
  }
  if (stopping_) return close();
  read_head();
}

// Plain HTTP sent to a TLS listener: an answer in plain HTTP that says so and names the
// URL to use (this server's own address, nothing the request said), as nginx does; then
// the connection closes.
void Session::answer_plain_http() {
  beast::error_code ec;
  reply_ = text_reply(
      http::status::bad_request, "text/plain; charset=utf-8",
      fmt::format(
          "400 Bad Request: this port speaks HTTPS (TLS), and the request came in plain HTTP.\n"
          "Ask for https://{}:{}/ instead.\n",
          local_host(), socket_.local_endpoint(ec).port()));
  body_bytes_ = reply_.body_bytes();
  head_.clear();
  render_head(head_, reply_, worker_.date.text(std::time(nullptr)), "close");
  head_ += std::get<std::string>(reply_.body);
  request_line_ = "-";
  phase_ = Phase::writing;
  set_deadline(context_.limits.write_timeout);
  net::async_write(socket_, net::buffer(head_),
                   [self = shared_from_this()](beast::error_code e, std::size_t) {
                     if (e) return self->close();
                     self->log_request(static_cast<unsigned>(self->reply_.status));
                     self->reply_ = Reply{};
                     self->linger_close();
                   });
}

void Session::stop() {
  net::post(socket_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    beast::error_code ignored;
    if (self->phase_ != Phase::writing) self->socket_.cancel(ignored);
  });
}

void Session::abort() {
  net::post(socket_.get_executor(), [self = shared_from_this()] { self->close(); });
}

void Session::close() {
  unlink_expendable();
  phase_ = Phase::closed;
  beast::error_code ignored;
  socket_.close(ignored);
  deadline_.cancel();  // the pending wait no longer keeps the session alive
}

// The deadline passed: what the socket waits for ends, and its handler sees why.
void Session::deadline_passed() {
  if (phase_ == Phase::closed) return;
  beast::error_code ignored;
  socket_.cancel(ignored);
}

void Session::read_request() {
  if (stopping_) return close();
  phase_ = Phase::reading;
  // A new connection has the header timeout to send its request; an idle keep-alive
  // connection has the keep-alive timeout, unless a pipelined request is already here.
  const bool idle = requests_ > 0 && buffer_.size() == 0;
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
  on_stream([this](auto& stream) {
    http::async_read_header(stream, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_head, shared_from_this()));
  });
}

// The head is in. A body (which a GET or HEAD does not need) is read and dropped before the
// answer, unless the client waits for 100 Continue: then it gets its final answer at once
// (RFC 9110 section 10.1.1) and the connection closes, the body drained by the lingering close.
void Session::on_head(beast::error_code ec, std::size_t) {
  unlink_expendable();
  if (ec && retry_head(ec)) return read_head();
  if (ec || parser_->is_done()) return answer(ec);
  const auto length = parser_->content_length();
  const bool body_here = length && *length <= buffer_.size();
  if (expects_continue(parser_->get().base()) && !body_here) return answer(ec, true);
  read_body();
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

void Session::read_body() {
  on_stream([this](auto& stream) {
    http::async_read(stream, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_body, shared_from_this()));
  });
}

void Session::on_body(beast::error_code ec, std::size_t) {
  answer(ec);
}

// The request has been read (`body_unread`: all but the body it announced), or reading it
// failed: the protocol's checks, then the route.
void Session::answer(beast::error_code ec, bool body_unread) {
  if (ec == net::error::operation_aborted && deadline_.passed() && parser_->got_some())
    return refuse_unparsed(http::status::request_timeout, ec, {});  // slowloris: 408, then close
  if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
      ec == net::error::connection_reset || ec == net::error::eof)
    return close();
  const auto data = buffer_.data();
  const std::string_view received{static_cast<const char*>(data.data()), data.size()};
  if (ec == http::error::header_limit) {
    // Past the request line (its method is known), the head is too large for its fields.
    if (!parser_->get().method_string().empty())
      return refuse_unparsed(http::status::request_header_fields_too_large, ec, received);
    return refuse_unparsed(status_for_oversized_head(received, context_.limits), ec, received);
  }
  if (ec) return refuse_unparsed(status_for_parse_error(ec, received), ec, received);
  const auto& request = parser_->get();
  if (auto refusal = refuse_request(request.base(), parser_->chunked(), context_.limits);
      refusal.status != http::status::ok) {
    // A Host or a Transfer-Encoding refused: the line that works, as for a malformed line.
    if (refusal.status == http::status::bad_request)
      refusal.why = with_line_to_type(std::move(refusal.why), hand_typed_request());
    return refuse_and_close(refusal.status, refusal.why);
  }
  ++requests_;
  if (worker_.log.enabled()) {  // the parsed request lives until the line is out
    request_line_.clear();
    fmt::format_to(std::back_inserter(request_line_), "{} {} HTTP/{}.{}", request.method_string(),
                   request.target(), request.version() / 10, request.version() % 10);
    referer_ = request[http::field::referer];
    user_agent_ = request[http::field::user_agent];
  }
  // A client that said it closes and sent nothing more needs no lingering close.
  const bool keep_alive = request.keep_alive() && !body_unread && !stopping_ &&
                          requests_ < context_.limits.max_requests &&
                          context_.limits.keepalive_timeout.count() > 0;
  const auto after = keep_alive                              ? After::next_request
                     : !request.keep_alive() && !body_unread ? After::close
                                                             : After::linger;
  send(route(request.base()), after);
}

// Who answers: the server itself (OPTIONS *), the health endpoint, or the files; on a plain
// listener with --redirect-to-https, the redirect instead of the files.
Reply Session::route(const http::request_header<>& request) {
  if (auto own = answer_for_server(request)) return std::move(*own);
  if (context_.health.matches(request.target()))
    return context_.health.answer(request, health_view());
  if (https_port_ != 0)
    return context_.handler.redirect_to_https(request, local_host(), https_port_);
  return context_.handler.handle(request, worker_.files);
}

// The address the client reached, as the host of a URL: an IPv4 client of a [::] listener
// with --ipv4-mapped as its IPv4 address, a zone left out (it would be the server's
// interface, not the client's).
std::string Session::local_host() const {
  beast::error_code ec;
  auto address = socket_.local_endpoint(ec).address();
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  auto text = address.to_string();
  return url_host(text.substr(0, text.find('%')));
}

void Session::refuse_and_close(http::status status, std::string_view detail) {
  request_line_ = "-";
  referer_ = {};
  user_agent_ = {};
  auto reply = error_reply(status, detail);
  reply.close_after = true;
  send(std::move(reply), After::linger);
}

// A head that was not parsed, or did not arrive in time: refused, with why in words.
void Session::refuse_unparsed(http::status status, beast::error_code ec,
                              std::string_view received) {
  // Past the request line (its method is known), `received` is the rest of the head from where
  // the parser stopped, not the line.
  const bool line_read = !parser_->get().method_string().empty();
  // Only a 400's page gives the line to type; it costs a system call, spared a slowloris's 408.
  const auto example = status == http::status::bad_request ? hand_typed_request() : std::string();
  refuse_and_close(
      status, explain_unparsed_head(status, ec, received, line_read, context_.limits, example));
}

// A request line for this very server, to type by hand: what a 400 for a malformed line
// suggests.
std::string Session::hand_typed_request() const {
  beast::error_code ec;
  const auto local = socket_.local_endpoint(ec);
  auto host = local.address().to_string();
  if (local.address().is_v6()) host = host.substr(0, host.find('%'));
  const auto typed = fmt::format("printf 'GET / HTTP/1.1\\r\\nHost: {}:{}\\r\\n\\r\\n'",
                                 url_host(host), local.port());
  if (tls_)
    return fmt::format("{} | openssl s_client -quiet -connect '{}:{}'", typed, url_host(host),
                       local.port());
  return fmt::format("{} | nc {} {}", typed, host, local.port());
}

HealthView Session::health_view() const {
  beast::error_code ec;
  auto view = describe_connection(socket_.local_endpoint(ec), socket_.remote_endpoint(ec));
  view.uptime_s = context_.health.uptime_seconds();
  return view;
}

void Session::send(Reply reply, After after) {
  phase_ = Phase::writing;
  reply_ = std::move(reply);
  const bool parsed = parser_ && parser_->is_header_done();
  // No answer to HEAD carries a body, whoever made it (a refusal too): a kept-alive client
  // would read it as the start of the next response (RFC 9110 section 9.3.2).
  if (parsed && parser_->get().method() == http::verb::head) strip_body_for_head(reply_);
  body_bytes_ = reply_.body_bytes();
  next_span_ = 0;
  // After an answer that says the request stream cannot be trusted, the connection ends.
  const bool untrusted = reply_.close_after || status_drops_connection(reply_.status);
  after_ = after == After::next_request && untrusted ? After::linger : after;
  const bool keep_alive = after_ == After::next_request;
  const bool old_client = parsed && parser_->get().version() < 11;
  const std::string_view connection = !keep_alive ? "close" : old_client ? "keep-alive" : "";
  head_.clear();
  render_head(head_, reply_, worker_.date.text(std::time(nullptr)), connection);
  set_deadline(context_.limits.write_timeout);
  write_head();
}

// The head, with the body when it is in memory (text, or a cached file's bytes): one write.
// A file body follows with sendfile, the socket corked so that the head and the first bytes
// of the file share full-sized segments instead of the head leaving alone. Over TLS nothing
// is corked, as nginx does not: each write is whole records, and corked they cost the server
// more CPU per MiB (1.7 ms against 1.1 to 1.5 ms in one interleaved run).
void Session::write_head() {
  std::string_view in_memory;
  if (const auto* text = std::get_if<std::string>(&reply_.body)) in_memory = *text;
  if (const auto* shared = std::get_if<SharedBody>(&reply_.body)) in_memory = shared->file->bytes;
  if (std::holds_alternative<FileBody>(reply_.body) && !tls_) {
    if (!socket_.native_non_blocking()) {
      beast::error_code ec;
      socket_.native_non_blocking(true, ec);  // sendfile() must never block the thread
    }
    turns_.cork(socket_.native_handle(), true);
  }
  const std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(in_memory)};
  on_stream([&](auto& stream) {
    net::async_write(stream, buffers,
                     beast::bind_front_handler(&Session::on_head_written, shared_from_this()));
  });
}

void Session::on_head_written(beast::error_code ec, std::size_t) {
  if (ec) return close();
  if (std::holds_alternative<FileBody>(reply_.body)) return send_body();
  finish_response();
}

// A file body: each span's head (multipart headers) with a write, its bytes with sendfile,
// then the tail. Re-entered after each asynchronous step until nothing is left.
void Session::send_body() {
  auto& body = std::get<FileBody>(reply_.body);
  for (; next_span_ < body.spans.size(); ++next_span_) {
    auto& span = body.spans[next_span_];
    if (!span.head.empty()) return write_text(span.head);
    if (tls_) {
      switch (span.length > 0 ? send_span_over_tls(body.file.get(), span) : TlsTurn::done) {
        case TlsTurn::done:
          continue;
        case TlsTurn::turn_over:
          return next_turn();
        case TlsTurn::stopped:
          return;
      }
    }
    int error = 0;
    switch (turns_.send(socket_.native_handle(), body.file.get(), span, error)) {
      case SendfileTurns::Outcome::done:
        continue;
      case SendfileTurns::Outcome::turn_over:
        return next_turn();
      case SendfileTurns::Outcome::would_block:
        return wait_writable();
      case SendfileTurns::Outcome::failed:
        return file_body_failed(error, span.length);
    }
  }
  if (!body.tail.empty()) return write_text(body.tail);
  if (!tls_) turns_.cork(socket_.native_handle(), false);
  finish_response();
}

// The other connections of this thread first; then this body goes on.
void Session::next_turn() {
  net::post(socket_.get_executor(), [self = shared_from_this()] {
    if (self->phase_ != Phase::closed) self->send_body();  // closed: shutdown timeout
  });
}

// Over TLS: `span` read from `file` a chunk at a time, each chunk written at once while the
// socket takes it, up to one turn; a chunk it does not take goes on with an asynchronous
// write, which waits. So does nginx (SSL_write until EAGAIN). One chunk per pass through the
// event loop, as before, left the client's core idle between small arrivals on many
// connections, and each arrival had to wake it: 1 MiB over 64 connections cost the server
// 1.0 ms of CPU against 0.79 now, and nginx 0.90 (medians of 8 paired rounds; see
// tests/bench/README.md).
Session::TlsTurn Session::send_span_over_tls(int file, FileSpan& span) {
  // Not zeroed: pread fills it, and zeroing 64 KiB per response cost 4 % of the CPU at 1 MiB.
  if (!tls_chunk_) tls_chunk_ = std::make_unique_for_overwrite<char[]>(tls_chunk_size);
  set_deadline(context_.limits.write_timeout);
  for (std::size_t turn = 0; span.length > 0; turn += tls_chunk_size) {
    if (turn >= tls_turn) return TlsTurn::turn_over;
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(span.length, tls_chunk_size));
    const auto got = ::pread(file, tls_chunk_.get(), want, static_cast<off_t>(span.offset));
    if (got <= 0) {
      file_body_failed(got < 0 ? errno : 0, span.length);
      return TlsTurn::stopped;
    }
    const auto chunk = net::buffer(tls_chunk_.get(), static_cast<std::size_t>(got));
    beast::error_code ec;
    const auto written = tls_->write_now(chunk, ec);
    if (ec) {
      close();
      return TlsTurn::stopped;
    }
    if (written == 0) {
      write_chunk_over_tls(chunk, span);
      return TlsTurn::stopped;
    }
    span.offset += written;
    span.length -= written;
  }
  return TlsTurn::done;
}

// The rest of a chunk the socket did not take, when it takes it; send_body goes on after it.
void Session::write_chunk_over_tls(net::const_buffer chunk, FileSpan& span) {
  net::async_write(*tls_, chunk,
                   [self = shared_from_this(), &span](beast::error_code ec, std::size_t n) {
                     if (ec) return self->close();
                     span.offset += n;
                     span.length -= n;
                     self->send_body();
                   });
}

// The client went away, or the file shrank under us: the promised length cannot be kept.
void Session::file_body_failed(int error, std::uint64_t left) {
  const auto level =
      error == EPIPE || error == ECONNRESET ? spdlog::level::debug : spdlog::level::warn;
  spdlog::log(level, "sending a file to {} stopped with {} bytes left: {}", client(), left,
              error ? ::strerrordesc_np(error) : "the file is shorter than it was");
  close();
}

// Writes `text` (kept alive by reply_), empties it, and goes on with the body.
void Session::write_text(std::string& text) {
  set_deadline(context_.limits.write_timeout);
  on_stream([&](auto& stream) {
    net::async_write(stream, net::buffer(text),
                     [self = shared_from_this(), &text](beast::error_code ec, std::size_t) {
                       self->on_text_written(text, ec);
                     });
  });
}

void Session::on_text_written(std::string& text, beast::error_code ec) {
  if (ec) return close();
  text.clear();
  send_body();
}

void Session::wait_writable() {
  set_deadline(context_.limits.write_timeout);  // a client that stops reading is cut off
  socket_.async_wait(tcp::socket::wait_write,
                     beast::bind_front_handler(&Session::on_writable, shared_from_this()));
}

void Session::on_writable(beast::error_code ec) {
  if (ec) return close();
  send_body();
}

void Session::finish_response() {
  log_request(static_cast<unsigned>(reply_.status));
  reply_ = Reply{};
  tls_chunk_.reset();  // an idle connection holds no file buffer
  if (after_ == After::next_request && !stopping_) return read_request();
  if (tls_) return say_goodbye();
  close_or_linger();
}

// TLS: close_notify before the TCP close, so that the client can tell the end of the
// connection from a cut one (RFC 8446 section 6.1). The client's own close_notify is not
// waited for: what it still sends is drained like any lingering bytes.
void Session::say_goodbye() {
  set_deadline(context_.limits.write_timeout);
  tls_->async_shutdown([self = shared_from_this()](beast::error_code ec) {
    if (ec) return self->close();
    self->close_or_linger();
  });
}

void Session::close_or_linger() {
  if (after_ == After::close && buffer_.size() == 0) return close();
  linger_close();
}

void Session::log_request(unsigned status) {
  if (!worker_.log.enabled()) return;
  worker_.log.write(AccessRecord{client(), request_line_, status, body_bytes_, referer_,
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
  phase_ = Phase::lingering;
  parser_.reset();
  buffer_.clear();
  buffer_.shrink_to_fit();
  linger_until_ = Clock::now() + linger_cap;
  make_expendable();
  linger_read();
}

// What the client still sends is thrown away: every lingering session of this worker reads
// into the same scratch buffer (reads complete on its thread, one at a time).
void Session::linger_read() {
  set_deadline(std::min<Clock::duration>(linger_timeout, linger_until_ - Clock::now()));
  socket_.async_read_some(
      net::buffer(worker_.drain),
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_linger_read(ec); });
}

void Session::on_linger_read(beast::error_code ec) {
  if (ec || Clock::now() >= linger_until_) return close();
  linger_read();
}

void Session::make_expendable() {
  if (!is_linked()) worker_.expendable.push_back(*this);
}

void Session::unlink_expendable() {
  if (is_linked()) unlink();
}

}  // namespace dualhttpd
