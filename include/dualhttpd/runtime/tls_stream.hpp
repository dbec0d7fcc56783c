// TLS on a connection's own socket, the way nginx does it: OpenSSL reads and writes the
// non-blocking socket itself (SSL_set_fd), and when it would block the operation waits for
// the socket to become readable or writable, then tries again. Beast reads requests from it
// and Asio writes responses to it as from any stream (async_read_some, async_write_some).
//
// Asio's own ssl::stream runs OpenSSL over a memory BIO pair instead: every record is copied
// out of the pair into a buffer of Asio's before it is sent, each record is a pass through the
// event loop, and each connection carries 68 KiB of buffers. Over that stream a 1 MiB body
// cost the server 20 to 30 % more CPU than nginx's (tests/bench/README.md).
//
// One operation at a time in each direction, and never a read and a write at once: the
// session reads a request, then writes its response. An operation that finishes without
// waiting completes through the executor, never inside the call that started it.
//
// OpenSSL is called through the TLS module (tls/tls_module), which the program has loaded
// before any TLS connection exists; only OpenSSL's constants come from its headers here.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "dualhttpd/runtime/net_types.hpp"
#include "dualhttpd/tls/tls_module.hpp"

namespace dualhttpd {

// A listener's TLS context, replaced whole when the certificate is loaded again (SIGHUP)
// while connections run: a connection takes the context current when its handshake starts
// and keeps it to its end (SSL_new counts a reference), so none is dropped.
struct TlsSlot {
  std::atomic<std::shared_ptr<SSL_CTX>> context;
};

class TlsStream {
 public:
  using executor_type = Executor;

  // The server side of a TLS connection on `socket` (made non-blocking), with the listener's
  // context. `socket` outlives the stream.
  TlsStream(Socket& socket, SSL_CTX* context);
  // The client side (probe https://), which checks that the certificate names `ip_literal`.
  TlsStream(Socket& socket, SSL_CTX* context, const std::string& ip_literal);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  executor_type get_executor() { return socket_.get_executor(); }
  SSL* native_handle() { return ssl_; }

  // What errors of OpenSSL's are called (error_code::message()).
  static const beast::error_category& error_category();
  // Whether the handshake failed because the client sent plain HTTP.
  static bool is_plain_http(const beast::error_code& ec);
  // How many more bytes a client must send (beyond `peeked`, looked at and not read) before
  // OpenSSL can begin: 0 once the first record of a handshake is whole (RFC 8446 section
  // 5.1), or when the bytes are no handshake record at all, which OpenSSL refuses at once
  // (or finds to be plain HTTP).
  static std::size_t first_record_missing(std::string_view peeked);

  // Handler: void(error_code)
  template <class Handler>
  auto async_handshake(Handler&& handler) {
    return start<false>([this] { return openssl_.handshake(ssl_); },
                        std::forward<Handler>(handler));
  }

  // close_notify, without waiting for the client's (the connection closes anyway).
  // Handler: void(error_code)
  template <class Handler>
  auto async_shutdown(Handler&& handler) {
    return start<false>([this] { return openssl_.shutdown(ssl_) >= 0 ? 1 : -1; },
                        std::forward<Handler>(handler));
  }

  // One SSL_write of `buffer` (not empty) now, for a writer that goes on while the socket
  // takes its bytes (as nginx writes until EAGAIN). Returns the bytes written; 0 with `ec`
  // clear when OpenSSL would wait: then async_write_some of the same bytes finishes the write
  // (SSL_write's retry rule). Only while no asynchronous write is under way.
  std::size_t write_now(net::const_buffer buffer, beast::error_code& ec);

  // Handler: void(error_code, std::size_t)
  template <class MutableBuffers, class Handler>
  auto async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    const auto buffer = first_buffer<net::mutable_buffer>(buffers);
    return start<true>(
        [this, buffer] {
          return buffer.size() == 0 ? 0 : openssl_.read(ssl_, buffer.data(), clamp(buffer.size()));
        },
        std::forward<Handler>(handler), buffer.size() == 0);
  }

