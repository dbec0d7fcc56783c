// How a file body leaves: sendfile(2) in turns, so that one large file does not keep a
// worker's other connections waiting, and TCP_CORK around the head and the first turn only,
// so the head leaves in full segments with the first bytes and nothing is held back after.
#pragma once

#include <cstdint>

#include "dualhttpd/http/reply.hpp"

namespace dualhttpd {

class SendfileTurns {
 public:
  enum class Outcome {
    done,         // the span is sent
    turn_over,    // a turn is sent: let the other connections have theirs, then go on
    would_block,  // the socket is full: wait until it takes more
    failed,       // the client went away or the file shrank; `error` says which (0: shrank)
  };

  // Corks `socket` before the head of a file body goes out, or uncorks it (a body shorter
  // than one turn is still corked when it is out).
  void cork(int socket, bool on);
  // Sends one turn of `span` from `file` to `socket`, advancing the span.
  Outcome send(int socket, int file, FileSpan& span, int& error);

 private:
  bool corked_ = false;
};

}  // namespace dualhttpd
