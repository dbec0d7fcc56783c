#include "dualhttpd/startup.hpp"

#include <fcntl.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dualhttpd/acceptors.hpp"
#include "dualhttpd/error_log.hpp"
#include "dualhttpd/exit_codes.hpp"
#include "dualhttpd/server.hpp"

namespace dualhttpd {

namespace {

std::string default_root() {
  std::error_code ec;
  if (std::filesystem::is_directory("www", ec)) return "www";
  if (std::filesystem::is_directory(DUALHTTPD_SOURCE_WWW, ec)) return DUALHTTPD_SOURCE_WWW;
  return "www";
}

// Returns "" or what is wrong with the docroot.
std::string open_docroot(const std::string& path, UniqueFd& out) {
  const int fd = ::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return fmt::format(
        "cannot serve {}\n  cause: {}\n  fix:   point --root at the directory to serve\n", path,
        ::strerrordesc_np(errno));
  out.reset(fd);
  return {};
}

std::vector<ListenSpec> parse_all(const std::vector<std::string>& texts,
                                  std::vector<Problem>& problems) {
  std::vector<ListenSpec> specs;
  for (const auto& text : texts) {
    auto parsed = parse_listen_spec(text);
    if (!parsed.ok()) {
      problems.push_back(Problem{text, parsed.error,
                                 fmt::format("write one of: {}", listen_spec_forms()),
                                 ProblemKind::config});
      continue;
    }
    specs.insert(specs.end(), parsed.specs.begin(), parsed.specs.end());
  }
  return specs;
}

int report_failure(const std::vector<Problem>& problems, const std::string& root_error,
                   bool check) {
  bool config = !root_error.empty();
  for (const auto& p : problems) {
    fmt::print(stderr, "dualhttpd: {}", format_problem(p));
    config = config || p.kind == ProblemKind::config;
  }
  if (!root_error.empty()) fmt::print(stderr, "dualhttpd: {}", root_error);
  const int code = config ? exit_usage : exit_bind;
  const auto count = problems.size() + (root_error.empty() ? 0 : 1);
  fmt::print(stderr, "dualhttpd: {} problem{}; {} (exit status {})\n", count, count == 1 ? "" : "s",
             check ? "the server would not start" : "nothing was started", code);
  return code;
}

int serve(const Options& o, net::io_context& io, OpenListeners opened, UniqueFd root,
          const std::string& root_path, const std::vector<Listener>& listeners) {
  auto mime = std::make_shared<MimeTypes>();
  if (!mime->load_file(o.mime_types))
    spdlog::warn("cannot read {}; using the built-in media types", o.mime_types);
  AccessLog access_log(o.access_log);
  if (auto err = access_log.reopen(); !err.empty()) {
    fmt::print(stderr, "dualhttpd: {}\n", err);
    return exit_usage;
  }
  const StaticHandler handler(std::move(root), mime);
  SessionRegistry registry;
  SessionLimits limits;
  limits.keepalive_timeout = std::chrono::seconds(o.keepalive_timeout);
  limits.header_timeout = std::chrono::seconds(o.header_timeout);
  const HealthEndpoint health(o.health_path);
  SessionContext context{handler, health, access_log, registry, limits};
  const unsigned threads =
      o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  for (const auto& l : listeners) spdlog::info("listening on {}", l.describe());
  spdlog::info("serving {} with {} thread{}", root_path, threads, threads == 1 ? "" : "s");
  Server server(io, std::move(opened.acceptors), context, std::chrono::seconds(o.shutdown_timeout),
                [&access_log] {
                  for (const auto& err : {reopen_error_log(), access_log.reopen()})
                    if (!err.empty()) spdlog::error("{}", err);
                });
  return server.run(threads);
}

}  // namespace

int run(const Options& o) {
  // sendfile(2) has no MSG_NOSIGNAL: a client that goes away must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  if (auto err = open_error_log(o.error_log, o.log_level); !err.empty()) {
    fmt::print(stderr, "dualhttpd: {}\n", err);
    return exit_usage;
  }
  const auto root_path = o.root.empty() ? default_root() : o.root;
  UniqueFd root;
  const auto root_error = open_docroot(root_path, root);
  std::vector<Problem> problems;
  const auto specs = parse_all(o.listen, problems);
  const auto machine = read_machine_snapshot();
  auto plan = plan_listeners(specs, machine, o.ipv4_mapped);
  problems.insert(problems.end(), plan.problems.begin(), plan.problems.end());
  net::io_context io;
  const bool all_clear = problems.empty() && root_error.empty();
  auto opened = open_listeners(io, plan.listeners, machine, all_clear && !o.check);
  problems.insert(problems.end(), opened.problems.begin(), opened.problems.end());
  if (o.check)
    for (std::size_t i = 0; i < plan.listeners.size(); ++i)
      if (opened.bound[i]) fmt::print("ok: {}\n", plan.listeners[i].describe());
  if (!problems.empty() || !root_error.empty())
    return report_failure(problems, root_error, o.check);
  if (o.check) {
    fmt::print("ok: docroot {}\ndualhttpd: {} listener{} would start\n", root_path,
               plan.listeners.size(), plan.listeners.size() == 1 ? "" : "s");
    return exit_ok;
  }
  return serve(o, io, std::move(opened), std::move(root), root_path, plan.listeners);
}

}  // namespace dualhttpd
