// File-system access below the docroot that never leaves it. openat2 with RESOLVE_BENEATH
// resolves every name; a symlink that it refuses (absolute, or climbing with "..") is
// followed once more without it, and served only if where it leads lies inside the
// docroot's real path: absolute symlinks into the docroot work, as deploy tools write them,
// and nothing outside is ever opened for reading.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dualhttpd/base/unique_fd.hpp"

namespace dualhttpd {

// One opening of the docroot directory.
struct DocrootDir {
  UniqueFd fd;            // O_PATH
  std::string real_path;  // where it is, symlinks resolved; "" if /proc cannot tell
  dev_t device = 0;       // what it is: a release swapped under the path is another one
  ino_t inode = 0;
  std::uint64_t generation = 0;  // tells one opening from another (DocrootWatch)
};

// Describes the directory behind `fd` (taken over); false when it is no directory.
bool describe_docroot(UniqueFd fd, DocrootDir& out);

// Opens `relative` ("" for the docroot itself) below `root`, read-only and non-blocking.
// Returns the descriptor, or -errno (EXDEV for a symlink that leads out).
int open_beneath(const DocrootDir& root, const std::string& relative);

struct DirectoryEntry {
  std::string name;
  bool directory = false;
  bool operator==(const DirectoryEntry&) const = default;
};

// The entries of the directory `relative` a visitor could open: no dot names, only files and
// directories, nothing a symlink takes out of the docroot. Sorted by name, byte order.
// Returns -errno in `error` when the directory itself cannot be read.
std::vector<DirectoryEntry> list_beneath(const DocrootDir& root, const std::string& relative,
                                         int& error);

}  // namespace dualhttpd
