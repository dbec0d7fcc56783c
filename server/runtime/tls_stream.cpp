#include "dualhttpd/runtime/tls_stream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <cerrno>

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
