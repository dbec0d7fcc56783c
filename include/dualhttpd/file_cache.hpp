// Small files kept in memory with everything a reply needs (validators, Content-Type), so a
// hit costs no file-system call at all. Each entry is checked against the file at most once
// a second (as nginx's open_file_cache_valid): a changed file is served within a second.
// One cache per thread: no locks on the request path.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <unordered_map>

#include "dualhttpd/conditional.hpp"
#include "dualhttpd/docroot.hpp"
#include "dualhttpd/mime_types.hpp"

namespace dualhttpd {

// What a 200 answer carries, shared with the replies that send it: the header lines that
// depend only on the file (rendered once, when the file is read) and the bytes.
struct CachedContent {
  std::string fields;  // Last-Modified, ETag, Accept-Ranges, Content-Type, Content-Length
  std::string bytes;
};

struct CachedFile {
  bool cached = false;  // false: not a small regular file; the caller serves it itself
  std::shared_ptr<const CachedContent> content;
  Validators validators;
  std::string last_modified;  // as an HTTP date
  std::string content_type;
  // What the file was when read: a change in any of these means it must be read again.
  dev_t device = 0;
  ino_t inode = 0;
  std::uint64_t size = 0;
  timespec mtime{};
  std::chrono::steady_clock::time_point checked;
};

class FileCache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::uint64_t max_file_bytes = 32 * 1024;
  static constexpr std::uint64_t max_total_bytes = 8 << 20;
  static constexpr std::size_t max_entries = 4096;
  static constexpr std::chrono::seconds valid_for{1};

  // The regular file `relative` below `docroot` if it has at most max_file_bytes: from the
  // cache, read now, or read again because it changed. nullptr for anything else (missing,
  // a directory, too big, unreadable): the caller then deals with it itself. That answer is
  // remembered for a second too, so a large file costs no extra call either; a missing one
  // is not remembered at all. What the cache holds, names included, is bounded by
  // max_total_bytes.
  const CachedFile* find(const DocrootDir& docroot, const std::string& relative,
                         const MimeTypes& mime, Clock::time_point now);

  std::size_t entries() const { return entries_.size(); }
  std::uint64_t bytes() const { return total_bytes_; }  // content, names and entries

 private:
  const CachedFile* load(const DocrootDir& docroot, const std::string& relative,
                         const MimeTypes& mime, Clock::time_point now);
  const CachedFile* store(const std::string& relative, CachedFile entry);
  void forget(const std::string& relative);
  static std::uint64_t cost(const std::string& relative, const CachedFile& entry);

  std::unordered_map<std::string, CachedFile> entries_;
  std::uint64_t total_bytes_ = 0;
};

}  // namespace dualhttpd
