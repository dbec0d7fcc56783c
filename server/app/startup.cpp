#include "dualhttpd/app/startup.hpp"

#include <fcntl.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dualhttpd/app/error_log.hpp"
#include "dualhttpd/app/listener_attempt.hpp"
#include "dualhttpd/app/privileges.hpp"
#include "dualhttpd/app/systemd.hpp"
#include "dualhttpd/app/tls_setup.hpp"
#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/base/escaping.hpp"
#include "dualhttpd/base/exit_codes.hpp"
#include "dualhttpd/base/file_opener.hpp"
#include "dualhttpd/files/docroot.hpp"
#include "dualhttpd/files/docroot_watch.hpp"
#include "dualhttpd/files/target_path.hpp"
#include "dualhttpd/listen/inherited_listeners.hpp"
#include "dualhttpd/listen/listener_hints.hpp"
#include "dualhttpd/listen/open_listeners.hpp"
#include "dualhttpd/runtime/server.hpp"

namespace dualhttpd {

namespace {

// Without --root: the checkout's www/ for a binary run from its build tree, else the
// packaged docroot. Nothing depends on the current directory.
std::string default_root() {
  return run_from_build_tree() ? DUALHTTPD_SOURCE_WWW : DUALHTTPD_PACKAGED_ROOT;
}

// What a start needs besides its listeners: the docroot, the user to serve as, and what is
// wrong with them (each as "what\n  cause: ...\n  fix:   ...\n").
struct Setup {
  std::string root_path;
  DocrootDir root;
  RunAs run_as;
  std::shared_ptr<MimeTypes> mime = std::make_shared<MimeTypes>();
  std::string mime_warning;  // the default mime.types is missing: the built-in table serves
  std::vector<std::string> errors;
};

Setup prepare(const Options& o) {
  Setup setup;
  setup.root_path = o.root.empty() ? default_root() : o.root;
  const int fd = ::open(setup.root_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || !describe_docroot(UniqueFd(fd), setup.root))
    setup.errors.push_back(format_diagnostic({"cannot serve " + setup.root_path,
                                              ::strerrordesc_np(fd < 0 ? errno : ENOTDIR),
                                              "point --root at the directory to serve"}));
  if (auto err = plan_run_as(o.user, !o.user.empty(), setup.run_as); !err.empty())
    setup.errors.push_back(err);
  // The access log is opened as a start opens it (appended, created if missing), so that
  // --check and a start refuse the same file.
  if (names_a_file(o.access_log)) {
    const int log = open_as(o.access_log, FileOpener::Kind::append);
    if (log < 0)
      setup.errors.push_back(format_diagnostic(
          {"cannot open the access log " + o.access_log, ::strerrordesc_np(-log),
           "name a file in a directory this user may write (--access-log FILE), or "
           "--access-log off"}));
    else
      ::close(log);
  }
  // Read now, before anything listens: a FIFO or a device named here must stop the start,
  // not hang or fill it. Only the default file may be missing (a minimal system).
  if (auto why = setup.mime->load_file(o.mime_types); !why.empty()) {
    std::error_code ec;
    if (o.mime_types == Options{}.mime_types && !std::filesystem::exists(o.mime_types, ec))
      setup.mime_warning = fmt::format(
          "cannot read {} ({}): the built-in media types serve; install the "
          "media-types package for the full table",
          o.mime_types, why);
    else
      setup.errors.push_back(
          format_diagnostic({"cannot read the media types " + o.mime_types, why,
                             "name a mime.types file (--mime-types /etc/mime.types)"}));
  }
  return setup;
}

// Every problem, on standard error and, when the error log is a file, there too: a daemon
// that cannot start leaves its reason where its log is read.
int report_failure(const std::vector<Problem>& problems, const std::vector<std::string>& errors,
                   bool check) {
  bool config = !errors.empty();
  std::vector<std::string> texts;
  for (const auto& p : problems) {
    texts.push_back(format_problem(p));
    config = config || p.kind == ProblemKind::config;
  }
  texts.insert(texts.end(), errors.begin(), errors.end());
  const int code = config ? exit_usage : exit_bind;
  const auto count = problems.size() + errors.size();
  texts.push_back(fmt::format("{} problem{}; {} (exit status {})\n", count, count == 1 ? "" : "s",
                              check ? "the server would not start" : "nothing was started", code));
  for (const auto& text : texts) {
    fmt::print(stderr, "dualhttpd: {}", text);
    copy_to_error_log_file(spdlog::level::err, text);
  }
  return code;
}

// Every connection is a descriptor: take the hard limit, as nginx's worker_rlimit_nofile does.
void raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

SessionLimits limits_of(const Options& o) {
  SessionLimits l;
  l.header_timeout = std::chrono::seconds(o.header_timeout);
  l.keepalive_timeout = std::chrono::seconds(o.keepalive_timeout);
  l.write_timeout = std::chrono::seconds(o.write_timeout);
  l.uri_limit = o.limit_request_line;
  l.field_limit = o.limit_request_field_size;
  l.field_count_limit = o.limit_request_fields;
  l.header_limit = o.limit_request_head;
  l.body_limit = o.limit_request_body;
  l.max_requests = o.max_keepalive_requests;
  return l;
}

// A file the health endpoint hides: it answers first, so the file is never served.
std::string health_shadow_warning(const Options& o, const Setup& setup) {
  if (o.health_path == "off" || !setup.root.fd) return {};
  const auto relative = o.health_path.substr(1);
  if (relative.empty()) return {};
  const int fd = open_beneath(setup.root, relative);
  if (fd < 0) return {};
  ::close(fd);
  return format_diagnostic(
      {fmt::format("{} is the health endpoint, so {}{} in the docroot is never served",
                   o.health_path, setup.root_path, o.health_path),
       "", "--health-path off (or another path) to serve it"},
      false);
}

// GET / with no index to answer it and no listing: 403, the first thing a smoke test meets.
// Only a name that is not there counts as missing (one that cannot be opened is warned of
// by docroot_access_warning).
std::string missing_index_warning(const Options& o, const Setup& setup) {
  if (o.autoindex || !setup.root.fd) return {};
  for (const auto& name : o.index) {
    const int fd = open_beneath(setup.root, name);
    if (fd >= 0) ::close(fd);
    if (fd != -ENOENT) return {};
  }
  // The page it has, if one looks like an index: the fix names it.
  int error = 0;
  std::vector<std::string> files;
  for (const auto& entry : list_beneath(setup.root, "", error))
    if (!entry.directory) files.push_back(entry.name);
  const auto page = likely_index_page(files);
  return format_diagnostic(
      {fmt::format("GET / will be answered 403: the docroot {} has no {}, and directories are "
                   "not listed",
                   setup.root_path, word_list(o.index, "or")),
       "",
       page.empty() ? fmt::format("put {} in {}, name the page it has with --index NAME, or list "
                                  "it with --autoindex",
                                  o.index.front(), setup.root_path)
                    : fmt::format("serve its {} with --index {}, put {} in {}, or list it with "
                                  "--autoindex",
                                  page, shell_word(page), o.index.front(), setup.root_path)},
      false);
}

// Started as root: the helper that opens the logs and the docroot again later keeps root,
// the server gives it up. The docroot is the helper's only when the user served as could not
// open its path (a parent directory closed to it); with no log file either, there is no
// helper.
Result<> give_up_root(const Options& o, const Setup& setup, const TlsSetup& tls) {
  if (setup.run_as.drop) {
    auto& opener = file_opener();
    if (names_a_file(o.access_log)) opener.allow(o.access_log, FileOpener::Kind::append);
    if (tls.context) {  // read again on SIGHUP
      opener.allow(tls.context->files().certificate, FileOpener::Kind::read);
      opener.allow(tls.context->files().key, FileOpener::Kind::read);
    }
    if (o.error_log != "-") opener.allow(o.error_log, FileOpener::Kind::append);
    if (!could_open_directory_as(setup.run_as, setup.root_path))
      opener.allow(setup.root_path, FileOpener::Kind::directory);
    if (auto helper = opener.start_helper(); !helper)
      spdlog::warn(
          "cannot start the helper that opens the logs and the docroot again ({}): "
          "after SIGHUP they are opened as {}",
          format_diagnostic(helper.error(), false), setup.run_as.name);
    if (auto dropped = drop_root(setup.run_as); !dropped) return dropped;
    spdlog::info("started as root: serving as {}", describe_run_as(setup.run_as));
  } else {
    spdlog::info("serving as {}", describe_run_as(setup.run_as));
  }
  if (auto warning = docroot_access_warning(setup.run_as, setup.root.fd.get(), setup.root_path);
      !warning.empty())
    spdlog::warn("{}", warning);
  return {};
}

int serve(const Options& o, OpenListeners opened, Setup setup, TlsSetup& tls,
          const std::vector<Listener>& listeners, const MachineSnapshot& machine) {
  if (o.config.empty())
    spdlog::info("configuration: {}", o.config_note);
  else
    spdlog::info("configuration from {}", o.config);
  if (!setup.mime_warning.empty()) spdlog::warn("{}", setup.mime_warning);
  AccessLog access_log(o.access_log);
  if (auto opened_log = access_log.reopen(); !opened_log) {
    fmt::print(stderr, "dualhttpd: {}", format_diagnostic(opened_log.error()));
    return exit_usage;
  }
  if (auto served_as = give_up_root(o, setup, tls); !served_as) {
    spdlog::critical("{}", format_diagnostic(served_as.error(), false));
    return exit_runtime_error;
  }
  for (const auto& warning : {health_shadow_warning(o, setup), missing_index_warning(o, setup)})
    if (!warning.empty()) spdlog::warn("{}", warning);
  const auto root_path = setup.root_path;
  const auto docroot = std::make_shared<DocrootWatch>(root_path, std::move(setup.root));
  const StaticHandler handler(docroot, setup.mime, o.autoindex, o.index);
  SessionRegistry registry;
  const auto limits = limits_of(o);
  const HealthEndpoint health(o.health_path);
  SessionContext context{handler, health, access_log, registry, limits};
  const unsigned threads =
      o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  for (const auto& l : listeners) {
    spdlog::info("listening on {}", l.describe());
    for (const auto& hint : listener_hints(l, machine, tls.ca_file))
      spdlog::log(hint.warning ? spdlog::level::warn : spdlog::level::info, "  {}", hint.text);
  }
  for (const auto& note : tls.notes) spdlog::info("{}", note);
  for (const auto& warning : tls.warnings) spdlog::warn("{}", warning);
  ServerEvents events;
  events.reopen_logs = [&access_log, &docroot, &tls, &listeners] {
    for (const auto& reopened : {reopen_error_log(), access_log.reopen()})
      if (!reopened) spdlog::error("{}", format_diagnostic(reopened.error(), false));
    docroot->reopen();
    reload_tls(tls, listeners);
  };
  events.stopping = [] { notify_systemd("STOPPING=1\nSTATUS=stopping"); };
  std::vector<ListenerRole> roles;
  for (std::size_t i = 0; i < listeners.size(); ++i)
    roles.push_back({tls.per_listener.at(i), tls.https_port.at(i)});
  Server server(std::move(opened.acceptors), roles, threads, context, o.max_connections,
                std::chrono::seconds(o.shutdown_timeout), std::move(events));
  // Every socket listens already: connections made from now on wait in the kernel's queue.
  // "serving" is said once the workers hold what they serve with (their event loops, the
  // listeners' duplicates), as the notice to systemd is: a reader of the log who takes it
  // as ready (the tests do) sees the server as it will stay.
  spdlog::info("serving {} with {} thread{}", root_path, threads, threads == 1 ? "" : "s");
  notify_systemd(ready_state(root_path, listeners));
  const int status = server.run();
  file_opener().stop_helper();
  return status;
}

// --check: what a start would do with the docroot and the user.
void print_setup(const Options& o, const Setup& setup) {
  fmt::print("ok: docroot {}\n", setup.root_path);
  for (const auto& [what, target] :
       {std::pair{"access log", o.access_log}, {"error log", o.error_log}})
    if (names_a_file(target)) fmt::print("ok: {} {}\n", what, target);
  for (const auto& warning : {health_shadow_warning(o, setup), missing_index_warning(o, setup)})
    if (!warning.empty()) fmt::print("warning: {}\n", warning);
  if (setup.mime_warning.empty())
    fmt::print("ok: media types {}\n", o.mime_types);
  else
    fmt::print("warning: {}\n", setup.mime_warning);
  if (setup.run_as.drop)
    fmt::print("ok: started as root, it serves as {} once its listeners are open\n",
               describe_run_as(setup.run_as));
  if (auto warning = docroot_access_warning(setup.run_as, setup.root.fd.get(), setup.root_path);
      !warning.empty())
    fmt::print("warning: {}\n", warning);
}

// Socket activation: the sockets systemd opened are the listeners; the configured ones are
// not opened (they would collide with systemd's).
int serve_inherited(const Options& o, net::io_context& io, int passed,
                    const std::vector<std::string>& names, Setup setup) {
  const auto machine = read_machine_snapshot();
  auto inherited = take_inherited_listeners(io, passed, machine, names);
  auto tls = prepare_tls(o, inherited.listeners, machine, !o.check);
  setup.errors.insert(setup.errors.end(), tls.errors.begin(), tls.errors.end());
  if (!inherited.problems.empty() || !setup.errors.empty())
    return report_failure(inherited.problems, setup.errors, o.check);
  spdlog::info(
      "systemd passed {} listening socket{} (socket activation): serving {}, not the "
      "configured listen",
      passed, passed == 1 ? "" : "s", passed == 1 ? "it" : "them");
  if (o.check) {
    for (const auto& l : inherited.listeners) fmt::print("ok: {} (from systemd)\n", l.describe());
    print_setup(o, setup);
    return exit_ok;
  }
  OpenListeners opened;
  opened.acceptors = std::move(inherited.acceptors);
  return serve(o, std::move(opened), std::move(setup), tls, inherited.listeners, machine);
}

}  // namespace

int run(const Options& o) {
  // sendfile(2) has no MSG_NOSIGNAL: a client that goes away must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  raise_fd_limit();
  if (auto opened_log = open_error_log(o.error_log, o.log_level); !opened_log) {
    fmt::print(stderr, "dualhttpd: {}", format_diagnostic(opened_log.error()));
    return exit_usage;
  }

  auto setup = prepare(o);
  net::io_context io;
  std::vector<std::string> names;
  if (const int passed = systemd_listen_fds(&names); passed > 0)
    return serve_inherited(o, io, passed, names, std::move(setup));
  std::vector<Problem> parse_problems;
  auto specs = parse_all(o.listen, parse_problems);
  auto a = open_with_wait(o, io, specs, parse_problems, setup.errors.empty());
  if (o.listen_defaulted && only_ipv6_failed(a, specs)) {
    // No listen was given: the IPv4 half of the default serves, and the IPv6 half is named
    // (listeners given explicitly stay all-or-nothing).
    for (const auto& p : a.problems) {
      const auto text = format_diagnostic(
          {fmt::format("{} is left out of the default listeners: {}", p.listener, p.cause), "",
           p.fix},
          false);
      if (o.check) fmt::print("warning: {}\n", text);
      spdlog::warn("{}", text);
    }
    std::erase_if(specs, [](const ListenSpec& s) { return s.family() == Family::ipv6; });
    a = open_with_wait(o, io, specs, parse_problems, setup.errors.empty());
  }
  auto tls = prepare_tls(o, a.plan.listeners, a.machine, !o.check);
  setup.errors.insert(setup.errors.end(), tls.errors.begin(), tls.errors.end());
  if (o.check)
    for (std::size_t i = 0; i < a.plan.listeners.size(); ++i) {
      if (!a.opened.bound[i]) continue;
      fmt::print("ok: {}\n", a.plan.listeners[i].describe());
      for (const auto& hint : listener_hints(a.plan.listeners[i], a.machine, tls.ca_file))
        fmt::print("    {}{}\n", hint.warning ? "warning: " : "", hint.text);
    }
  if (!a.problems.empty() || !setup.errors.empty()) {
    name_origins(a.problems, o);
    return report_failure(a.problems, setup.errors, o.check);
  }
  if (o.freebind)
    for (const auto& warning : freebind_warnings(a.plan.listeners, a.machine)) {
      if (o.check) fmt::print("warning: {}\n", warning);
      spdlog::warn("{}", warning);
    }
  if (o.check) {
    fmt::print("ok: configuration {}\n", o.config.empty() ? o.config_note : o.config);
    print_setup(o, setup);
    if (tls.context) fmt::print("ok: TLS certificate {}\n", tls.context->files().certificate);
    for (const auto& note : tls.notes) fmt::print("note: {}\n", note);
    for (const auto& warning : tls.warnings) fmt::print("warning: {}\n", warning);
    fmt::print("dualhttpd: {} listener{} would start\n", a.plan.listeners.size(),
               a.plan.listeners.size() == 1 ? "" : "s");
    return exit_ok;
  }
  return serve(o, std::move(a.opened), std::move(setup), tls, a.plan.listeners, a.machine);
}

}  // namespace dualhttpd
