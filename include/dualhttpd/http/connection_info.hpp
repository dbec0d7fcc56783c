// Describes one accepted connection for /healthz: both ends, the family, and the local
// interface (from the zone for link-local addresses, else from the machine's addresses).
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "dualhttpd/http/health.hpp"

namespace dualhttpd {

HealthView describe_connection(const boost::asio::ip::tcp::endpoint& local,
                               const boost::asio::ip::tcp::endpoint& remote);

}  // namespace dualhttpd
