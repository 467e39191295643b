"""The servers of the SMTP benchmarks, each in its own temporary directory.

- TernSmtp: the release binary, one `tern serve`, an SMTP (port 25 role)
  listener on 127.0.0.1 without TLS, settings in docs/performance.md.
- BenchPostfix: tests/integration/peers.py's private Postfix (its queue,
  config and Maildirs in a temporary directory, smtpd on 127.0.0.2, stopped
  by the master's PID), with main.cf keys changed for the benchmark and an
  `smtp` client service added for the outbound run.
- Sink: smtp-sink on 127.0.0.2 counting messages ("." received) from its
  -c counter output, with the time each count was reached.
- the Unbound of peers.py serves the sink domain's MX for Tern.

Every server is stopped by the PID this module started.
"""
import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))
import common  # noqa: E402  (bench/common.py)
import peers  # noqa: E402  (tests/integration/peers.py)

DOMAIN = "bench.test"          # local users of both servers
SINK_DOMAIN = "sink.test"      # the outbound destination
SENDER = "sender@source.test"
PASSWORD = "bench password"


class TernSmtp:
    """Tern with an SMTP listener; `queue` holds [queue] keys, `dns` the
    nameserver ("ip:port") for the runner's MX lookups."""

    def __init__(self, binary, workdir, dns="", queue=None):
        self.binary = binary
        self.dir = os.path.join(workdir, "tern")
        os.makedirs(self.dir, exist_ok=True)
        self.config = os.path.join(self.dir, "tern.toml")
        self.port = common.free_port()
        self.dns = dns
        self.proc = None
        self.log = None
        self.write_config(queue or {})

    def write_config(self, queue):
        lines = ["[server]", f'data_dir = "{self.dir}/data"', 'hostname = "mx.bench.test"',
                 # No waiting for early talkers: Postfix's smtpd has no such pause
                 # (that is postscreen's job, which is not in this comparison).
                 "[smtp]", "greeting_delay_ms = 0",
                 "[limits]", "max_connections_per_ip = 1000",
                 ]
        if self.has_mailauth():
            # Postfix does no SPF/DKIM/DMARC on its own: compare like with like.
            lines += ["[mailauth]", "spf = false", "dkim_verify = false", "dmarc = false"]
        if self.dns:
            lines += ["[dns]", f'nameservers = "{self.dns}"']
        if queue:
            lines.append("[queue]")
            lines += [f"{k} = {v}" for k, v in queue.items()]
        lines += ["[[listen]]", 'protocol = "smtp"', 'address = "127.0.0.1"', f"port = {self.port}",
                  'tls = "none"']
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def has_mailauth(self):
        """Builds before the inbound checks (issue 8) do not know [mailauth]."""
        probe = os.path.join(self.dir, "probe.toml")
        with open(probe, "w") as f:
            f.write("[mailauth]\nspf = false\n")
        r = subprocess.run([self.binary, "config", "check", probe], capture_output=True, text=True, timeout=60)
        return r.returncode == 0

    def admin(self, *args, stdin=None):
        return subprocess.run([self.binary, "-c", self.config, *args], input=stdin, text=True, check=True,
                              capture_output=True, timeout=120).stdout

    def add_users(self, addresses):
        self.admin("domain", "add", DOMAIN)
        for a in addresses:
            self.admin("user", "add", a, "--password-stdin", stdin=PASSWORD + "\n")

    def start(self):
        self.log = open(os.path.join(self.dir, "tern.log"), "a")
        self.proc = subprocess.Popen([self.binary, "-c", self.config, "serve"], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        if not common.wait_for_port(self.port, 30, self.proc):
            raise RuntimeError("tern did not start; see " + self.log.name)

    def stop(self):
        common.stop_pid(self.proc)
        self.proc = None
        if self.log:
            self.log.close()
            self.log = None

    @property
    def pid(self):
        return self.proc.pid

    def queue_empty(self):
        return "queue is empty" in self.admin("queue", "list")

    def mailbox_count(self, address):
        return len([ln for ln in self.admin("mail", "list", address).splitlines() if ln.strip()])


class BenchPostfix(peers.Postfix):
    """peers.Postfix with `overrides` applied to main.cf and, when
    `relay_to` ("[127.0.0.2]:PORT") is set, everything non-local relayed there
    through an smtp(8) client service."""

    def __init__(self, overrides=None, relay_to=None):
        super().__init__(domains=(DOMAIN,), address="127.0.0.2", hostname="mx.postfix.bench.test")
        self.overrides = dict(overrides or {})
        self.relay_to = relay_to

    def _write_config(self):
        super()._write_config()
        main_cf = os.path.join(self.config_dir, "main.cf")
        keys = {}
        with open(main_cf) as f:
            for line in f:
                k, v = line.rstrip("\n").split(" = ", 1)
                keys[k] = v
        keys.update(self.overrides)
        if self.relay_to:
            keys.update({
                "relayhost": self.relay_to,
                "default_transport": "smtp",
                "relay_transport": "smtp",
                # [address]:port needs no DNS; never ask it anyway.
                "smtp_host_lookup": "native",
                "smtp_dns_support_level": "disabled",
            })
        with open(main_cf, "w") as f:
            f.write("".join(f"{k} = {v}\n" for k, v in keys.items()))
        if self.relay_to:
            with open(os.path.join(self.config_dir, "master.cf"), "a") as f:
                # postqueue -f needs pickup (public/pickup) to be there.
                f.write("pickup    unix  n       -       n       60      1       pickup\n"
                        "smtp      unix  -       -       n       -       -       smtp\n"
                        "relay     unix  -       -       n       -       -       smtp\n")

    def postconf(self, **settings):
        for k, v in settings.items():
            subprocess.run(["postconf", "-c", self.config_dir, "-e", f"{k} = {v}"], check=True,
                           capture_output=True, timeout=60)

    def postqueue(self, *args):
        return subprocess.run(["postqueue", "-c", self.config_dir, *args], capture_output=True, text=True,
                              timeout=120)

    def queue_count(self):
        """Messages in Postfix's queue (files under incoming/active/deferred)."""
        n = 0
        for sub in ("incoming", "active", "deferred", "maildrop", "hold"):
            for _, _, files in os.walk(os.path.join(self.queue_dir, sub)):
                n += len(files)
        return n

    def maildir_count(self):
        n = 0
        for sub in ("new", "cur"):
            try:
                n += len(os.listdir(os.path.join(self.maildir(DOMAIN), sub)))
            except FileNotFoundError:
                pass
        return n

    @property
    def pid(self):
        return self.master_pid


class Sink:
    """smtp-sink on 127.0.0.2:port; `count` is the messages received so far
    and `times[i]` the monotonic time message i+1 was counted."""

    def __init__(self, workdir):
        self.port = peers.free_port("127.0.0.2")
        self.count = 0
        self.times = []
        self.proc = None
        self.errlog = open(os.path.join(workdir, "sink.stderr"), "w")
        self._lock = threading.Lock()

    def start(self):
        user = ["-u", "nobody"] if os.getuid() == 0 else []
        self.proc = subprocess.Popen(["smtp-sink", "-c", *user, "-m", "1000", f"127.0.0.2:{self.port}", "1024"],
                                     stdout=subprocess.PIPE, stderr=self.errlog, bufsize=0)
        threading.Thread(target=self._read, daemon=True).start()
        peers.wait_for(self._accepts, 20, what="smtp-sink to listen")
        return self

    def _accepts(self):
        import socket
        try:
            with socket.create_connection(("127.0.0.2", self.port), timeout=1):
                return True
        except OSError:
            return False

    def _read(self):
        pending = b""
        while True:
            chunk = self.proc.stdout.read(4096)
            if not chunk:
                return
            t = time.monotonic()
            pending += chunk
            *records, pending = re.split(rb"[\r\n]", pending)
            for rec in records:
                m = re.search(rb"mesg=(\d+)", rec)
                if m:
                    n = int(m.group(1))
                    with self._lock:
                        while self.count < n:
                            self.count += 1
                            self.times.append(t)

    def wait_count(self, n, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count >= n:
                return True
            time.sleep(0.02)
        return False

    def stop(self):
        common.stop_pid(self.proc)
        self.errlog.close()
