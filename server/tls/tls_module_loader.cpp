#include <dlfcn.h>

#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "dualhttpd/base/program_path.hpp"
#include "dualhttpd/tls/tls_module.hpp"

namespace dualhttpd {

namespace {

constexpr const char* entry_point = "dualhttpd_tls_module";

const TlsModule* loaded = nullptr;

Diagnostic cannot_load(const std::string& path, std::string why) {
  // dlerror() begins with the path, which the subject names already.
  if (why.starts_with(path + ": ")) why.erase(0, path.size() + 2);
  return Diagnostic{
      fmt::format("cannot load the TLS module {}", path), std::move(why),
      run_from_build_tree()
          ? fmt::format("build it: cmake --build {}", DUALHTTPD_BUILD_DIR)
          : fmt::format("it comes with the program: reinstall the package (apt-get install "
                        "--reinstall dualhttpd; dnf reinstall dualhttpd), or beside a copy of "
                        "the program put the tls.so of its build at {}",
                        path),
      DiagnosticKind::runtime};
}

// Where the module is: in the build tree, or beside the installed program's directory.
std::string tls_module_path() {
  if (run_from_build_tree()) return DUALHTTPD_BUILD_DIR "/lib/dualhttpd/tls.so";
  const std::filesystem::path program = program_path();
  return (program.parent_path().parent_path() / "lib/dualhttpd/tls.so").string();
}

}  // namespace

// Called before any thread but the main one runs (start-up, probe), so `loaded` needs no lock.
Result<const TlsModule*> load_tls_module() {
  if (loaded) return loaded;
  const auto path = tls_module_path();
  // RTLD_LOCAL: the module's libssl and libcrypto stay its own business.
  void* module = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!module) {
    const char* why = ::dlerror();  // NOLINT(concurrency-mt-unsafe): see above
    return cannot_load(path, why ? why : "unknown error");
  }
  using Entry = const TlsModule* (*)();
  const auto entry = reinterpret_cast<Entry>(::dlsym(module, entry_point));
  const TlsModule* table = entry ? entry() : nullptr;
  if (!table) return cannot_load(path, fmt::format("it has no {}()", entry_point));
  if (table->size != sizeof(TlsModule) || std::strcmp(table->build, DUALHTTPD_VERSION) != 0)
    return cannot_load(
        path, fmt::format("it comes from another build: dualhttpd {} with a table "
                          "of {} bytes, this program is {} with {}",
                          table->build, table->size, DUALHTTPD_VERSION, sizeof(TlsModule)));
  loaded = table;
  return loaded;
}

const TlsModule& tls_module() {
  return *loaded;
}

}  // namespace dualhttpd
