"""Starts the real `tern serve` for integration tests and talks to it.

Every server runs in its own temporary directory, on 127.0.0.1 with free
ports, with cheap password hashing so logins are fast; it is stopped by its
PID (SIGTERM, then SIGKILL if it does not end) and its exit code checked.
The binary is $TERN_BIN (set by ctest).
"""
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

TERN_BIN = os.environ.get("TERN_BIN", "")

PROTOCOL_TLS = [
    ("smtp", "smtp", "starttls"),
    ("submission", "submission", "starttls"),
    ("submissions", "submission", "implicit"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


class Tern:
    """One running server. Use as a context manager."""

    def __init__(self, settings=None, listeners=PROTOCOL_TLS, env=None):
        self.dir = tempfile.mkdtemp(prefix="tern-it-")
        self.ports = {name: free_port() for name, _, _ in listeners}
        self.config = os.path.join(self.dir, "tern.toml")
        tables = {
            "server": {"data_dir": f"{self.dir}/data", "hostname": "mx.tern.test",
                       "shutdown_grace_seconds": 5},
            "auth": {"argon2_memory_kib": 1024, "argon2_iterations": 1},
            "smtp": {"greeting_delay_ms": 0},
        }
        arrays = {}  # a list of dicts is an array of tables: [[transport]]
        for table, keys in (settings or {}).items():
            if isinstance(keys, list):
                arrays[table] = keys
            else:
                tables.setdefault(table, {}).update(keys)
        parts = []
        for table, keys in tables.items():
            parts.append(f"[{table}]")
            parts += [f"{k} = {toml_value(v)}" for k, v in keys.items()]
        for table, entries in arrays.items():
            for keys in entries:
                parts.append(f"[[{table}]]")
                parts += [f"{k} = {toml_value(v)}" for k, v in keys.items()]
        for name, proto, tls in listeners:
            parts += ["[[listen]]", f'protocol = "{proto}"', 'address = "127.0.0.1"',
                      f"port = {self.ports[name]}", f'tls = "{tls}"']
        with open(self.config, "w") as f:
            f.write("\n".join(parts) + "\n")
        self.env = dict(os.environ, **(env or {}))
        self.proc = None
        self.output = ""
        self.stderr_path = os.path.join(self.dir, "stderr.log")

    # -- admin commands (the same binary, while the server runs) --
    def admin(self, *args, stdin=None, check=True):
        r = subprocess.run([TERN_BIN, "-c", self.config, *args], input=stdin, text=True,
                           capture_output=True, timeout=60, env=self.env)
        if check and r.returncode != 0:
            raise AssertionError(f"tern {' '.join(args)} failed: {r.stderr}")
        return r

    def add_user(self, address, password):
        domain = address.split("@", 1)[1]
        self.admin("domain", "add", domain, check=False)
        self.admin("user", "add", address, "--password-stdin", stdin=password + "\n")

    # -- life cycle --
    def start(self, wait_ready=30.0):
        self.stderr = open(self.stderr_path, "w")
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen([TERN_BIN, "-c", self.config, "serve"], stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True, env=self.env)
        self.output = read_until(self.proc.stdout, "ready", wait_ready)
        # Listener lines follow "ready"; give them a moment to arrive.
        self.output += read_for(self.proc.stdout, 0.2)
        if "ready" not in self.output:
            self.stop(expect_code=None)
            raise AssertionError("tern did not become ready: " + self.output + self.log())
        self.ready_after = time.monotonic() - self.started_at
        return self

    def log(self):
        try:
            with open(self.stderr_path) as f:
                return f.read()
        except OSError:
            return ""

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, expect_code=0, timeout=20):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("tern did not stop within %ss of SIGTERM" % timeout)
        code = self.proc.returncode
        self.proc.stdout.close()
        self.stderr.close()
        self.proc = None
        if expect_code is not None and code != expect_code:
            raise AssertionError(f"tern exited with {code}:\n{self.log()[-4000:]}")
        return code

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        try:
            self.stop(expect_code=None if exc_type else 0)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def _read_raw(stream, seconds, stop=None):
    """Reads what arrives on a pipe for up to `seconds` (until `stop` is seen).
    Reads the file descriptor directly: a buffered reader would hide data
    from select()."""
    fd = stream.fileno()
    out = b""
    deadline = time.monotonic() + seconds
    while stop is None or stop.encode() not in out:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        out += chunk
    return out.decode(errors="replace")


def read_until(stream, needle, timeout):
    return _read_raw(stream, timeout, needle)


def read_for(stream, seconds):
    return _read_raw(stream, seconds)


class LineClient:
    """A raw socket client for exact protocol bytes."""

    def __init__(self, port, host="127.0.0.1", timeout=10):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                out, self.buf = self.buf, b""
                return out.decode(errors="replace")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return (line + b"\n").decode(errors="replace")

    def reply(self):
        """Reads a whole (possibly multi-line) SMTP reply."""
        lines = []
        while True:
            l = self.line()
            lines.append(l)
            if len(l) < 4 or l[3] != "-":
                return "".join(lines)

    def closed(self, timeout=5):
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            return False

    def close(self):
        self.sock.close()


def main():
    if not TERN_BIN or not os.path.exists(TERN_BIN):
        raise SystemExit("TERN_BIN must name the tern binary")
    unittest.main(verbosity=2)
