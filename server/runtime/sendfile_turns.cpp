#include "dualhttpd/runtime/sendfile_turns.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>

namespace dualhttpd {

namespace {

// How much of a file one turn sends before the thread's other connections get theirs: the
// first turn small and corked, so the head leaves in full segments with the first bytes and
// the client starts reading at once; then up to 1 MiB (or what the socket takes). Measured
// on 1 MiB files over 8 connections, the server on its own core: 256 KiB turns, corked
// throughout, 530-810 us of server CPU per response; 256 KiB uncorked after the first turn,
// 380-500 us; this, 240-390 us, as lighttpd (tests/bench/README.md).
constexpr std::size_t first_turn = 64 << 10;
constexpr std::size_t later_turn = 1 << 20;

}  // namespace

SendfileTurns::Outcome SendfileTurns::send(int socket, int file, FileSpan& span, int& error) {
  error = 0;
  while (span.length > 0) {
    auto offset = static_cast<off_t>(span.offset);
    const auto n =
        ::sendfile(socket, file, &offset,
                   std::min<std::uint64_t>(span.length, corked_ ? first_turn : later_turn));
    if (n > 0) {
      span.offset += static_cast<std::uint64_t>(n);
      span.length -= static_cast<std::uint64_t>(n);
      // The head has left with full segments. A cork kept any longer holds back each turn's
      // last partial segment; the client, having read everything else, sleeps until the next
      // turn and must be woken again. Corked throughout, a 1 MiB response cost 3.7 wake-up
      // interrupts (IPIs) to the client's core; uncorked here, 0.04.
      cork(socket, false);
      return span.length == 0 ? Outcome::done : Outcome::turn_over;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return Outcome::would_block;
    error = n < 0 ? errno : 0;
    return Outcome::failed;
  }
  return Outcome::done;
}

void SendfileTurns::cork(int socket, bool on) {
  if (corked_ == on) return;
  corked_ = on;
  const int value = on ? 1 : 0;
  ::setsockopt(socket, IPPROTO_TCP, TCP_CORK, &value, sizeof value);
}

}  // namespace dualhttpd
