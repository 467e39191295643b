"""TLS policy peers for the outbound tests (MTA-STS, DANE): a private
certificate authority (TestCA), the association data of TLSA records
(tlsa_data) and an HTTPS server (HttpsServer) for MTA-STS policies. Like
peers.py, everything lives in temporary directories and on loopback, and
what is started is stopped by its own handle.
"""
import base64
import hashlib
import http.server
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


class TestCA:
    """A private certificate authority made with the openssl CLI in its own
    temporary directory (EC P-256 keys by default, RSA 2048 with
    key="rsa"). `cert_path` is the CA certificate (what queue.tls_ca_file
    points at); issue() makes leaf certificates it signs. Use as a context
    manager or call cleanup()."""

    def __init__(self, name="Tern Test CA", key="ec", days=30):
        if key not in ("ec", "rsa"):
            raise ValueError("key is 'ec' or 'rsa'")
        self.key_type = key
        self.dir = tempfile.mkdtemp(prefix="tern-ca-")
        self.cert_path = os.path.join(self.dir, "ca.pem")
        self.key_path = os.path.join(self.dir, "ca.key")
        self._serial = 0
        self._openssl("req", "-x509", *self._newkey(), "-nodes", "-days", str(days),
                      "-subj", f"/CN={name}", "-keyout", self.key_path, "-out", self.cert_path,
                      "-addext", "basicConstraints=critical,CA:TRUE",
                      "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    def _newkey(self):
        if self.key_type == "rsa":
            return ["-newkey", "rsa:2048"]
        return ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]

    def _openssl(self, *args):
        r = subprocess.run(["openssl", *args], cwd=self.dir, capture_output=True, text=True,
                           timeout=60)
        if r.returncode != 0:
            raise AssertionError(f"openssl {args[0]} failed: {r.stderr}")
        return r.stdout

    def issue(self, names, not_after_days=2, chain=False):
        """A leaf certificate for the DNS names `names` (all in
        subjectAltName, the first also as CN), valid from now for
        `not_after_days` days (at least 1), serverAuth. Returns (cert_path,
        key_path); with chain=True the cert file also holds the CA
        certificate after the leaf (a server then sends it, as DANE-TA(2)
        needs: RFC 7671 5.2.2)."""
        if isinstance(names, str):
            names = [names]
        if not names or not_after_days < 1:
            raise ValueError("issue() needs a name and not_after_days >= 1")
        self._serial += 1
        base = os.path.join(self.dir, f"leaf{self._serial}")
        with open(base + ".ext", "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\n"
                    "keyUsage=critical,digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth\n"
                    "subjectAltName=" + ",".join("DNS:" + n for n in names) + "\n")
        self._openssl("req", "-new", *self._newkey(), "-nodes", "-subj", f"/CN={names[0]}",
                      "-keyout", base + ".key", "-out", base + ".csr")
        self._openssl("x509", "-req", "-in", base + ".csr", "-CA", self.cert_path,
                      "-CAkey", self.key_path, "-set_serial", str(1000 + self._serial),
                      "-days", str(not_after_days), "-sha256", "-extfile", base + ".ext",
                      "-out", base + ".pem")
        os.chmod(base + ".key", 0o600)
        if chain:
            with open(base + ".pem", "a") as out:
                out.write(_read(self.cert_path))
        return base + ".pem", base + ".key"

    def cleanup(self):
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.cleanup()


def tlsa_data(cert_path, selector, matching_type):
    """The certificate association data of a TLSA record (RFC 6698 2.1), as
    hex, for the first certificate in `cert_path`: selector 0 = the whole
    certificate, 1 = its SubjectPublicKeyInfo; matching type 0 = exact, 1 =
    SHA-256, 2 = SHA-512. Use a leaf with usage 3 (DANE-EE) and the CA
    certificate with usage 2 (DANE-TA) (RFC 7671)."""
    pem = _read(cert_path)
    end = pem.find("-----END CERTIFICATE-----")
    if end < 0:
        raise ValueError(f"no certificate in {cert_path}")
    der = ssl.PEM_cert_to_DER_cert(pem[:end + len("-----END CERTIFICATE-----")] + "\n")
    if selector == 1:
        r = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-pubkey"],
                           input=der, capture_output=True, timeout=60, check=True)
        body = re.sub(rb"-----[^-]+-----|\s", b"", r.stdout)
        der = base64.b64decode(body)
    elif selector != 0:
        raise ValueError("selector is 0 or 1")
    if matching_type == 0:
        return der.hex()
    if matching_type == 1:
        return hashlib.sha256(der).hexdigest()
    if matching_type == 2:
        return hashlib.sha512(der).hexdigest()
    raise ValueError("matching type is 0, 1 or 2")


class HttpsServer:
    """An HTTPS server on `address`:`port` (the caller picks the port)
    presenting the certificate `cert` (a chain file is fine) with key `key`,
    in a background thread. `routes` = {path: (status, content_type, body,
    extra_headers)} (extra_headers optional, a dict; body str or bytes);
    any other path is 404. The query string is ignored for matching.
    hits(path) counts requests per path (unknown ones too), requests() lists
    (method, path, Host header), handshake_errors counts TLS handshakes that
    failed (for example a client rejecting the certificate). set_route()
    changes a route while running (None removes it). Use as a context
    manager."""

    def __init__(self, address, port, cert, key, routes=None):
        self.address = address
        self.port = port
        self.cert = cert
        self.key = key
        self._routes = dict(routes or {})
        self._hits = {}
        self._requests = []
        self.handshake_errors = 0
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    @property
    def base_url(self):
        return f"https://{self.address}:{self.port}"

    def set_route(self, path, route):
        with self._lock:
            if route is None:
                self._routes.pop(path, None)
            else:
                self._routes[path] = route

    def hits(self, path):
        with self._lock:
            return self._hits.get(path, 0)

    def requests(self):
        with self._lock:
            return list(self._requests)

    def _answer(self, method, path, host):
        path = path.split("?", 1)[0]
        with self._lock:
            self._hits[path] = self._hits.get(path, 0) + 1
            self._requests.append((method, path, host))
            route = self._routes.get(path)
        if route is None:
            return 404, "text/plain", b"not found\n", {}
        status, content_type, body = route[:3]
        headers = dict(route[3]) if len(route) > 3 and route[3] else {}
        return status, content_type, body.encode() if isinstance(body, str) else body, headers

    def _handler(self):
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            timeout = 10

            def setup(self):
                super().setup()
                # The handshake runs here, in this connection's thread, so
                # a silent client cannot stall the accept loop.
                self.request.do_handshake()

            def _reply(self, send_body):
                status, ctype, body, headers = owner._answer(self.command, self.path,
                                                             self.headers.get("Host", ""))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if send_body:
                    self.wfile.write(body)

            def do_GET(self):
                self._reply(True)

            def do_HEAD(self):
                self._reply(False)

            def log_message(self, *args):
                pass

        return Handler

    def start(self):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        owner = self

        class Server(http.server.ThreadingHTTPServer):
            allow_reuse_address = True
            daemon_threads = True

            def get_request(self):
                sock, peer = self.socket.accept()
                return context.wrap_socket(sock, server_side=True,
                                           do_handshake_on_connect=False), peer

            def handle_error(self, request, client_address):
                # A failed handshake (or a client gone mid-request): counted,
                # not printed.
                if isinstance(sys.exc_info()[1], ssl.SSLError):
                    with owner._lock:
                        owner.handshake_errors += 1

        self._server = Server((self.address, self.port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        self.stop()
