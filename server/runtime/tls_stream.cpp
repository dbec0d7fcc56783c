#include "dualhttpd/runtime/tls_stream.hpp"

#include <boost/asio/error.hpp>

#include <cerrno>

namespace dualhttpd {

namespace {

unsigned long openssl_code(int value) {
  return static_cast<unsigned long>(static_cast<unsigned>(value));
}

// OpenSSL's error codes, worded by OpenSSL itself (through the module).
class TlsErrorCategory : public beast::error_category {
 public:
  const char* name() const noexcept override { return "tls"; }
  std::string message(int value) const override {
    return tls_module().error_text(openssl_code(value));
  }
};

}  // namespace

TlsStream::TlsStream(Socket& socket, SSL_CTX* context)
    : TlsStream(socket, tls_module().new_server(context, socket.native_handle())) {}

TlsStream::TlsStream(Socket& socket, SSL_CTX* context, const std::string& ip_literal)
    : TlsStream(socket, tls_module().new_client(context, socket.native_handle(), ip_literal)) {}

TlsStream::TlsStream(Socket& socket, SSL* ssl)
    : socket_(socket), openssl_(tls_module()), ssl_(ssl) {
  beast::error_code ignored;
  socket_.native_non_blocking(true, ignored);  // OpenSSL's reads and writes must never block
}

TlsStream::~TlsStream() {
  if (ssl_) openssl_.free(ssl_);
}

const beast::error_category& TlsStream::error_category() {
  static const TlsErrorCategory category;
  return category;
}

std::size_t TlsStream::first_record_missing(std::string_view peeked) {
  constexpr unsigned char handshake_record = 0x16;
  constexpr std::size_t header = 5;                              // type, version (2), length (2)
  constexpr std::size_t longest = (std::size_t{1} << 14) + 256;  // with TLS 1.2's slack
  if (peeked.empty()) return 1;
  if (static_cast<unsigned char>(peeked.front()) != handshake_record) return 0;
  if (peeked.size() < header) return header - peeked.size();
  const auto length = std::size_t{static_cast<unsigned char>(peeked[3])} << 8 |
                      static_cast<unsigned char>(peeked[4]);
  if (length > longest || peeked.size() >= header + length) return 0;
  return header + length - peeked.size();
}

bool TlsStream::is_plain_http(const beast::error_code& ec) {
  return ec.category() == error_category() && tls_module().is_plain_http(openssl_code(ec.value()));
}

std::size_t TlsStream::write_now(net::const_buffer buffer, beast::error_code& ec) {
  ec = {};
  openssl_.clear_errors();
  const int result = openssl_.write(ssl_, buffer.data(), clamp(buffer.size()));
  if (result > 0) return static_cast<std::size_t>(result);
  const int error = openssl_.get_error(ssl_, result);
  if (!is_wait(error)) ec = error_of(error);
  return 0;
}

beast::error_code TlsStream::error_of(int ssl_error) const {
  switch (ssl_error) {
    case SSL_ERROR_ZERO_RETURN:  // the client's close_notify
      return net::error::eof;
    case SSL_ERROR_SYSCALL: {
      // errno 0: the client closed TCP without close_notify. HTTP/1.1 frames every message,
      // so that is the end of the stream, as for a plain connection.
      const int error = errno;
      openssl_.clear_errors();
      return error ? beast::error_code(error, beast::system_category()) : net::error::eof;
    }
    default: {
      const auto reason = openssl_.next_error();
      openssl_.clear_errors();
      if (reason == 0) return net::error::connection_aborted;
      return {static_cast<int>(reason), error_category()};
    }
  }
}

}  // namespace dualhttpd
