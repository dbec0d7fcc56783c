// The page --autoindex shows for a directory without index.html, like httpd's mod_autoindex
// (Options Indexes) in its plain form: a link to the parent, then one link per entry.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dualhttpd/files/docroot.hpp"

namespace dualhttpd {

// `relative` is the directory below the docroot ("" for the root, "a/b" otherwise).
// Names are escaped for HTML in the text and percent-encoded in the links.
std::string render_listing(std::string_view relative, const std::vector<DirectoryEntry>& entries);

}  // namespace dualhttpd
