#include "dualhttpd/files/docroot_watch.hpp"

#include <cstring>

#include <spdlog/spdlog.h>

#include "dualhttpd/base/file_opener.hpp"

namespace dualhttpd {

namespace {

std::atomic<std::uint64_t> next_generation{1};

}  // namespace

DocrootWatch::DocrootWatch(std::string path, DocrootDir opened)
    : path_(std::move(path)), next_check_((Clock::now() + check_every).time_since_epoch().count()) {
  opened.generation = next_generation++;
  generation_ = opened.generation;
  current_ = std::make_shared<const DocrootDir>(std::move(opened));
}

void DocrootWatch::look_again_if_due(Clock::time_point now) {
  auto due = next_check_.load(std::memory_order_relaxed);
  const auto stamp = now.time_since_epoch().count();
  if (stamp >= due &&
      next_check_.compare_exchange_strong(due, (now + check_every).time_since_epoch().count()))
    look_again();
}

const DocrootDir& DocrootWatch::View::current(Clock::time_point now) {
  watch_->look_again_if_due(now);
  if (!held_ || seen_ != watch_->generation_.load(std::memory_order_acquire)) {
    std::lock_guard lock(watch_->mutex_);
    held_ = watch_->current_;
    seen_ = held_->generation;
  }
  return *held_;
}

void DocrootWatch::reopen() {
  look_again();
}

void DocrootWatch::look_again() {
  std::lock_guard lock(mutex_);
  const int fd = file_opener().open(path_, FileOpener::Kind::directory);
  DocrootDir found;
  if (fd < 0 || !describe_docroot(UniqueFd(fd), found)) {
    const auto problem = fd < 0 ? std::string(::strerrordesc_np(-fd)) : "not a directory";
    if (problem != problem_)
      spdlog::warn("docroot {} cannot be opened now ({}); still serving {}", path_, problem,
                   current_->real_path);
    problem_ = problem;
    return;
  }
  if (!problem_.empty()) spdlog::info("docroot {} can be opened again", path_);
  problem_.clear();
  if (found.device == current_->device && found.inode == current_->inode) return;
  spdlog::info("docroot {} now leads to {} (was {})", path_, found.real_path, current_->real_path);
  found.generation = next_generation++;
  generation_.store(found.generation, std::memory_order_release);
  current_ = std::make_shared<const DocrootDir>(std::move(found));
}

}  // namespace dualhttpd
