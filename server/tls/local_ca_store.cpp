#include "dualhttpd/tls/local_ca_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "dualhttpd/address/ip_address.hpp"
#include "dualhttpd/base/file_text.hpp"
#include "dualhttpd/tls/local_ca.hpp"

namespace dualhttpd {

namespace {

namespace fs = std::filesystem;

constexpr long reissue_days = 30;  // a server certificate this close to its end is replaced

// Writes `text` to `path` through a temporary file and a rename, so a reader never sees half
// a key; `mode` 0600 for a key.
Result<> write_file(const std::string& path, const std::string& text, mode_t mode) {
  const auto temporary = path + ".new";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  const auto failed = [&](int error) {
    if (fd >= 0) ::close(fd);
    ::unlink(temporary.c_str());
    return Diagnostic{fmt::format("cannot write {}", path), ::strerrordesc_np(error),
                      "name a state directory this user may write: --state-dir DIR",
                      DiagnosticKind::config};
  };
  if (fd < 0) return failed(errno);
  if (::fchmod(fd, mode) != 0) return failed(errno);
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return failed(n < 0 ? errno : EIO);
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return failed(errno);
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    return failed(error);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) return failed(errno);
  return {};
}

std::optional<PemPair> read_pair(const std::string& certificate, const std::string& key) {
  auto c = read_file_text(certificate);
  auto k = read_file_text(key);
  if (!c || !k) return std::nullopt;
  return PemPair{std::move(*c), std::move(*k)};
}

Result<> write_pair(const PemPair& pair, const std::string& certificate, const std::string& key) {
  if (auto written = write_file(key, pair.key, 0600); !written) return written;
  return write_file(certificate, pair.certificate, 0644);
}

// Whether the kept server certificate can serve on: it names everything wanted and has
// more than reissue_days left.
bool still_good(const std::string& pem, const std::vector<std::string>& ip_literals,
                const std::vector<std::string>& dns_names) {
  const auto names = certificate_names(pem);
  if (!names || names->not_yet_valid || names->days_left <= reissue_days) return false;
  const auto& held = names->dns_names;
  return std::all_of(dns_names.begin(), dns_names.end(),
                     [&](const std::string& dns) {
                       return std::find(held.begin(), held.end(), dns) != held.end();
                     }) &&
         std::all_of(ip_literals.begin(), ip_literals.end(),
                     [&](const std::string& ip) { return names->covers_ip(ip); });
}

}  // namespace

std::vector<std::string> server_dns_names(const std::vector<std::string>& ip_literals,
                                          const std::string& host_name) {
  std::vector<std::string> out;
  if (!host_name.empty()) out.push_back(host_name);
  const bool loopback = std::any_of(ip_literals.begin(), ip_literals.end(), [](const auto& ip) {
    const auto address = IpAddress::parse(ip);
    return address && address->is_loopback();
  });
  if (loopback && host_name != "localhost") out.emplace_back("localhost");
  return out;
}

Result<LocalCertificate> local_certificate(const std::string& state_dir,
                                           const std::vector<std::string>& ip_literals,
                                           const std::string& host_name, bool write) {
  std::error_code ec;
  if (write) fs::create_directories(state_dir, ec);
  if (ec)
    return Diagnostic{fmt::format("cannot make the state directory {}", state_dir), ec.message(),
                      "name a directory this user may write: --state-dir DIR"};
  const fs::path dir(state_dir);
  LocalCertificate out;
  out.dns_names = server_dns_names(ip_literals, host_name);
  out.ca_file = (dir / "ca.pem").string();
  out.files = {(dir / "server.pem").string(), (dir / "server.key").string()};
  const auto ca_key = (dir / "ca.key").string();
  auto ca = read_pair(out.ca_file, ca_key);
  if (!ca || !certificate_names(ca->certificate)) {
    out.made_ca = true;
    out.issued = true;
    if (!write) return out;
    auto made = make_local_ca(host_name);
    if (!made) return made.error();
    if (auto written = write_pair(*made, out.ca_file, ca_key); !written) return written.error();
    ca = std::move(*made);
  }
  const auto kept = read_pair(out.files.certificate, out.files.key);
  if (!out.made_ca && kept && still_good(kept->certificate, ip_literals, out.dns_names)) return out;
  out.issued = true;
  if (!write) return out;
  auto server = issue_server_certificate(*ca, ip_literals, out.dns_names);
  if (!server) return server.error();
  if (auto written = write_pair(*server, out.files.certificate, out.files.key); !written)
    return written.error();
  return out;
}

}  // namespace dualhttpd
