#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "dualhttpd/app/config_file.hpp"
#include "dualhttpd/base/file_text.hpp"

using namespace dualhttpd;

namespace {

const std::vector<ConfigKey> keys{{"listen", ConfigKind::list},
                                  {"root", ConfigKind::text},
                                  {"bind-wait", ConfigKind::number},
                                  {"freebind", ConfigKind::flag}};

std::vector<ConfigSetting> read(const std::string& text) {
  return read_config_text(text, "/etc/dualhttpd/dualhttpd.toml", keys);
}

// The message for `text`, which must be refused.
std::string refusal(const std::string& text) {
  try {
    read(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("accepted: " << text);
  return {};
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("each key becomes the arguments of its option, in the file's order") {
  const auto settings = read(
      "# comment\n"
      "root = \"/var/www/dualhttpd\"\n"
      "listen = [\"[2001:db8:21c::24]:80\", \"[fe80::1%enp0s8]:80\"]\n"
      "bind_wait = 30\n"
      "freebind = false\n");
  REQUIRE(settings.size() == 4);
  CHECK(settings[0].key == "root");
  CHECK(settings[0].line == 2);
  CHECK(settings[0].arguments == std::vector<std::string>{"--root=/var/www/dualhttpd"});
  CHECK(settings[1].arguments ==
        std::vector<std::string>{"--listen=[2001:db8:21c::24]:80", "--listen=[fe80::1%enp0s8]:80"});
  CHECK(settings[2].arguments == std::vector<std::string>{"--bind-wait=30"});
  CHECK(settings[3].arguments == std::vector<std::string>{"--freebind=false"});
  CHECK(read("").empty());
  CHECK(config_key_of("limit-request-field-size") == "limit_request_field_size");
}

TEST_CASE("an unknown key names the file, the line and the key it resembles") {
  const auto message = refusal("root = \"/srv\"\n\nbindwait = 30\n");
  CHECK(has(message, "/etc/dualhttpd/dualhttpd.toml:3: cannot use key 'bindwait'"));
  CHECK(has(message, "cause: there is no such key"));
  CHECK(has(message, "fix:   did you mean bind_wait?"));
  CHECK(has(refusal("docroot = \"/srv\"\n"), "fix:   remove it, or use one of: listen, root"));
}

TEST_CASE("a value of the wrong type says what the key takes and how to write it") {
  const auto message = refusal("bind_wait = \"30\"\n");
  CHECK(has(message, ":1: cannot use key 'bind_wait'"));
  CHECK(has(message, "it is a string, and bind_wait takes a whole number"));
  CHECK(has(message, "write it as bind_wait = 30"));
  CHECK(has(refusal("freebind = 1\n"), "it is an integer, and freebind takes true or false"));
  CHECK(has(refusal("root = [\"/srv\"]\n"), "it is an array, and root takes a quoted string"));
  CHECK(has(refusal("listen = \"[::1]:80\"\n"), "write it as listen = [\"[::1]:80\"]"));
  CHECK(has(refusal("listen = [\"[::1]:80\", 8080]\n"), "takes an array of quoted strings"));
  CHECK(has(refusal("listen = []\n"), "the array is empty"));
  CHECK(has(refusal("bind_wait = -1\n"), "-1 is negative"));
}

// The fix line is built from the user's own value, and what it says to write is accepted.
TEST_CASE("a wrong type's fix is the user's value in the right type, and it is accepted") {
  const std::pair<const char*, const char*> cases[] = {
      {"bind_wait = \"2\"\n", "bind_wait = 2"},
      {"bind_wait = \"45\"\n", "bind_wait = 45"},
      {"listen = \"[::1]:80\"\n", "listen = [\"[::1]:80\"]"},
      {"listen = 8080\n", "listen = [\"8080\"]"},
      {"listen = [\"[::1]:80\", 8080]\n", "listen = [\"[::1]:80\", \"8080\"]"},
      {"root = 5\n", "root = \"5\""},
      {"root = [\"/srv\"]\n", ""},
      {"freebind = \"yes\"\n", "freebind = true"},
      {"freebind = 0\n", "freebind = false"},
      {"freebind = \"maybe\"\n", ""},
      {"bind_wait = \"soon\"\n", ""},
      {"bind_wait = 2.5\n", ""},
  };
  for (const auto& [input, fixed] : cases) {
    CAPTURE(input);
    const auto message = refusal(input);
    const auto at = message.find("write it as ");
    if (*fixed == '\0') {
      CHECK(at == std::string::npos);  // no made-up value: the type is named instead
      CHECK(has(message, "fix:   give "));
      continue;
    }
    REQUIRE(at != std::string::npos);
    const auto line = message.substr(at + 12, message.find('\n', at) - at - 12);
    CHECK(line == fixed);
    CHECK_NOTHROW(read(line + "\n"));
  }
}

TEST_CASE("sections and broken TOML are refused with line and column") {
  CHECK(has(refusal("root = \"/srv\"\n[server]\nlisten = [\"[::1]:80\"]\n"),
            ":2: cannot use key 'server'\n  cause: dualhttpd's file has no sections"));
  const auto message = refusal("root = \"/srv\"\nlisten = [\"[::1]:80\"\n");
  CHECK(has(message, "/etc/dualhttpd/dualhttpd.toml:"));
  CHECK(has(message, "this is not valid TOML"));
  CHECK(has(refusal("root = \"/a\"\nroot = \"/b\"\n"), ":2:"));
  CHECK(has(refusal("root = /srv\n"), ":1:"));
}

TEST_CASE("a file that cannot be read says so and how to name another") {
  try {
    read_config_file("/nonexistent/dualhttpd.toml", keys);
    FAIL("read a missing file");
  } catch (const ConfigError& e) {
    CHECK(has(e.what(), "cannot read the configuration file /nonexistent/dualhttpd.toml"));
    CHECK(has(e.what(), "No such file or directory"));
    CHECK(has(e.what(), "--config none"));
  }
}

TEST_CASE("only regular files of sane size are read as text") {
  std::string why;
  CHECK_FALSE(read_file_text("/dev/zero", &why));
  CHECK(why == "it is a character device, not a regular file");
  CHECK_FALSE(read_file_text("/tmp", &why));
  CHECK(why == "it is a directory, not a regular file");
  CHECK_FALSE(read_file_text("/no/such/file", &why));
  CHECK(why == "No such file or directory");
  const auto proc = read_file_text("/proc/self/status", &why);  // size 0, yet it has text
  REQUIRE(proc);
  CHECK(proc->find("Name:") != std::string::npos);
  CHECK_FALSE(read_file_text("/proc/self/status", &why, 16));
  CHECK(why.find("holds more than 16 bytes") != std::string::npos);
}

TEST_CASE("a list key's line, as a fix writes it for pasting") {
  CHECK(list_setting("index", {"index.html", "index.htm"}) ==
        "index = [\"index.html\", \"index.htm\"]");
  CHECK(list_setting("index", {"say \"hi\".html", "back\\slash"}) ==
        "index = [\"say \\\"hi\\\".html\", \"back\\\\slash\"]");
  CHECK(list_setting("listen", {}) == "listen = []");
}
