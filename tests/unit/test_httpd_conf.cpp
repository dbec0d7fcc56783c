#include <doctest/doctest.h>

#include <string>

#include "dualhttpd/app/httpd_conf.hpp"

using namespace dualhttpd;

namespace {

HttpdTranslation translate(const std::string& text) {
  return translate_httpd_conf(parse_httpd_conf_text(text, "httpd.conf", "/nonexistent"));
}

bool any_line(const HttpdTranslation& t, const std::string& part) {
  for (const auto& line : t.lines)
    if (line.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("Listen, DocumentRoot and Options of the DocumentRoot's <Directory>") {
  const auto t = translate(
      "# a stock configuration\n"
      "Listen 80\n"
      "listen [2001:db8:21c::24]:8443 https\n"
      "DocumentRoot \"/var/www/html\"\n"
      "<Directory />\n"
      "    Options Indexes\n"
      "</Directory>\n"
      "<Directory \"/var/www/html/\">\n"
      "    Options -Indexes +FollowSymLinks\n"
      "</Directory>\n");
  // TLS where httpd spoke TLS, never plain HTTP.
  CHECK(t.listen == std::vector<std::string>{"80", "[2001:db8:21c::24]:8443 https"});
  CHECK(t.root == "/var/www/html");
  CHECK_FALSE(t.autoindex);  // the Options of <Directory /> do not apply to the DocumentRoot
  CHECK(any_line(t, "httpd.conf:2: Listen 80 -> --listen '80'"));
  CHECK(any_line(t,
                 "httpd.conf:3: Listen [2001:db8:21c::24]:8443 https -> --listen "
                 "'[2001:db8:21c::24]:8443 https'"));
  CHECK(any_line(t, "no SSLCertificateFile for the TLS listeners: give dualhttpd --tls-cert"));
  CHECK(t.tls_cert.empty());
  CHECK(any_line(t, "httpd.conf:9: Options -Indexes +FollowSymLinks -> no --autoindex"));
}

TEST_CASE("continued lines, quotes, case and top-level Options") {
  const auto t = translate(
      "DOCUMENTROOT '/srv/my site'\n"
      "Options \\\n"
      "    FollowSymLinks Indexes\n"
      "DirectoryIndex index.html\n");
  CHECK(t.root == "/srv/my site");
  CHECK(t.autoindex);
  CHECK(any_line(t, "httpd.conf:2: Options FollowSymLinks Indexes -> --autoindex"));
  CHECK(any_line(t, "DirectoryIndex index.html -> the same"));
  CHECK(t.listen.empty());
  CHECK(any_line(t, "no Listen line"));
}

TEST_CASE("DirectoryIndex: the names dualhttpd can send as they are, as --index") {
  // Debian's mods-available/dir.conf.
  auto t =
      translate("DirectoryIndex index.html index.cgi index.pl index.php index.xhtml index.htm\n");
  REQUIRE(t.index);
  CHECK(*t.index == std::vector<std::string>{"index.html", "index.xhtml", "index.htm"});
  CHECK(any_line(t,
                 "httpd.conf:1: DirectoryIndex index.html index.cgi index.pl index.php "
                 "index.xhtml index.htm -> --index index.html --index index.xhtml --index "
                 "index.htm (index.cgi, index.pl and index.php are left out: dualhttpd sends a "
                 "file as it is, so a script would show its source, not its output)"));
  t = translate("DirectoryIndex /cgi-bin/index.pl INDEX.PHP\n");
  CHECK(!t.index);
  CHECK(any_line(t,
                 "DirectoryIndex /cgi-bin/index.pl INDEX.PHP -> not taken: dualhttpd serves "
                 "index.html for a directory (INDEX.PHP is left out: dualhttpd sends a file as it "
                 "is, so a script would show its source, not its output) (/cgi-bin/index.pl is "
                 "left out: an index is a file name in the directory asked for)"));
  t = translate("DirectoryIndex disabled\n");
  CHECK(!t.index);
  CHECK(any_line(t, "DirectoryIndex disabled -> not taken"));
}

TEST_CASE("includes: optional ones may match nothing, plain ones may not") {
  CHECK_NOTHROW(translate("IncludeOptional conf.d/*.conf\n"));
  CHECK_THROWS_WITH_AS(translate("\nInclude /nonexistent/conf.d/*.conf\n"),
                       doctest::Contains("httpd.conf:2: Include /nonexistent/conf.d/*.conf "
                                         "matches no file"),
                       HttpdConfError);
  CHECK_THROWS_AS(read_httpd_conf("/nonexistent/httpd.conf"), HttpdConfError);
}

TEST_CASE("<IfModule> and <IfDefine> hold only for what the configuration loads") {
  const auto t = translate(
      "LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n"
      "Listen 80\n"
      "<IfModule ssl_module>\n"
      "  Listen 443\n"
      "</IfModule>\n"
      "<IfModule mod_gnutls.c>\n"
      "  Listen 443\n"
      "</IfModule>\n"
      "<IfModule !mod_ssl.c>\n"
      "  Listen 8080\n"
      "</IfModule>\n"
      "<IfModule mod_mpm_event.c>\n"
      "  <IfDefine !NEVER>\n"
      "    Listen 8081\n"
      "  </IfDefine>\n"
      "  <IfDefine SSL>\n"
      "    Listen 8443\n"
      "  </IfDefine>\n"
      "</IfModule>\n"
      "<IfModule log_config_module>\n"  // built into httpd: no LoadModule line
      "  Listen 8082\n"
      "</IfModule>\n");
  CHECK(t.listen == std::vector<std::string>{"80", "8080", "8081", "8082"});
  CHECK(t.listen_origin == std::vector<std::string>{"httpd.conf:2", "httpd.conf:10",
                                                    "httpd.conf:14", "httpd.conf:21"});
  const auto ssl = translate(
      "LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so\n"
      "Listen 80\n"
      "<IfModule mod_ssl.c>\n"
      "  Listen 443\n"
      "</IfModule>\n");
  CHECK(ssl.listen == std::vector<std::string>{"80", "443 https"});
  CHECK(any_line(ssl,
                 "httpd.conf:4: Listen 443 -> --listen '443 https' (https is httpd's protocol "
                 "for port 443)"));
}

TEST_CASE("virtual hosts: the first one's DocumentRoot without a main one; the others named") {
  const auto t = translate(
      "Listen 80\n"
      "<Directory /var/www/>\n"
      "  Options Indexes FollowSymLinks\n"
      "</Directory>\n"
      "<VirtualHost *:80>\n"
      "  DocumentRoot /var/www/html\n"
      "</VirtualHost>\n"
      "<VirtualHost *:80>\n"
      "  ServerName other.example\n"
      "  DocumentRoot /var/www/other\n"
      "</VirtualHost>\n");
  CHECK(t.root == "/var/www/html");
  CHECK(any_line(t,
                 "httpd.conf:6: DocumentRoot \"/var/www/html\" -> --root /var/www/html (of "
                 "<VirtualHost *:80> at httpd.conf:5, the first one"));
  CHECK(any_line(t,
                 "httpd.conf:10: DocumentRoot \"/var/www/other\" of <VirtualHost *:80> -> not "
                 "taken"));
  CHECK(t.autoindex);  // <Directory /var/www/> holds for /var/www/html
  const auto main = translate(
      "DocumentRoot /srv/main\n"
      "<VirtualHost *:80>\n"
      "  DocumentRoot /srv/vhost\n"
      "</VirtualHost>\n");
  CHECK(main.root == "/srv/main");  // a <VirtualHost>'s no longer replaces the main one
  CHECK(any_line(main, "\"/srv/vhost\" of <VirtualHost *:80> -> not taken"));
}

TEST_CASE("the certificate of the virtual host that listens on the TLS port") {
  const auto t = translate(
      "ServerRoot /etc/httpd\n"
      "Listen 80\n"
      "Listen [2001:db8:21c::24]:443 https\n"
      "SSLCertificateFile /etc/pki/main.pem\n"
      "<VirtualHost *:80>\n"
      "  SSLCertificateFile /etc/pki/plain-port.pem\n"
      "</VirtualHost>\n"
      "<VirtualHost [2001:db8:21c::24]:443>\n"
      "  SSLEngine on\n"
      "  SSLCertificateFile conf/guest.crt\n"
      "  SSLCertificateKeyFile \"/etc/pki/private/guest.key\"\n"
      "</VirtualHost>\n"
      "<VirtualHost _default_:443>\n"
      "  SSLCertificateFile /etc/pki/other.pem\n"
      "</VirtualHost>\n");
  CHECK(t.listen == std::vector<std::string>{"80", "[2001:db8:21c::24]:443 https"});
  CHECK(t.tls_cert == "/etc/httpd/conf/guest.crt");  // relative to ServerRoot, as httpd reads it
  CHECK(t.tls_key == "/etc/pki/private/guest.key");
  CHECK(any_line(t,
                 "httpd.conf:10: SSLCertificateFile /etc/httpd/conf/guest.crt -> --tls-cert "
                 "/etc/httpd/conf/guest.crt (of <VirtualHost [2001:db8:21c::24]:443> at "
                 "httpd.conf:8)"));
  CHECK(
      any_line(t, "httpd.conf:11: SSLCertificateKeyFile /etc/pki/private/guest.key -> --tls-key"));
  CHECK(any_line(t,
                 "httpd.conf:14: SSLCertificateFile /etc/pki/other.pem of <VirtualHost "
                 "_default_:443> -> not taken: dualhttpd serves one certificate"));

  // No virtual host on the port: the main server's; no key line: the key is in the file.
  const auto main = translate(
      "Listen 8443 https\n"
      "SSLCertificateFile /etc/pki/both.pem\n");
  CHECK(main.tls_cert == "/etc/pki/both.pem");
  CHECK(main.tls_key == "/etc/pki/both.pem");
  CHECK(any_line(main, "no SSLCertificateKeyFile: the key is in /etc/pki/both.pem"));
}
