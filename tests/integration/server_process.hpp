// Starts the real dualhttpd binary (from $DUALHTTPD) on a free port of [::1] and
// 127.0.0.1 with a fixture docroot, and stops it by PID with SIGTERM.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace dualhttpd::testing {

namespace net = boost::asio;
using tcp = net::ip::tcp;

class ServerProcess {
 public:
  ServerProcess() {
    const char* binary = std::getenv("DUALHTTPD");
    if (!binary) throw std::runtime_error("set DUALHTTPD to the dualhttpd binary");
    root_ =
        std::filesystem::temp_directory_path() / ("dualhttpd-beast-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "docs");
    write("index.html", "<p>home</p>\n");
    write("hello.txt", "hello, world\n");
    write("docs/index.html", "docs index\n");
    port_ = free_port();
    const auto p = std::to_string(port_);
    std::vector<std::string> args{
        binary, "--root",   root_.string(), "--access-log", "off",           "--threads",
        "2",    "--listen", "[::1]:" + p,   "--listen",     "127.0.0.1:" + p};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawn(&pid_, binary, nullptr, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error("cannot start dualhttpd");
    wait_until_ready();
  }
  ~ServerProcess() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
    release_ports();
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  unsigned short port() const { return port_; }
  tcp::endpoint v6() const { return {net::ip::make_address("::1"), port_}; }
  tcp::endpoint v4() const { return {net::ip::make_address("127.0.0.1"), port_}; }

 private:
  void write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / name) << text;
  }

  // A port reserved for this process until it ends, by tests/common/test_ports.py (its path
  // in $DUALHTTPD_TEST_PORTS): no test CTest runs beside this one takes it too.
  static unsigned short free_port() {
    const char* script = std::getenv("DUALHTTPD_TEST_PORTS");
    if (!script) throw std::runtime_error("set DUALHTTPD_TEST_PORTS to tests/common/test_ports.py");
    const auto command = python_command(script, std::to_string(::getpid()));
    FILE* out = ::popen(command.c_str(), "r");
    if (!out) throw std::runtime_error("cannot run " + command);
    unsigned port = 0;
    const bool read = std::fscanf(out, "%u", &port) == 1;
    if (::pclose(out) != 0 || !read || port == 0 || port > 65535)
      throw std::runtime_error(command + " gave no port");
    return static_cast<unsigned short>(port);
  }

  static void release_ports() {
    const char* script = std::getenv("DUALHTTPD_TEST_PORTS");
    if (!script) return;
    const auto command = python_command(script, "--release " + std::to_string(::getpid()));
    if (std::system(command.c_str()) != 0) {
      // Left behind, a reservation is taken over once this process has ended.
    }
  }

  static std::string python_command(const std::string& script, const std::string& args) {
    return "python3 '" + script + "' " + args;
  }

  void wait_until_ready() {
    net::io_context io;
    for (int i = 0; i < 200; ++i) {
      tcp::socket s(io);
      boost::system::error_code ec;
      s.connect(v4(), ec);
      if (!ec) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    throw std::runtime_error("dualhttpd did not start listening");
  }

  std::filesystem::path root_;
  unsigned short port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace dualhttpd::testing
