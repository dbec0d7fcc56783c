# What `cmake --install` puts where, and the .deb and .rpm built from it by CPack
# (cpack -G DEB, cpack -G RPM in the build directory). Programs, units and the manual go under
# the prefix (/usr in the packages); the configuration and the logrotate snippet go to their
# fixed places in /etc, the default page to /usr/share/dualhttpd/www.
include(GNUInstallDirs)

install(TARGETS dualhttpd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
# The program finds it from its own directory: ../lib/dualhttpd/tls.so (tls/tls_module.hpp).
install(TARGETS dualhttpd_tls_module LIBRARY DESTINATION lib/dualhttpd)
install(PROGRAMS packaging/lab/dualhttpd-lab DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(FILES packaging/systemd/dualhttpd.service packaging/systemd/dualhttpd.socket
  packaging/systemd/dualhttpd-tls.socket DESTINATION lib/systemd/system)
install(FILES ${DUALHTTPD_MAN_GZ} ${DUALHTTPD_LAB_MAN_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES README.md packaging/doc/copyright ${DUALHTTPD_CHANGELOG_GZ}
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES packaging/config/dualhttpd.toml DESTINATION /etc/dualhttpd)
install(FILES packaging/logrotate/dualhttpd DESTINATION /etc/logrotate.d)
# The default page is data of the package, not a site: under /usr/share (Debian policy keeps
# /var/www for the administrator); the packaged configuration serves it.
# Relative, so that CPack does not mark it %config as it does every absolute destination.
install(DIRECTORY www/ DESTINATION ${CMAKE_INSTALL_DATADIR}/dualhttpd/www)
# Where the packaged configuration logs (the service's LogsDirectory= takes it over).
install(DIRECTORY DESTINATION /var/log/dualhttpd)

set(CPACK_PACKAGE_NAME dualhttpd)
set(CPACK_PACKAGE_VENDOR "dualhttpd")
set(CPACK_PACKAGE_CONTACT "dualhttpd developers <dualhttpd@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Dual-stack (IPv6 + IPv4) static-file HTTP server that explains failed binds")
# Lines of at most 80 columns, as Debian's policy wants them (lintian checks).
set(CPACK_PACKAGE_DESCRIPTION
  "dualhttpd serves a docroot on explicitly configured IPv6 and IPv4 addresses,
over HTTP and HTTPS, with certificates that name the address. Before any
socket listens it checks every listener against the
machine's interfaces and says why a bind cannot work (a link-local address
without its interface, an address not yet assigned or still tentative, a port
in use) and what to write instead.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}_${PROJECT_VERSION}")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION httpd)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libsystemd0, media-types")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "curl, iproute2")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/packaging/deb/conffiles
  ${PROJECT_SOURCE_DIR}/packaging/deb/postinst
  ${PROJECT_SOURCE_DIR}/packaging/deb/prerm
  ${PROJECT_SOURCE_DIR}/packaging/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_GROUP "System Environment/Daemons")
set(CPACK_RPM_PACKAGE_LICENSE "MIT")
set(CPACK_RPM_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
# Its logrotate snippet needs logrotate (rpmlint: missing-dependency-to-logrotate).
set(CPACK_RPM_PACKAGE_REQUIRES "logrotate")
set(CPACK_RPM_PACKAGE_SUGGESTS "systemd-libs")
set(CPACK_RPM_USER_FILELIST
  "%config(noreplace) /etc/dualhttpd/dualhttpd.toml"
  "%config(noreplace) /etc/logrotate.d/dualhttpd")
# Directories the system owns already.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
  /etc/logrotate.d /var /var/log /usr/lib/systemd /usr/lib/systemd/system /usr/sbin /usr/share/man
  /usr/share/man/man8 /usr/share/doc)

include(CPack)
