#include "dualhttpd/runtime/tls_stream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <cerrno>
#include <utility>

namespace dualhttpd {

TlsStream::TlsStream(Socket& socket, SSL_CTX* context) : socket_(socket), ssl_(SSL_new(context)) {
  beast::error_code ignored;
  socket_.native_non_blocking(true, ignored);  // OpenSSL's reads and writes must never block
  if (ssl_) {
    SSL_set_fd(ssl_, socket_.native_handle());  // BIO_NOCLOSE: the socket stays Asio's
    SSL_set_accept_state(ssl_);
  }
}

TlsStream::~TlsStream() {
  SSL_free(ssl_);
}

bool TlsStream::bulk_writes(bool on) {
  if (on == (bulk_ != nullptr)) return true;
  BIO* socket_bio = on ? SSL_get_wbio(ssl_) : BIO_next(bulk_);
  if (!on) {
    if (unflushed_ > 0 || BIO_wpending(bulk_) > 0) return false;
    BIO_up_ref(socket_bio);
    SSL_set0_wbio(ssl_, socket_bio);  // frees bulk_, and the reference it held
    bulk_ = nullptr;
    return true;
  }
  BIO* buffer = BIO_new(BIO_f_buffer());
  if (!buffer || BIO_set_write_buffer_size(buffer, bulk_size) <= 0 || !BIO_up_ref(socket_bio)) {
    BIO_free(buffer);
    return false;
  }
  BIO_push(buffer, socket_bio);
  SSL_set0_wbio(ssl_, buffer);  // drops SSL's own reference to the socket BIO
  bulk_ = buffer;
  return true;
}

TlsStream::Step TlsStream::flush() {
  if (BIO_flush(bulk_) > 0) return {std::exchange(unflushed_, 0)};
  if (BIO_should_retry(bulk_)) return {-1, SSL_ERROR_WANT_WRITE};
  unflushed_ = 0;
  return {-1, SSL_ERROR_SYSCALL};  // errno is the socket's
}

beast::error_code TlsStream::error_of(int ssl_error) const {
  switch (ssl_error) {
    case SSL_ERROR_ZERO_RETURN:  // the client's close_notify
      return net::error::eof;
    case SSL_ERROR_SYSCALL: {
      // errno 0: the client closed TCP without close_notify. HTTP/1.1 frames every message,
      // so that is the end of the stream, as for a plain connection.
      const int error = errno;
      ERR_clear_error();
      return error ? beast::error_code(error, beast::system_category()) : net::error::eof;
    }
    default: {
      const auto reason = ERR_get_error();
      ERR_clear_error();
      if (reason == 0) return net::error::connection_aborted;
      return {static_cast<int>(reason), net::error::get_ssl_category()};
    }
  }
}

}  // namespace dualhttpd
