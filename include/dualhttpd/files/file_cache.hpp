// Small files kept in memory with everything a reply needs (validators, Content-Type), so a
// hit costs no file-system call at all. Each entry is checked against the file at most once
// a second (as nginx's open_file_cache_valid): a changed file is served within a second.
// Each worker owns one: no locks on the request path. A cache holds files of one docroot
// directory: after a release swap it starts empty.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <unordered_map>

#include "dualhttpd/files/docroot.hpp"
#include "dualhttpd/files/mime_types.hpp"
#include "dualhttpd/http/file_facts.hpp"

namespace dualhttpd {

struct CachedFile {
  bool cached = false;  // false: not a small regular file; the caller serves it itself
  FileFacts facts;
  std::shared_ptr<const RenderedFile> content;  // shared with the replies that send it
  // What the file was when read: a change in any of these (or its size) means it must be
  // read again.
  dev_t device = 0;
  ino_t inode = 0;
  timespec mtime{};
  std::chrono::steady_clock::time_point checked;
};

class FileCache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::uint64_t max_file_bytes = std::uint64_t{32} << 10;
  static constexpr std::uint64_t max_total_bytes = std::uint64_t{8} << 20;
  static constexpr std::size_t max_entries = 4096;
  static constexpr std::chrono::seconds valid_for{1};

  // `on` false: a cache that keeps nothing, so every file is opened for its request.
  explicit FileCache(bool on = true) : on_(on) {}

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

  void clear();

  bool on_;
  std::uint64_t generation_ = 0;  // of the docroot directory the entries come from
  std::unordered_map<std::string, CachedFile> entries_;
  std::uint64_t total_bytes_ = 0;
};

}  // namespace dualhttpd
