"""The servers dualhttpd is compared with, each configured as Debian ships it for a static
site (apache2's httpd.conf and default site, nginx's nginx.conf and sites-available/default,
lighttpd's lighttpd.conf), on a loopback port, with directory listings on or off."""

import os
import subprocess

APACHE_MODULES = ["mpm_event", "authz_core", "dir", "mime", "autoindex"]


def as_root():
    return os.geteuid() == 0


def apache(base, root, port, indexes):
    modules = "\n".join(
        f"LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so" for m in APACHE_MODULES)
    user = "User www-data\nGroup www-data\n" if as_root() else ""
    options = "Indexes FollowSymLinks" if indexes else "FollowSymLinks"
    conf = os.path.join(base, f"httpd-{port}.conf")
    with open(conf, "w") as f:
        f.write(f"""# Modelled on Debian's apache2.conf and default site: the parts a static site uses.
{modules}
ServerRoot {base}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {base}/httpd-{port}.pid
ErrorLog {base}/httpd-{port}-error.log
Mutex file:{base}
{user}KeepAlive On
KeepAliveTimeout 5
MaxKeepAliveRequests 100
DocumentRoot "{root}"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "{root}">
    Options {options}
    AllowOverride None
    Require all granted
</Directory>
DirectoryIndex index.html index.cgi index.pl index.php index.xhtml index.htm
<Files ".ht*">
    Require all denied
</Files>
AddDefaultCharset UTF-8
TypesConfig /etc/mime.types
""")
    return ["apache2", "-f", conf, "-DFOREGROUND"]


def nginx(base, root, port, indexes):
    temp = os.path.join(base, f"nginx-{port}")
    os.makedirs(temp, exist_ok=True)
    conf = os.path.join(base, f"nginx-{port}.conf")
    user = "user www-data;\n" if as_root() else ""
    with open(conf, "w") as f:
        f.write(f"""# Debian's nginx.conf and sites-available/default, on a loopback port.
daemon off;
{user}worker_processes 1;
pid {base}/nginx-{port}.pid;
error_log {base}/nginx-{port}-error.log;
events {{ worker_connections 768; }}
http {{
  sendfile on;
  tcp_nopush on;
  types_hash_max_size 2048;
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  gzip on;
  client_body_temp_path {temp};
  proxy_temp_path {temp};
  fastcgi_temp_path {temp};
  uwsgi_temp_path {temp};
  scgi_temp_path {temp};
  server {{
    listen 127.0.0.1:{port} default_server;
    root {root};
    index index.html index.htm index.nginx-debian.html;
    server_name _;
    autoindex {"on" if indexes else "off"};
    location / {{
      try_files $uri $uri/ =404;
    }}
  }}
}}
""")
    return ["nginx", "-e", os.path.join(base, f"nginx-{port}-error.log"), "-c", conf]


def lighttpd(base, root, port, indexes):
    mime = subprocess.run(["perl", "/usr/share/lighttpd/create-mime.conf.pl"],
                          capture_output=True, text=True, check=True).stdout
    conf = os.path.join(base, f"lighttpd-{port}.conf")
    user = 'server.username = "www-data"\nserver.groupname = "www-data"\n' if as_root() else ""
    with open(conf, "w") as f:
        f.write(f"""# Debian's lighttpd.conf, on a loopback port.
server.modules = ("mod_indexfile", "mod_access", "mod_alias", "mod_redirect")
server.document-root = "{root}"
server.pid-file = "{base}/lighttpd-{port}.pid"
{user}server.bind = "127.0.0.1"
server.port = {port}
server.feature-flags += ("server.h2proto" => "enable")
server.feature-flags += ("server.h2c" => "enable")
server.http-parseopts = (
  "header-strict" => "enable",
  "host-strict" => "enable",
  "host-normalize" => "enable",
  "url-normalize-unreserved" => "enable",
  "url-normalize-required" => "enable",
  "url-ctrls-reject" => "enable",
  "url-path-2f-decode" => "enable",
  "url-path-dotseg-remove" => "enable",
)
index-file.names = ("index.php", "index.html")
url.access-deny = ("~", ".inc")
static-file.exclude-extensions = (".php", ".pl", ".fcgi")
{mime}
server.modules += ("mod_dirlisting", "mod_staticfile")
dir-listing.activate = "{"enable" if indexes else "disable"}"
""")
    return ["lighttpd", "-D", "-f", conf]


PEERS = {"httpd": apache, "nginx": nginx, "lighttpd": lighttpd}
REQUIRED = {"httpd": "apache2", "nginx": "nginx", "lighttpd": "lighttpd"}
