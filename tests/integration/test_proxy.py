"""pimd behind a real nginx that ends TLS and serves it under /pim/, as a security team would put
it on a network: with --public-url every link in an answer leads back through the proxy over
https, whatever Host header the request carried, and `pim` signs in and pages through it; with
--trusted-proxy the audit log names the client's address, which the proxy reports, and not one a
client made up."""

import os
import shutil
import socket
import subprocess
import time
import unittest
import urllib.parse

from harness import Client, run_pim
from pim_testcase import PimTestCase

ROLE_DEFINITIONS = "/v1.0/roleManagement/directory/roleDefinitions"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_config(prefix, port, cert, key, upstream_port):
    user = "user root root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join("  %s_temp_path %s/%s;" % (kind, prefix, kind)
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
{temp}
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    location /pim/ {{
      proxy_pass http://127.0.0.1:{upstream_port}/;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_bind 127.0.0.2;  # pimd sees the proxy at 127.0.0.2, its clients at 127.0.0.1
    }}
  }}
}}
"""


class ProxyTest(PimTestCase):
    @classmethod
    def setUpClass(cls):
        if not shutil.which("nginx"):
            raise unittest.SkipTest("nginx is not installed (scripts/install-deps.sh installs it)")
        cls.nginx_port = free_port()
        cls.public = "https://127.0.0.1:%d/pim" % cls.nginx_port
        cls.server_args = ("--public-url", cls.public + "/", "--trusted-proxy", "127.0.0.2")
        super().setUpClass()
        cls.nginx = None
        try:
            cls.start_nginx()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start_nginx(cls):
        prefix = os.path.join(cls.server.tmp, "nginx")
        os.makedirs(prefix)
        cls.cert, key = os.path.join(prefix, "cert.pem"), os.path.join(prefix, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cls.cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                        "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
        conf = os.path.join(prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(nginx_config(prefix, cls.nginx_port, cls.cert, key, cls.server.port))
        cls.nginx_log = os.path.join(prefix, "error.log")
        cls.nginx = subprocess.Popen(["nginx", "-p", prefix, "-c", conf, "-e", cls.nginx_log],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", cls.nginx_port), timeout=1).close()
                break
            except OSError:
                if cls.nginx.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("nginx did not start: %s"
                                         % cls.nginx.stderr.read().decode(errors="replace"))
                time.sleep(0.05)
        cls.proxy = Client("https://127.0.0.1:%d" % cls.nginx_port, cafile=cls.cert)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "nginx", None):
            cls.nginx.terminate()
            cls.nginx.wait(timeout=20)
        super().tearDownClass()

    def pages_through_the_proxy(self, path, headers=None):
        pages, url = [], "/pim" + path
        while url:
            r = self.proxy.get(url, token=self.admin.token, headers=headers)
            self.assertEqual(r.status, 200, (url, headers, r))
            pages.append(r.body)
            url = r.body.get("@odata.nextLink")
            self.assertLess(len(pages), 100)
        return pages

    def test_links_lead_back_through_the_proxy_whatever_the_host_header(self):
        direct = self.list_all("/v1.0/users?$top=999", self.admin.token)[0]
        for headers in (None, {"Host": "attacker.example"}):
            pages = self.pages_through_the_proxy("/v1.0/users?$top=1", headers)
            self.assertEqual([u["id"] for p in pages for u in p["value"]],
                             [u["id"] for u in direct])
            self.assertGreater(len(pages), 1)
            for page in pages:
                self.assertTrue(page["@odata.context"].startswith(self.public + "/v1.0/$metadata#"),
                                page["@odata.context"])
            for page in pages[:-1]:
                link = page["@odata.nextLink"]
                self.assertTrue(link.startswith(self.public + "/v1.0/users?"), link)
                self.assertIn("$skiptoken", urllib.parse.unquote(link))
        # Reached directly, pimd names the same public URL: it does not trust the Host header.
        r = self.api.get("/v1.0/users?$top=1", token=self.admin.token,
                         headers={"Host": "attacker.example"})
        self.assertTrue(self.expect(r, 200)["@odata.nextLink"].startswith(self.public + "/"))

    def failed_sign_in_address(self, client, headers):
        user = self.new_user("Proxy Target %d" % len(self.all_audits()), sign_in=False)
        r = client.form("/pim/oauth2/v2.0/token" if client is self.proxy else "/oauth2/v2.0/token",
                        {"grant_type": "password", "username": user.upn,
                         "password": "wrong-password-1"}, headers=headers)
        self.assertEqual(r.status, 400, r)
        for record in self.all_audits():
            initiator = record["initiatedBy"].get("user", {})
            if record["activityDisplayName"] == "Sign-in failed" and initiator.get("id") == user.id:
                return initiator["ipAddress"]
        self.fail("no audit record of the failed sign-in of %s" % user.upn)

    def test_the_audit_log_names_the_client_the_trusted_proxy_reports(self):
        spoofed = {"X-Forwarded-For": "203.0.113.9"}
        # Through nginx (trusted): the address nginx saw, not the one the client claimed.
        self.assertEqual(self.failed_sign_in_address(self.proxy, spoofed), "127.0.0.1")
        self.assertEqual(self.failed_sign_in_address(self.proxy, None), "127.0.0.1")
        self.assertNotIn("ignored X-Forwarded-For", self.server.log_tail(200))
        # Straight to pimd from an address that is not a trusted proxy: the header is ignored,
        # and the log says so (once), for a proxy someone forgot to name.
        self.assertEqual(self.failed_sign_in_address(self.api, spoofed), "127.0.0.1")
        self.assertEqual(self.failed_sign_in_address(self.api, spoofed), "127.0.0.1")
        log = self.server.log_tail(200)
        self.assertEqual(log.count("ignored X-Forwarded-For from 127.0.0.1, which is not a "
                                   "trusted proxy"), 1, log)

    def test_pim_signs_in_and_pages_through_the_proxy(self):
        # More role definitions than one default page (100), so resolving the last one by name
        # follows @odata.nextLink through nginx.
        for i in range(100):
            r = self.api.post(ROLE_DEFINITIONS, {
                "displayName": "Proxy Role %03d" % i,
                "rolePermissions": [{"allowedResourceActions":
                                     ["microsoft.directory/users/basic/update"]}]},
                token=self.admin.token)
            self.expect(r, 201)
        config = os.path.join(self.server.tmp, "pim-proxy.json")
        out = run_pim(["login", "--server", self.public, "--cacert", self.cert, "--user",
                       self.admin.upn, "--password-stdin"], config,
                      input=self.admin.password + "\n")
        self.assertEqual(out.returncode, 0, out.stderr)
        out = run_pim(["admin", "policy", "show", "Proxy Role 099"], config)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("Proxy Role 099", out.stdout)


if __name__ == "__main__":
    unittest.main()
