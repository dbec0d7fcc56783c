#include "dualhttpd/app/config_file.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "dualhttpd/base/diagnostic.hpp"
#include "dualhttpd/base/file_text.hpp"

namespace dualhttpd {

namespace {

std::string key_list(const std::vector<ConfigKey>& keys) {
  std::vector<std::string> names;
  names.reserve(keys.size());
  for (const auto& k : keys) names.push_back(config_key_of(k.option));
  return fmt::format("{}", fmt::join(names, ", "));
}

// Edit distance, to suggest the key that was meant.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string unknown_key_fix(std::string_view key, const std::vector<ConfigKey>& keys) {
  std::string best;
  std::size_t best_distance = 3;  // further than two edits away is no suggestion
  for (const auto& k : keys) {
    const auto name = config_key_of(k.option);
    const auto d = distance(key, name);
    if (d < best_distance) best = name, best_distance = d;
  }
  if (!best.empty())
    return fmt::format("did you mean {}? (the keys are: {})", best, key_list(keys));
  return fmt::format("remove it, or use one of: {}", key_list(keys));
}

[[noreturn]] void fail(const std::string& path, std::uint32_t line, std::string_view key,
                       std::string_view cause, std::string_view fix) {
  throw ConfigError(format_diagnostic({fmt::format("{}:{}: cannot use key '{}'", path, line, key),
                                       std::string(cause), std::string(fix)}));
}

std::string_view type_name(const toml::node& value) {
  switch (value.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date or time";
  }
}

// A TOML string literal.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The value as text, whatever its TOML type: what the user wrote, without quotes.
std::optional<std::string> text_of(const toml::node& value) {
  if (const auto* s = value.as_string()) return s->get();
  if (const auto* i = value.as_integer()) return std::to_string(i->get());
  if (const auto* b = value.as_boolean()) return b->get() ? "true" : "false";
  return std::nullopt;
}

// The line to write instead, built from the user's own value; "" when no value of the right
// type can be read out of it (then the fix names the type, not a made-up value).
std::string corrected(std::string_view key, ConfigKind kind, const toml::node& value) {
  const auto text = text_of(value);
  switch (kind) {
    case ConfigKind::flag: {
      static constexpr std::pair<std::string_view, bool> words[] = {
          {"true", true},   {"yes", true}, {"on", true},   {"1", true},
          {"false", false}, {"no", false}, {"off", false}, {"0", false}};
      for (const auto& [word, flag] : words)
        if (text && *text == word) return fmt::format("{} = {}", key, flag);
      return {};
    }
    case ConfigKind::number:
      if (text && !text->empty() && text->find_first_not_of("0123456789") == std::string::npos &&
          text->size() < 10)
        return fmt::format("{} = {}", key, *text);
      return {};
    case ConfigKind::text:
      return text ? fmt::format("{} = {}", key, quoted(*text)) : std::string();
    case ConfigKind::list: {
      if (text) return list_setting(key, {*text});
      const auto* array = value.as_array();
      if (!array) return {};
      std::vector<std::string> items;
      for (const auto& item : *array) {
        const auto t = text_of(item);
        if (!t) return {};
        items.push_back(*t);
      }
      return list_setting(key, items);
    }
  }
  return {};
}

std::string_view kind_name(ConfigKind kind) {
  switch (kind) {
    case ConfigKind::flag:
      return "true or false";
    case ConfigKind::number:
      return "a whole number";
    case ConfigKind::text:
      return "a quoted string";
    case ConfigKind::list:
      return "an array of quoted strings";
  }
  return {};
}

// The arguments for one key, or an error naming it.
std::vector<std::string> arguments_of(const toml::node& value, const ConfigKey& key,
                                      std::string_view name, const std::string& path,
                                      std::uint32_t line) {
  const auto option = "--" + key.option;
  const auto wrong_type = [&] {
    const auto fixed = corrected(name, key.kind, value);
    fail(path, line, name,
         fmt::format("it is {}, and {} takes {}", type_name(value), name, kind_name(key.kind)),
         fixed.empty() ? fmt::format("give {} {}", name, kind_name(key.kind))
                       : "write it as " + fixed);
  };
  switch (key.kind) {
    case ConfigKind::flag:
      if (!value.is_boolean()) wrong_type();
      return {option + (value.as_boolean()->get() ? "=true" : "=false")};
    case ConfigKind::number: {
      if (!value.is_integer()) wrong_type();
      const auto n = value.as_integer()->get();
      if (n < 0) fail(path, line, name, fmt::format("{} is negative", n), "use 0 or more");
      return {fmt::format("{}={}", option, n)};
    }
    case ConfigKind::text:
      if (!value.is_string()) wrong_type();
      return {option + "=" + value.as_string()->get()};
    case ConfigKind::list: {
      const auto* array = value.as_array();
      if (!array) wrong_type();
      std::vector<std::string> out;
      for (const auto& item : *array) {
        if (!item.is_string()) wrong_type();
        out.push_back(option + "=" + item.as_string()->get());
      }
      if (out.empty())
        fail(path, line, name, "the array is empty", "name at least one, or leave the key out");
      return out;
    }
  }
  return {};
}

}  // namespace

std::string config_key_of(const std::string& option) {
  auto key = option;
  std::replace(key.begin(), key.end(), '-', '_');
  return key;
}

std::string list_setting(std::string_view key, const std::vector<std::string>& items) {
  std::vector<std::string> quoted_items;
  quoted_items.reserve(items.size());
  for (const auto& item : items) quoted_items.push_back(quoted(item));
  return fmt::format("{} = [{}]", key, fmt::join(quoted_items, ", "));
}

std::vector<ConfigSetting> read_config_text(const std::string& text, const std::string& path,
                                            const std::vector<ConfigKey>& keys) {
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw ConfigError(format_diagnostic(
        {fmt::format("{}:{}:{}: this is not valid TOML", path, e.source().begin.line,
                     e.source().begin.column),
         std::string(e.description()),
         "write key = value, one per line: strings in double quotes, arrays in [ ] (listen = "
         "[\"[::1]:80\"])"}));
  }
  std::vector<ConfigSetting> out;
  for (const auto& [name, value] : table) {
    const auto line = static_cast<std::uint32_t>(name.source().begin.line);
    const std::string_view key = name.str();  // a lambda cannot capture a structured binding
    const auto known = std::find_if(keys.begin(), keys.end(), [key](const ConfigKey& k) {
      return config_key_of(k.option) == key;
    });
    if (known == keys.end()) {
      if (value.is_table())
        fail(path, line, name.str(), "dualhttpd's file has no sections ([...] tables)",
             "put every key at the top, before any [section] line");
      fail(path, line, name.str(), "there is no such key", unknown_key_fix(name.str(), keys));
    }
    out.push_back(
        {std::string(name.str()), line, arguments_of(value, *known, name.str(), path, line)});
  }
  std::sort(out.begin(), out.end(),
            [](const ConfigSetting& a, const ConfigSetting& b) { return a.line < b.line; });
  return out;
}

std::vector<ConfigSetting> read_config_file(const std::string& path,
                                            const std::vector<ConfigKey>& keys) {
  std::string why;
  const auto text = read_file_text(path, &why);
  if (!text)
    throw ConfigError(format_diagnostic({"cannot read the configuration file " + path, why,
                                         "name a regular file with --config FILE (--config none "
                                         "reads none)"}));
  return read_config_text(*text, path, keys);
}

}  // namespace dualhttpd
