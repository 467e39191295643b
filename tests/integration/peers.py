"""Real peers for the outbound tests: a DNS server (unbound) serving test
zones, DNSSEC-signed ones too, and a receiving MTA (Postfix), each on
loopback in its own temporary directory; and for TLS policy tests (MTA-STS,
DANE) a private CA (TestCA), TLSA data (tlsa_data) and an HTTPS server
(HttpsServer).

Both are context managers. Each starts the real daemon, waits until it
serves, and on exit stops it by the PID it started (SIGTERM, then SIGKILL)
and removes its directory. Nothing outside the temporary directory is
written: unbound refuses everything it is not told about (so it never
recurses off the machine), and the Postfix instance has its own config,
queue, data and mail directories, listens on one loopback address, and
sends nothing anywhere (every transport is `error`). /etc/postfix is only
read (postfix-script reads its meta files there).
"""
import grp
import ipaddress
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

UNBOUND = "/usr/sbin/unbound" if os.path.exists("/usr/sbin/unbound") else "unbound"
POSTFIX = "/usr/sbin/postfix" if os.path.exists("/usr/sbin/postfix") else "postfix"


def free_port(address="127.0.0.1", kind=socket.SOCK_STREAM):
    """A port free on `address` now (another process may take it later:
    callers retry start-up)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, interval=0.05, what="condition"):
    """Polls `predicate` until it returns a true value or `timeout` passes;
    returns that value, or raises AssertionError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _stop_pid(proc, timeout=10):
    """SIGTERM to a process we started, then SIGKILL if it lingers."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class SignedZone:
    """A zone for Unbound(signed=...): full zone-file lines (owners absolute
    or relative to the zone), and whether to make it bogus: signed, then one
    record of each RRset altered (A, AAAA, MX, TXT, TLSA data; for other
    types the RRSIG is) so validation fails and the resolver answers
    SERVFAIL (RFC 4035 5.5)."""

    def __init__(self, lines, bogus=False):
        self.lines = list(lines)
        self.bogus = bogus


def _as_signed(spec):
    return spec if isinstance(spec, SignedZone) else SignedZone(spec)


# Types that carry the DNSSEC machinery or the zone apex: never tampered with.
_DNSSEC_TYPES = {"SOA", "NS", "DNSKEY", "RRSIG", "NSEC", "NSEC3", "NSEC3PARAM", "DS"}


def _rr_fields(line):
    """(fields, index of the type field) of a zone-file line with an owner."""
    fields = line.split()
    i = 1
    while i < len(fields) and (fields[i].isdigit() or fields[i].upper() in ("IN", "CH", "HS")):
        i += 1
    return fields, i


def _rr_type(line):
    fields, i = _rr_fields(line)
    return fields[i].upper() if i < len(fields) else ""


def _tamper(line):
    """The record with its data changed, or None for a type we do not alter."""
    fields, i = _rr_fields(line)
    rtype, rdata = fields[i].upper(), fields[i + 1:]
    if rtype == "A":
        octets = rdata[0].split(".")
        octets[-1] = str((int(octets[-1]) + 1) % 256)
        rdata[0] = ".".join(octets)
    elif rtype == "AAAA":
        rdata[0] = str(ipaddress.IPv6Address((int(ipaddress.IPv6Address(rdata[0])) + 1) % 2**128))
    elif rtype == "MX":
        rdata[0] = str((int(rdata[0]) + 1) % 65536)
    elif rtype == "TLSA":
        rdata[-1] = rdata[-1][:-1] + ("1" if rdata[-1][-1] == "0" else "0")
    elif rtype == "TXT" and rdata[-1].endswith('"'):
        rdata[-1] = rdata[-1][:-1] + 'x"'
    else:
        return None
    return " ".join(fields[:i + 1] + rdata)


def _make_bogus(signed_lines):
    """Alters every non-DNSSEC record after signing (or, for types _tamper
    does not know, breaks the RRSIG over it)."""
    out, broken = [], set()
    for line in signed_lines:
        rtype = _rr_type(line) if line.strip() and not line.startswith(";") else ""
        if rtype and rtype not in _DNSSEC_TYPES:
            changed = _tamper(line)
            if changed is None:
                broken.add((line.split()[0].lower(), rtype))
            else:
                line = changed
        out.append(line)
    for n, line in enumerate(out):
        fields, i = _rr_fields(line) if line.strip() else ([], 0)
        if i + 1 < len(fields) and fields[i].upper() == "RRSIG" and \
                (fields[0].lower(), fields[i + 1].upper()) in broken:
            sig = fields[-1]
            fields[-1] = ("B" if sig[0] != "B" else "C") + sig[1:]
            out[n] = " ".join(fields)
    if out == list(signed_lines):
        raise ValueError("bogus zone has no record to alter")
    return out


def _zone_dir(root, zone):
    return os.path.join(root, "dnssec", zone.rstrip("."))


def _signed_path(root, zone):
    return os.path.join(_zone_dir(root, zone), "zone.signed")


def _ds_path(root, zone):
    return os.path.join(_zone_dir(root, zone), "trust-anchor.ds")


def _sign_zone(root, zone, spec):
    """Signs `spec` with the zone's key (made on first use: one ECDSA P-256
    key with the KSK flag, signing everything), writes zone.signed (altered
    when spec.bogus) and the DS to use as trust anchor."""
    zdir = _zone_dir(root, zone)
    os.makedirs(zdir, exist_ok=True)
    keys = [n[:-4] for n in os.listdir(zdir) if n.startswith("K") and n.endswith(".key")]
    if not keys:
        r = subprocess.run(["ldns-keygen", "-a", "ECDSAP256SHA256", "-k", zone], cwd=zdir,
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise AssertionError(f"ldns-keygen failed for {zone}: {r.stderr}")
        keys = [r.stdout.split()[0]]
        shutil.copy(os.path.join(zdir, keys[0] + ".ds"), _ds_path(root, zone))
    types = {_rr_type(line) for line in spec.lines}
    head = [f"$ORIGIN {zone}", "$TTL 60"]
    if "SOA" not in types:
        head.append(f"{zone} 3600 IN SOA ns.{zone} hostmaster.{zone} 1 3600 600 86400 60")
    if "NS" not in types:
        head.append(f"{zone} 3600 IN NS ns.{zone}")
    with open(os.path.join(zdir, "zone"), "w") as f:
        f.write("\n".join(head + spec.lines) + "\n")
    r = subprocess.run(["ldns-signzone", "-f", "zone.new", "zone", keys[0]], cwd=zdir,
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError(f"ldns-signzone failed for {zone}: {r.stderr}{r.stdout}")
    if spec.bogus:
        with open(os.path.join(zdir, "zone.new")) as f:
            lines = f.read().splitlines()
        with open(os.path.join(zdir, "zone.new"), "w") as f:
            f.write("\n".join(_make_bogus(lines)) + "\n")
    os.replace(os.path.join(zdir, "zone.new"), _signed_path(root, zone))


def _spawn_unbound(conf, log_path, err_path, timeout):
    """Starts `unbound -d -c conf`; returns (proc, "") once it serves, or
    (None, why) after stopping it."""
    if os.path.exists(log_path):
        os.remove(log_path)
    with open(err_path, "w") as err:
        proc = subprocess.Popen([UNBOUND, "-d", "-c", conf], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if "start of service" in _read(log_path):
            return proc, ""
        time.sleep(0.02)
    _stop_pid(proc)
    return None, _read(log_path) + _read(err_path)


def _reload_unbound(proc, log_path, timeout=10):
    """SIGHUP: unbound re-reads its config and zone files and empties its
    cache; waits until it serves again."""
    before = _read(log_path).count("start of service")
    proc.send_signal(signal.SIGHUP)
    wait_for(lambda: _read(log_path).count("start of service") > before, timeout,
             what="unbound to reload")


class _AuthUnbound:
    """The authoritative side of Unbound(signed=...): auth-zone for each
    signed zone, refusing everything else."""

    def __init__(self, root, address, zones):
        self.dir = root
        self.address = address
        self.zones = zones
        self.port = None
        self.proc = None
        self.conf = os.path.join(root, "auth.conf")
        self.log_path = os.path.join(root, "auth.log")

    def write_config(self):
        lines = ["server:", f"  interface: {self.address}", f"  port: {self.port}",
                 "  do-daemonize: no", '  username: ""', '  chroot: ""',
                 f'  directory: "{self.dir}"', f'  pidfile: "{self.dir}/auth.pid"',
                 f'  logfile: "{self.log_path}"', "  use-syslog: no", "  verbosity: 1",
                 "  do-ip6: no", "  num-threads: 1", "  access-control: 127.0.0.0/8 allow",
                 '  local-zone: "." refuse']
        # Local zones are consulted before auth zones: let these through.
        lines += [f'  local-zone: "{zone}" transparent' for zone in self.zones]
        for zone in self.zones:
            lines += ["auth-zone:", f'  name: "{zone}"',
                      f'  zonefile: "{_signed_path(self.dir, zone)}"',
                      "  for-downstream: yes", "  for-upstream: no", "  fallback-enabled: no"]
        lines += ["remote-control:", "  control-enable: no"]
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self, timeout):
        problem = ""
        for _ in range(3):
            self.port = free_port(self.address, socket.SOCK_DGRAM)
            self.write_config()
            self.proc, problem = _spawn_unbound(self.conf, self.log_path,
                                                os.path.join(self.dir, "auth-stderr.log"), timeout)
            if self.proc:
                return self
        raise AssertionError("authoritative unbound did not start: " + problem)

    def reload(self):
        self.write_config()
        _reload_unbound(self.proc, self.log_path)

    def stop(self):
        _stop_pid(self.proc)
        self.proc = None


class Unbound:
    """unbound answering only for the given records.

    `records` is a list of zone-file lines such as
    'dest.test. 60 IN MX 10 mx1.dest.test.', or a dict {zone: [lines]}.
    With a list, the top-level label of every owner name becomes a
    `static` local zone (so unknown names under it are NXDOMAIN, and the
    RFC 6761 default refusal of .test is overridden). `port` and
    `address` are where it listens; `nameserver` is "address:port" as
    Tern's [dns] nameservers wants it.

    `signed` = {zone: [zone-file lines] or SignedZone(lines, bogus=True)}:
    each zone is signed with its own ECDSA P-256 key (ldns-keygen,
    ldns-signzone; SOA and NS are added when the lines lack them) and served
    by a second unbound (auth-zone) on another port of `address`; this
    resolver validates them against the zone's DS as trust anchor, so its
    answers there carry the AD bit (RFC 4035 3.2.3), and a bogus zone (a
    record altered after signing) answers SERVFAIL. Answers from the
    unsigned local-data zones never carry AD. set_signed_zone() re-signs a
    zone (same key) and reloads both daemons, which also empties the cache.
    """

    def __init__(self, records, address="127.0.0.1", signed=None):
        # DNSSEC-signed zones (see SignedZone), served by a second,
        # authoritative unbound and validated by this one.
        self.signed = {zone.rstrip(".") + ".": _as_signed(spec)
                       for zone, spec in (signed or {}).items()}
        self.auth = None
        if isinstance(records, dict):
            self.zones = {zone.rstrip(".") + ".": list(lines) for zone, lines in records.items()}
        else:
            self.zones = {}
            for line in records:
                owner = line.split()[0].rstrip(".")
                self.zones.setdefault(owner.rsplit(".", 1)[-1] + ".", []).append(line)
        self.address = address
        self.dir = None
        self.proc = None
        self.port = None

    @property
    def nameserver(self):
        return f"{self.address}:{self.port}"

    @property
    def log_path(self):
        return os.path.join(self.dir, "unbound.log")

    def log(self):
        return _read(self.log_path)

    def _write_config(self):
        lines = [
            "server:",
            f"  interface: {self.address}",
            f"  port: {self.port}",
            "  do-daemonize: no",
            '  username: ""',
            '  chroot: ""',
            f'  directory: "{self.dir}"',
            f'  pidfile: "{self.dir}/unbound.pid"',
            f'  logfile: "{self.log_path}"',
            "  use-syslog: no",
            "  verbosity: 1",
            "  do-ip6: no",
            "  num-threads: 1",
            "  access-control: 127.0.0.0/8 allow",
            # Never recurse off the machine: whatever is not served is refused.
            '  local-zone: "." refuse',
        ]
        for zone, records in self.zones.items():
            lines.append(f'  local-zone: "{zone}" static')
            for record in records:
                # unbound's config has no backslash escapes: quote with the
                # kind of quote the record does not use (TXT data has ").
                quote = "'" if "'" not in record else '"'
                lines.append(f"  local-data: {quote}{record}{quote}")
        lines += self._validator_lines()
        lines += ["remote-control:", "  control-enable: no"]
        with open(os.path.join(self.dir, "unbound.conf"), "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self, timeout=10):
        self.dir = tempfile.mkdtemp(prefix="tern-unbound-")
        if self.signed:
            try:
                for zone in self.signed:
                    _sign_zone(self.dir, zone, self.signed[zone])
                self.auth = _AuthUnbound(self.dir, self.address, self.signed).start(timeout)
            except BaseException:
                self.stop()
                raise
        problem = ""
        for _ in range(3):  # the free port may be taken before unbound binds it
            self.port = free_port(self.address, socket.SOCK_DGRAM)
            self._write_config()
            if os.path.exists(self.log_path):
                os.remove(self.log_path)
            with open(os.path.join(self.dir, "stderr.log"), "w") as err:
                self.proc = subprocess.Popen(
                    [UNBOUND, "-d", "-c", os.path.join(self.dir, "unbound.conf")],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.proc.poll() is None:
                if "start of service" in self.log():
                    return self
                time.sleep(0.02)
            problem = self.log() + _read(os.path.join(self.dir, "stderr.log"))
            _stop_pid(self.proc)
        self.stop()
        raise AssertionError("unbound did not start: " + problem)

    def stop(self):
        _stop_pid(self.proc)
        self.proc = None
        if self.auth:
            self.auth.stop()
            self.auth = None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def _validator_lines(self):
        """Resolver settings for the signed zones: validate them (RFC 4035
        5) with each zone's DS as trust anchor, asking the authoritative
        unbound on loopback (do-not-query-localhost: no) through a stub."""
        if not self.signed:
            return []
        lines = ['  module-config: "validator iterator"', "  do-not-query-localhost: no",
                 "  qname-minimisation: no", "  val-log-level: 2"]
        for zone in self.signed:
            # More specific than "." refuse and the RFC 6761 "test." default.
            lines.append(f'  local-zone: "{zone}" transparent')
            lines.append(f'  trust-anchor-file: "{_ds_path(self.dir, zone)}"')
        for zone in self.signed:
            lines += ["stub-zone:", f'  name: "{zone}"',
                      f"  stub-addr: {self.auth.address}@{self.auth.port}"]
        return lines

    def trust_anchor(self, zone):
        """The DS record of a signed zone's key, as the resolver trusts it."""
        return _read(_ds_path(self.dir, zone.rstrip(".") + ".")).strip()

    def set_signed_zone(self, zone, lines, bogus=False):
        """Replaces (or adds) a signed zone while running: re-signs it with
        its key and reloads both daemons (which empties the cache)."""
        zone = zone.rstrip(".") + "."
        self.signed[zone] = SignedZone(lines, bogus)
        _sign_zone(self.dir, zone, self.signed[zone])
        if self.auth is None:
            self.auth = _AuthUnbound(self.dir, self.address, self.signed).start(10)
        else:
            self.auth.reload()
        self._write_config()
        _reload_unbound(self.proc, self.log_path)

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        self.stop()


