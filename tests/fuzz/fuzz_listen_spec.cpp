// libFuzzer: the listen-spec parser, then planning against a fixed machine.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../unit/machine_fixture.hpp"
#include "dualhttpd/listen/listener_plan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = dualhttpd::parse_listen_spec(text);
  if (parsed.ok() == parsed.specs.empty()) __builtin_trap();  // specs xor an error
  if (!parsed.ok()) return 0;
  for (const auto& spec : parsed.specs) {
    // What we print must parse back to the same listener.
    const auto again = dualhttpd::parse_listen_spec(spec.to_string());
    if (!again.ok() || again.specs.front().address != spec.address ||
        again.specs.front().port != spec.port)
      __builtin_trap();
  }
  const auto plan = dualhttpd::plan_listeners(parsed.specs, dualhttpd::testing::guest(), size & 1);
  for (const auto& l : plan.listeners) (void)l.describe();
  return 0;
}
