// The configuration file (TOML): its keys are the command-line options, spelled with '_'
// (bind_wait for --bind-wait). Read here into command-line arguments, so the options are
// defined, typed and checked in one place (options.cpp), and the command line overrides them.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dualhttpd {

// What a key's value must be in TOML.
enum class ConfigKind { flag, number, text, list };

struct ConfigKey {
  std::string option;  // long option name without dashes: "bind-wait"
  ConfigKind kind;
};

// One key of the file, as the arguments that set it ("--bind-wait=30").
struct ConfigSetting {
  std::string key;  // as written: "bind_wait"
  std::uint32_t line = 0;
  std::vector<std::string> arguments;
};

// A file that cannot be read or holds something that is not a setting. what() names the
// file, the line and the key, says what is wrong and how to write it instead.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The key that names `option` in the file: "bind-wait" -> "bind_wait".
std::string config_key_of(const std::string& option);

// A list key's line as the file writes it: index = ["index.html", "index.htm"].
std::string list_setting(std::string_view key, const std::vector<std::string>& items);

// Reads `path`; throws ConfigError.
std::vector<ConfigSetting> read_config_file(const std::string& path,
                                            const std::vector<ConfigKey>& keys);

// The same, from text (for tests); `path` is only used in messages.
std::vector<ConfigSetting> read_config_text(const std::string& text, const std::string& path,
                                            const std::vector<ConfigKey>& keys);

}  // namespace dualhttpd