MASTER_CF = """\
# service type  private unpriv  chroot  wakeup  maxproc command
{address}:{port} inet n - n - - smtpd
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


class Postfix:
    """A private Postfix instance that receives mail for `domains` on
    `address`:`port` (a free port by default) and stores every message for
    a domain in the Maildir `maildir_root`/<domain>/; messages(address)
    picks one recipient's by the Delivered-To header Postfix prepends.

    STARTTLS is offered, with a self-signed certificate for `hostname` or,
    with cert=(cert_path, key_path), that certificate (a file with the
    chain after the leaf is sent whole), and the Received header it adds
    says so (smtpd_tls_received_header). Each TLS session is logged
    (smtpd_tls_loglevel 1) as "Anonymous TLS connection established from
    ..." (tls_sessions() counts them); the "disconnect from" line lists the
    commands, starttls=1 among them when the client used TLS. `access` maps an
    address (or a regexp source between slashes) to a reply such as
    "450 4.2.0 try later"; change it with set_access(), which reloads.
    The log is in `log_path` (maillog_file via postlogd). `main_cf` adds or
    overrides main.cf settings (for example {"smtpd_discard_ehlo_keywords":
    "dsn"} for a peer without DSN).
    """

    def __init__(self, domains=("dest.test",), address="127.0.0.2", port=None, access=None,
                 hostname=None, cert=None, main_cf=None):
        self.main_cf = dict(main_cf or {})  # extra main.cf settings, applied last
        self.domains = list(domains)
        self.cert = cert
        self.address = address
        self.port = port
        self.access = dict(access or {})
        self.hostname = hostname or f"mx.{self.domains[0]}"
        self.dir = None
        self.proc = None
        self.master_pid = None

    # -- paths --
    @property
    def config_dir(self):
        return os.path.join(self.dir, "etc")

    @property
    def queue_dir(self):
        return os.path.join(self.dir, "spool")

    @property
    def maildir_root(self):
        return os.path.join(self.dir, "mail")

    @property
    def log_path(self):
        return os.path.join(self.dir, "maillog")

    def log(self):
        return _read(self.log_path)

    # -- configuration --
    def _access_lines(self):
        lines = []
        for key, reply in self.access.items():
            if not (key.startswith("/") and key.endswith("/")):
                key = "/^" + re.escape(key) + "$/"
            lines.append(f"{key} {reply}")
        return "\n".join(lines) + "\n"

    def _write_config(self):
        etc = self.config_dir
        nobody = pwd.getpwnam("nobody")
        main = {
            "compatibility_level": "3.6",
            "queue_directory": self.queue_dir,
            "data_directory": os.path.join(self.dir, "data"),
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": self.hostname,
            "mydomain": self.domains[0],
            "myorigin": "$myhostname",
            "mydestination": "",
            "mynetworks": "127.0.0.0/8",
            # Postfix insists each inet_interfaces address is an interface
            # address; 127.0.0.2 is not (lo has 127.0.0.1/8). The smtpd
            # service in master.cf names its own address, so this only
            # limits what else could listen.
            "inet_interfaces": "loopback-only",
            "inet_protocols": "ipv4",
            # Never send anything anywhere.
            "relayhost": "",
            "default_transport": "error:outbound mail is disabled in this test instance",
            "relay_transport": "error:outbound mail is disabled in this test instance",
            "local_transport": "error:no local delivery in this test instance",
            "alias_maps": "",
            "alias_database": "",
            "virtual_mailbox_domains": " ".join(self.domains),
            "virtual_mailbox_base": self.maildir_root,
            "virtual_mailbox_maps": f"regexp:{etc}/mailboxes",
            "virtual_uid_maps": f"static:{nobody.pw_uid}",
            "virtual_gid_maps": f"static:{nobody.pw_gid}",
            "smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
            "smtpd_recipient_restrictions": f"check_recipient_access regexp:{etc}/access, permit",
            "smtpd_tls_security_level": "may",
            "smtpd_tls_cert_file": f"{etc}/cert.pem",
            "smtpd_tls_key_file": f"{etc}/key.pem",
            "smtpd_tls_received_header": "yes",
            "smtpd_tls_loglevel": "1",
            "smtputf8_enable": "yes",
            "maillog_file": self.log_path,
            "maillog_file_prefixes": self.dir,
            # Tests: answer at once, no penalty sleeps, no DNS for the client.
            "smtpd_error_sleep_time": "0",
            "smtpd_soft_error_limit": "1000",
            "smtpd_hard_error_limit": "1000",
            "in_flow_delay": "0",
            "smtpd_peername_lookup": "no",
            "smtpd_banner": "$myhostname ESMTP",
            "biff": "no",
            "readme_directory": "no",
            "notify_classes": "",
        }
        main.update(self.main_cf)
        with open(os.path.join(etc, "main.cf"), "w") as f:
            f.write("".join(f"{k} = {v}\n" for k, v in main.items()))
        with open(os.path.join(etc, "master.cf"), "w") as f:
            f.write(MASTER_CF.format(address=self.address, port=self.port))
        # Every address of a domain is accepted into one Maildir per domain,
        # <root>/<domain>/: virtual(8) refuses regexp substitution ($1) in
        # this map, so a per-address directory cannot be computed. The
        # Delivered-To header virtual(8) prepends tells recipients apart.
        with open(os.path.join(etc, "mailboxes"), "w") as f:
            for domain in self.domains:
                f.write(f"/@{re.escape(domain)}$/ {domain}/\n")
        self._write_access()

    def _write_access(self):
        path = os.path.join(self.config_dir, "access")
        with open(path + ".new", "w") as f:
            f.write(self._access_lines())
        os.replace(path + ".new", path)

    def _make_cert(self):
        etc = self.config_dir
        if self.cert:
            shutil.copyfile(self.cert[0], f"{etc}/cert.pem")
            shutil.copyfile(self.cert[1], f"{etc}/key.pem")
            os.chmod(f"{etc}/key.pem", 0o600)
            return
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", f"/CN={self.hostname}", "-addext", f"subjectAltName=DNS:{self.hostname}",
                        "-keyout", f"{etc}/key.pem", "-out", f"{etc}/cert.pem"],
                       check=True, capture_output=True, timeout=60)
        os.chmod(f"{etc}/key.pem", 0o600)

    def postfix(self, *args, check=True):
        """Runs `postfix -c DIR args...` for this instance."""
        r = subprocess.run([POSTFIX, "-c", self.config_dir, *args], capture_output=True, text=True,
                           timeout=60)
        if check and r.returncode != 0:
            raise AssertionError(f"postfix {' '.join(args)} failed ({r.returncode}): "
                                 f"{r.stdout}{r.stderr}{self._why(args)}{self.log()[-3000:]}")
        return r

    def _why(self, args):
        """Postfix commands print their errors only to a terminal (else to
        syslog, which may not exist here): run the command again on a
        pseudo-terminal to show why it failed."""
        cmd = " ".join([POSTFIX, "-c", self.config_dir, *args])
        r = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, text=True,
                           timeout=60)
        return r.stdout

    # -- life cycle --
    def start(self, timeout=30):
        self.dir = tempfile.mkdtemp(prefix="tern-postfix-")
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, timeout):
        # Postfix's own users must reach the queue and the Maildirs.
        os.chmod(self.dir, 0o755)
        os.mkdir(self.config_dir, 0o755)
        nobody = pwd.getpwnam("nobody")
        os.mkdir(self.maildir_root, 0o755)
        os.chown(self.maildir_root, nobody.pw_uid, nobody.pw_gid)
        self._make_queue()
        if self.port is None:
            self.port = free_port(self.address)
        self._make_cert()
        self._write_config()
        with open(os.path.join(self.dir, "start-fg.log"), "w") as err:
            self.proc = subprocess.Popen([POSTFIX, "-c", self.config_dir, "start-fg"],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=err)
        pid_file = os.path.join(self.queue_dir, "pid", "master.pid")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("postfix start-fg exited with %s: %s%s" % (
                    self.proc.returncode, _read(os.path.join(self.dir, "start-fg.log")), self.log()))
            pid = self._master_pid(pid_file)
            if pid and self._accepts():
                self.master_pid = pid
                return
            time.sleep(0.05)
        raise AssertionError("postfix did not start listening: " + self.log())

    def _make_queue(self):
        """Creates the queue and data directories as /etc/postfix/postfix-files
        lists them. `postfix check` would do the same through post-install
        create-missing, but its dozens of shell commands cost seconds on a
        loaded machine; with the tree made, `quick-start` lets start-fg skip
        those checks (an empty new queue has nothing for postsuper to fix)."""
        owner = pwd.getpwnam("postfix")
        setgid = grp.getgrnam("postdrop").gr_gid
        os.mkdir(self.queue_dir, 0o755)
        dirs = [("data", None, 0o700), ("spool/pid", "root", 0o755),
                ("spool/maildrop", setgid, 0o730), ("spool/public", setgid, 0o710)]
        dirs += [("spool/" + name, None, 0o700) for name in (
            "active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming",
            "private", "saved", "trace")]
        for name, group, mode in dirs:
            path = os.path.join(self.dir, name)
            os.mkdir(path)
            if group != "root":
                os.chown(path, owner.pw_uid, owner.pw_gid if group is None else group)
            os.chmod(path, mode)
        open(os.path.join(self.queue_dir, "quick-start"), "w").close()

    def _master_pid(self, pid_file):
        """The master's PID from its pid file, only if it descends from the
        process we started (so we never signal a stranger)."""
        try:
            pid = int(_read(pid_file).split()[0])
        except (IndexError, ValueError):
            return None
        p = pid
        for _ in range(5):
            if p == self.proc.pid:
                return pid
            try:
                p = int(_read(f"/proc/{p}/stat").rsplit(")", 1)[1].split()[1])
            except (IndexError, ValueError):
                return None
        return None

    def _is_our_master(self, pid):
        try:
            return os.path.realpath(os.readlink(f"/proc/{pid}/cwd")) == \
                os.path.realpath(self.queue_dir)
        except OSError:
            return False

    def _accepts(self):
        try:
            with socket.create_connection((self.address, self.port), timeout=2) as s:
                s.settimeout(5)
                return s.recv(512).startswith(b"220")
        except OSError:
            return False

    def reload(self):
        self.postfix("reload")

    def tls_sessions(self):
        """How many TLS sessions smtpd has logged as established."""
        return self.log().count("TLS connection established from")

    def set_access(self, access):
        """Replaces the recipient access map and reloads Postfix so every
        new SMTP session uses it."""
        self.access = dict(access)
        self._write_access()
        self.reload()

    def stop(self):
        # start-fg runs the master as a child of postfix-script's shell:
        # SIGTERM to the master (its PID checked to be our descendant) ends
        # Postfix cleanly, and the shell then exits by itself.
        if self.proc is not None and self.proc.poll() is None:
            if not self.master_pid:  # start-up failed half-way: is there a master?
                self.master_pid = self._master_pid(os.path.join(self.queue_dir, "pid", "master.pid"))
            if self.master_pid:
                try:
                    os.kill(self.master_pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                try:
                    self.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    try:
                        os.kill(self.master_pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            _stop_pid(self.proc)
        elif self.master_pid and self._is_our_master(self.master_pid):
            # The start-fg shell is gone but its master lives on (it was
            # reparented): it is still ours, as its working directory (the
            # master chdirs to its queue_directory) shows.
            try:
                os.kill(self.master_pid, signal.SIGTERM)
                wait_for(lambda: not self._is_our_master(self.master_pid), 15,
                         what="the Postfix master to exit")
            except (ProcessLookupError, AssertionError):
                try:
                    os.kill(self.master_pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.proc = None
        self.master_pid = None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        self.stop()

    # -- what arrived --
    def maildir(self, domain):
        return os.path.join(self.maildir_root, domain)

    def domain_messages(self, domain):
        """The raw bytes of every message delivered into `domain`'s
        Maildir, oldest first (Maildir names start with the time)."""
        out = []
        for sub in ("new", "cur"):
            d = os.path.join(self.maildir(domain), sub)
            try:
                names = os.listdir(d)
            except FileNotFoundError:
                continue
            for name in names:
                with open(os.path.join(d, name), "rb") as f:
                    out.append((name, f.read()))
        out.sort(key=lambda item: item[0])
        return [data for _, data in out]

    def messages(self, address):
        """The messages delivered to `address`: those whose Delivered-To
        (prepended by virtual(8), so the first one) names it."""
        want = address.lower().encode()
        out = []
        for data in self.domain_messages(address.rsplit("@", 1)[1].lower()):
            m = re.search(rb"^Delivered-To: *(\S+)\r?$", data.split(b"\n\n", 1)[0], re.M | re.I)
            if m and m.group(1).lower() == want:
                out.append(data)
        return out

    def wait_messages(self, address, count=1, timeout=30):
        """Waits until `address` has at least `count` messages; returns them."""
        def enough():
            got = self.messages(address)
            return got if len(got) >= count else None
        try:
            return wait_for(enough, timeout, what=f"{count} message(s) for {address}")
        except AssertionError as e:
            raise AssertionError(f"{e}; Postfix log:\n{self.log()[-3000:]}") from None


# ---- TLS: a private CA, DANE TLSA data and an HTTPS server ----


# The TLS policy peers live in tls_peers.py; re-exported for the tests.
from tls_peers import HttpsServer, TestCA, tlsa_data  # noqa: E402,F401
