#include "dualhttpd/files/file_cache.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include "dualhttpd/base/unique_fd.hpp"
#include "dualhttpd/files/docroot.hpp"

namespace dualhttpd {

namespace {

bool same_file(const CachedFile& entry, const struct stat& st) {
  return entry.device == st.st_dev && entry.inode == st.st_ino &&
         entry.facts.size == static_cast<std::uint64_t>(st.st_size) &&
         entry.mtime.tv_sec == st.st_mtim.tv_sec && entry.mtime.tv_nsec == st.st_mtim.tv_nsec;
}

// Reads exactly `size` bytes, or returns false (the file changed while being read).
bool read_all(int fd, std::uint64_t size, std::string& out) {
  out.resize(size);
  std::uint64_t done = 0;
  while (done < size) {
    const auto n = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(done));
    if (n <= 0) return false;
    done += static_cast<std::uint64_t>(n);
  }
  char extra = 0;
  return ::pread(fd, &extra, 1, static_cast<off_t>(size)) == 0;
}

}  // namespace

const CachedFile* FileCache::find(const DocrootDir& docroot, const std::string& relative,
                                  const MimeTypes& mime, Clock::time_point now) {
  if (!on_) return nullptr;
  if (docroot.generation != generation_) {  // a release swap: nothing of the old one is served
    clear();
    generation_ = docroot.generation;
  }
  const auto it = entries_.find(relative);
  const CachedFile* entry = it != entries_.end() && now - it->second.checked < valid_for
                                ? &it->second
                                : load(docroot, relative, mime, now);
  return entry && entry->cached ? entry : nullptr;
}

const CachedFile* FileCache::load(const DocrootDir& docroot, const std::string& relative,
                                  const MimeTypes& mime, Clock::time_point now) {
  const UniqueFd file(open_beneath(docroot, relative));
  // A name that does not exist is not remembered: a client can ask for any number of them.
  if (!file) {
    forget(relative);
    return nullptr;
  }
  struct stat st {};
  CachedFile entry;
  entry.checked = now;
  if (::fstat(file.get(), &st) != 0 || !S_ISREG(st.st_mode) ||
      static_cast<std::uint64_t>(st.st_size) > max_file_bytes)
    return store(relative, std::move(entry));
  const auto it = entries_.find(relative);
  if (it != entries_.end() && it->second.cached && same_file(it->second, st)) {
    it->second.checked = now;
    return &it->second;
  }
  auto content = std::make_shared<RenderedFile>();
  if (!read_all(file.get(), static_cast<std::uint64_t>(st.st_size), content->bytes))
    return store(relative, std::move(entry));
  entry.cached = true;
  entry.device = st.st_dev;
  entry.inode = st.st_ino;
  entry.mtime = st.st_mtim;
  entry.facts = file_facts(st, mime.content_type(relative));
  append_file_fields(content->fields, entry.facts, entry.facts.content_type);
  entry.content = std::move(content);
  return store(relative, std::move(entry));
}

void FileCache::forget(const std::string& relative) {
  if (const auto it = entries_.find(relative); it != entries_.end()) {
    total_bytes_ -= cost(it->first, it->second);
    entries_.erase(it);
  }
}

void FileCache::clear() {
  entries_.clear();
  total_bytes_ = 0;
}

// What an entry holds in memory: its bytes, its name (the key, up to a whole request target
// long) and the entry itself.
std::uint64_t FileCache::cost(const std::string& relative, const CachedFile& entry) {
  return entry.facts.size + relative.size() + entry.facts.content_type.size() + sizeof(CachedFile) +
         64;
}

// Keeps `entry` (replacing what was there); when the cache is full, it starts again rather
// than keep track of ages.
const CachedFile* FileCache::store(const std::string& relative, CachedFile entry) {
  forget(relative);
  const auto bytes = cost(relative, entry);
  if (entries_.size() >= max_entries || total_bytes_ + bytes > max_total_bytes) clear();
  total_bytes_ += bytes;
  return &entries_.emplace(relative, std::move(entry)).first->second;
}

}  // namespace dualhttpd
