// File-system access below the docroot that never leaves it: openat2 with RESOLVE_BENEATH,
// so neither "..", absolute symlinks nor symlinks that climb out can reach another file.
#pragma once

#include <string>
#include <vector>

namespace dualhttpd {

// Opens `relative` ("" for the docroot itself) below `dirfd`, read-only and non-blocking.
// Returns the descriptor, or -errno (EXDEV for a symlink that leads out).
int open_beneath(int dirfd, const std::string& relative);

struct DirectoryEntry {
  std::string name;
  bool directory = false;
  bool operator==(const DirectoryEntry&) const = default;
};

// The entries of the directory `relative` a visitor could open: no dot names, only files and
// directories, nothing a symlink takes out of the docroot. Sorted by name, byte order.
// Returns -errno in `error` when the directory itself cannot be read.
std::vector<DirectoryEntry> list_beneath(int dirfd, const std::string& relative, int& error);

}  // namespace dualhttpd