  // Several small buffers (a head and a small body) go out as one record: copied together
  // first, up to one record's worth. Handler: void(error_code, std::size_t)
  template <class ConstBuffers, class Handler>
  auto async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    auto buffer = first_buffer<net::const_buffer>(buffers);
    if (buffer.size() < record_size && net::buffer_size(buffers) > buffer.size())
      buffer = gather(buffers);
    return start<true>(
        [this, buffer] {
          return buffer.size() == 0 ? 0 : openssl_.write(ssl_, buffer.data(), clamp(buffer.size()));
        },
        std::forward<Handler>(handler), buffer.size() == 0);
  }

 private:
  static constexpr std::size_t record_size = 16384;  // RFC 8446 section 5.1

  // Takes `ssl` (null: SSL_new failed) for `socket`, made non-blocking.
  TlsStream(Socket& socket, SSL* ssl);

  // One SSL_* call retried until it neither wants to read nor to write. `Sized`: the handler
  // takes the byte count.
  template <bool Sized, class Call>
  struct Op {
    TlsStream& stream;
    Call call;
    bool empty = false;   // a zero-length read or write: done at once
    bool waited = false;  // completion may be invoked directly (not inside the initiation)

    struct Done {};

    template <class Self>
    void operator()(Self& self, beast::error_code ec = {}) {
      if (ec) return finish(self, ec, 0);  // the wait was cancelled: the deadline passed
      if (empty) return finish(self, {}, 0);
      stream.openssl_.clear_errors();
      const int result = call();
      if (result > 0) return finish(self, {}, static_cast<std::size_t>(result));
      const int error = stream.openssl_.get_error(stream.ssl_, result);
      if (is_wait(error)) {
        waited = true;
        return stream.socket_.async_wait(
            error == SSL_ERROR_WANT_READ ? Socket::wait_read : Socket::wait_write, std::move(self));
      }
      finish(self, stream.error_of(error), 0);
    }

    template <class Self>
    void operator()(Self& self, Done, beast::error_code ec, std::size_t bytes) {
      complete(self, ec, bytes);
    }

    template <class Self>
    void finish(Self& self, beast::error_code ec, std::size_t bytes) {
      if (waited) return complete(self, ec, bytes);
      const auto executor = self.get_io_executor();
      net::post(executor, beast::bind_front_handler(std::move(self), Done{}, ec, bytes));
    }

    template <class Self>
    static void complete(Self& self, beast::error_code ec, std::size_t bytes) {
      if constexpr (Sized)
        self.complete(ec, bytes);
      else
        self.complete(ec);
    }
  };

  template <bool Sized, class Call, class Handler>
  auto start(Call call, Handler&& handler, bool empty = false) {
    using Signature =
        std::conditional_t<Sized, void(beast::error_code, std::size_t), void(beast::error_code)>;
    return net::async_compose<Handler, Signature>(Op<Sized, Call>{*this, std::move(call), empty},
                                                  handler, socket_);
  }

  template <class Buffer, class Buffers>
  static Buffer first_buffer(const Buffers& buffers) {
    for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers);
         ++it)
      if (Buffer b(*it); b.size() > 0) return b;
    return Buffer();
  }

  template <class Buffers>
  net::const_buffer gather(const Buffers& buffers) {
    gathered_.clear();
    for (auto it = net::buffer_sequence_begin(buffers);
         it != net::buffer_sequence_end(buffers) && gathered_.size() < record_size; ++it) {
      const net::const_buffer b(*it);
      const auto take = std::min(b.size(), record_size - gathered_.size());
      gathered_.append(static_cast<const char*>(b.data()), take);
    }
    return net::buffer(gathered_);
  }

  // Whether an SSL_get_error() asks to wait for the socket, then call again.
  static bool is_wait(int ssl_error) {
    return ssl_error == SSL_ERROR_WANT_READ || ssl_error == SSL_ERROR_WANT_WRITE;
  }

  static int clamp(std::size_t size) {
    return static_cast<int>(std::min<std::size_t>(size, std::size_t{1} << 30));
  }

  // An SSL_get_error() that is not a wait, as an error code: OpenSSL's own reason (in
  // error_category(), so the session can tell plain HTTP sent to a TLS port), a socket
  // error, or the end of the stream.
  beast::error_code error_of(int ssl_error) const;

  Socket& socket_;
  const TlsModule& openssl_;  // taken once: every call on the connection goes through it
  SSL* ssl_;
  std::string gathered_;  // small buffers written as one record
};

}  // namespace dualhttpd
