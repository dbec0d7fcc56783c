// Opens again, while the server runs, the few files it opened at start-up: the logs (after
// logrotate moved them, on SIGHUP), the docroot's directory (a release swapped under it) and
// the TLS certificate and key (renewed, on SIGHUP). Started as root and serving as another user,
// the server can no longer open them itself when they lie in root's directories; a small helper
// process forked before the drop keeps root's rights for exactly these paths, as nginx's master
// process does for its workers. It opens nothing else, reads and writes nothing, and ends with the
// server.
#pragma once

#include <sys/types.h>

#include <mutex>
#include <string>
#include <vector>

#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/base/unique_fd.hpp"

namespace dualhttpd {

class FileOpener {
 public:
  enum class Kind : char {
    append,     // a log: write-only, appended, created 0644 if missing
    directory,  // a directory, O_PATH: resolved again, nothing read through it
    read,       // a file to read (a TLS certificate or key): read-only, never blocking
  };

  // Names a path that may be opened again later; before start_helper().
  void allow(const std::string& path, Kind kind);
  // Forks the helper (call it before giving up root). Returns "" or what went wrong.
  Result<> start_helper();
  // Opens a path: an allowed one through the helper when there is one, any other in this
  // process. Returns the descriptor or -errno.
  int open(const std::string& path, Kind kind);
  // Ends the helper (it sees its socket close) and waits for it.
  void stop_helper();

 private:
  struct Allowed {
    std::string path;
    Kind kind;
  };
  std::vector<Allowed> allowed_;
  UniqueFd helper_;  // our end of the helper's socket
  pid_t helper_pid_ = -1;
  std::mutex mutex_;  // one question to the helper at a time
};

// Opens `path` as `kind` in this process; the descriptor or -errno.
int open_as(const std::string& path, FileOpener::Kind kind);

// The one opener of this process.
FileOpener& file_opener();

}  // namespace dualhttpd
