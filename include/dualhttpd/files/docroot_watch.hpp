// The docroot as configured is a path, and releases are switched under it (a symlink swap,
// `ln -s rel2 next && mv -T next current`, or a rename, `mv www.new www`). Requests are
// served from the directory the path leads to now: it is looked up again at most once a
// second (as the file cache checks its files) and at once on SIGHUP, through the file opener
// (so a server that gave up root still can). While the path leads nowhere, the directory it
// led to last is served.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "dualhttpd/files/docroot.hpp"

namespace dualhttpd {

class DocrootWatch {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds check_every{1};

  // One worker's hold on the directory served now, taken again only when it has changed:
  // each worker keeps one, so that serving takes no lock.
  class View {
   public:
    explicit View(DocrootWatch& watch) : watch_(&watch) {}
    // The directory to serve from; valid until the next call.
    const DocrootDir& current(Clock::time_point now);

   private:
    DocrootWatch* watch_;
    std::uint64_t seen_ = 0;
    std::shared_ptr<const DocrootDir> held_;
  };

  DocrootWatch(std::string path, DocrootDir opened);

  // Looks the path up again now (SIGHUP).
  void reopen();
  const std::string& path() const { return path_; }

 private:
  void look_again();
  void look_again_if_due(Clock::time_point now);

  const std::string path_;
  std::mutex mutex_;  // guards current_ and problem_, and makes lookups one at a time
  std::shared_ptr<const DocrootDir> current_;
  std::string problem_;  // the last failure reported, so it is reported once
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<Clock::rep> next_check_;
};

}  // namespace dualhttpd
