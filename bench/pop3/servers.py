"""The two servers of the POP3 and IMAP benchmarks, each in its own directory.

Tern: the release binary, one `tern serve` process, default argon2id
parameters (its credential cache makes repeated logins cheap), mail
delivered over SMTP so it takes the production path (parse, store, group
commit). Dovecot: Debian's dovecot-pop3d or dovecot-imapd (`protocol`) from
a dovecot.conf written here,
login processes in high-performance mode, passwd-file with SHA512-CRYPT
(Dovecot's own scheme default), the auth cache on, and maildir files written
directly. docs/performance.md lists every setting.

Both get the same users (u1..uN@bench.test, one password) and the same
message bodies: messages() here for POP3, bench/imap/mime_messages.py for
IMAP (populate() takes the generator).
"""
import concurrent.futures
import os
import pwd
import random
import smtplib
import subprocess
import time

import common

DOMAIN = "bench.test"
PASSWORD = "bench password"
BENCH_USER = "ternbench"
WORDS = ("mail server message body line text inbox lorem ipsum dolor sit amet consectetur adipiscing "
         "elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua").split()


def users(n):
    return [f"u{i}@{DOMAIN}" for i in range(1, n + 1)]


def messages(user_index, count, seed=5):
    """`count` messages of 2-20 KiB with CRLF line ends, the same for both servers.
    One line per message starts with '.', so RETR has to dot-stuff."""
    rng = random.Random(seed * 100003 + user_index)
    out = []
    for i in range(count):
        target = rng.randint(2048, 20480)
        head = (f"From: Sender {i} <sender{i}@example.net>\r\nTo: u{user_index}@{DOMAIN}\r\n"
                f"Subject: benchmark message {i} for u{user_index}\r\n"
                f"Date: Mon, 2 Nov 2026 10:{i % 60:02d}:00 +0000\r\n"
                f"Message-ID: <bench.{user_index}.{i}@example.net>\r\nMIME-Version: 1.0\r\n"
                "Content-Type: text/plain; charset=us-ascii\r\n\r\n.a line that needs stuffing\r\n")
        body = [head]
        size = len(head)
        while size < target:
            line = " ".join(rng.choice(WORDS) for _ in range(11)) + "\r\n"
            body.append(line)
            size += len(line)
        out.append("".join(body).encode())
    return out


class TernServer:
    def __init__(self, binary, workdir, tls=False, cert=None, protocol="pop3", max_connections=None):
        self.binary = binary
        self.dir = os.path.join(workdir, "tern")
        os.makedirs(self.dir)
        self.config = os.path.join(self.dir, "tern.toml")
        self.smtp_port = common.free_port()
        self.port = common.free_port()
        self.proc = None
        lines = ["[server]", f'data_dir = "{self.dir}/data"', 'hostname = "mx.bench.test"',
                 "[smtp]", "greeting_delay_ms = 0",
                 "[auth]", "allow_plaintext_without_tls = true",
                 "[limits]", f"max_connections_per_ip = {max_connections or 1000}"]
        if max_connections:
            lines.append(f"max_connections = {max_connections}")
        # The loading step's mail comes from example.net: SPF and DMARC lookups
        # of it (to whatever DNS the machine has) made loading crawl at ~15
        # messages/s, and neither benchmark measures them.
        lines += ["[mailauth]", "spf = false", "dkim_verify = false", "dmarc = false"]
        if cert:
            lines += ["[tls]", f'cert_file = "{cert[0]}"', f'key_file = "{cert[1]}"']
        lines += ["[[listen]]", 'protocol = "smtp"', 'address = "127.0.0.1"', f"port = {self.smtp_port}",
                  'tls = "none"',
                  "[[listen]]", f'protocol = "{protocol}"', 'address = "127.0.0.1"', f"port = {self.port}",
                  f'tls = "{"implicit" if tls else "none"}"']
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def admin(self, *args, stdin=None):
        subprocess.run([self.binary, "-c", self.config, *args], input=stdin, text=True, check=True,
                       capture_output=True, timeout=120)

    def populate(self, n_users, n_messages, make=None):
        make = make or messages
        self.admin("domain", "add", DOMAIN)
        # Each `user add` hashes with argon2id (Tern's defaults): two at a time on two cores.
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda u: self.admin("user", "add", u, "--password-stdin", stdin=PASSWORD + "\n"),
                          users(n_users)))
        self.start()
        # One SMTP connection per user, all at once: group commit shares the fsyncs.
        def deliver(i):
            with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=60) as s:
                s.ehlo("loader.bench.test")
                for m in make(i, n_messages):
                    s.sendmail("sender@example.net", [f"u{i}@{DOMAIN}"], m)
        with concurrent.futures.ThreadPoolExecutor(n_users) as pool:
            list(pool.map(deliver, range(1, n_users + 1)))

    def start(self):
        self.log = open(os.path.join(self.dir, "tern.log"), "a")  # a restart appends
        self.proc = subprocess.Popen([self.binary, "-c", self.config, "serve"], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        if not common.wait_for_port(self.port, 30, self.proc):
            raise RuntimeError("tern did not start; see " + self.log.name)

    def stop(self):
        common.stop_pid(self.proc)
        self.log.close()


def bench_uid_gid():
    """Dovecot refuses to serve mail as root: an unprivileged user owns the maildirs."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    try:
        pw = pwd.getpwnam(BENCH_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        BENCH_USER], check=True, timeout=30)
        pw = pwd.getpwnam(BENCH_USER)
    return pw.pw_uid, pw.pw_gid


DOVECOT_CONF = """\
# Written by bench/pop3/servers.py; see docs/performance.md.
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
protocols = {proto}
listen = 127.0.0.1
ssl = {ssl}
{ssl_files}
disable_plaintext_auth = no
auth_mechanisms = plain
auth_cache_size = 10M
auth_cache_ttl = 1 hour
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{dir}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=SHA512-CRYPT {dir}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/home/%u
}}
{extra}service {proto}-login {{
  inet_listener {proto} {{
    port = {plain_port}
  }}
{tls_listener}  service_count = 0
  process_min_avail = 2
}}
{mail_service}"""


class DovecotServer:
    def __init__(self, workdir, tls=False, cert=None, reuse=False, protocol="pop3", process_limit=None):
        self.dir = os.path.join(workdir, "dovecot")
        os.makedirs(self.dir)
        self.uid, self.gid = bench_uid_gid()
        self.tls = tls
        self.plain_port = common.free_port()
        self.tls_port = common.free_port()
        self.port = self.tls_port if tls else self.plain_port
        self.config = os.path.join(self.dir, "dovecot.conf")
        tls_listener = (f"  inet_listener {protocol}s {{\n    port = {self.tls_port}\n    ssl = yes\n  }}\n"
                        if tls else "")
        # Dovecot's default starts one pop3/imap process per session (service_count = 1);
        # reuse lets a process serve 100 sessions of the same uid in turn. process_limit
        # (default 100) bounds the concurrent sessions: the IMAP IDLE row needs more.
        settings = (["  service_count = 100"] if reuse else []) + \
            ([f"  process_limit = {process_limit}"] if process_limit else [])
        mail_service = f"service {protocol} {{\n" + "\n".join(settings) + "\n}\n" if settings else ""
        # Dovecot allows 10 sessions per user and address by default; the IMAP
        # benchmark opens more (several clients share a mailbox, as devices do).
        extra = "mail_max_userip_connections = 100000\n" if protocol == "imap" else ""
        ssl_files = f"ssl_cert = <{cert[0]}\nssl_key = <{cert[1]}" if cert else ""
        with open(self.config, "w") as f:
            f.write(DOVECOT_CONF.format(dir=self.dir, ssl="yes" if tls else "no", ssl_files=ssl_files,
                                        uid=self.uid, gid=self.gid, plain_port=self.plain_port,
                                        tls_listener=tls_listener, mail_service=mail_service,
                                        proto=protocol, extra=extra))
        self.proc = None

    def populate(self, n_users, n_messages, make=None):
        make = make or messages
        hashed = subprocess.run(["doveadm", "pw", "-s", "SHA512-CRYPT", "-p", PASSWORD], check=True,
                                capture_output=True, text=True, timeout=30).stdout.strip()
        with open(os.path.join(self.dir, "passwd"), "w") as f:
            for u in users(n_users):
                f.write(f"{u}:{hashed}\n")
        now = int(time.time())
        for i, user in enumerate(users(n_users), start=1):
            box = os.path.join(self.dir, "mail", user)
            for sub in ("cur", "new", "tmp"):
                os.makedirs(os.path.join(box, sub))
            for n, m in enumerate(make(i, n_messages)):
                # What LMTP delivery would have added, and maildir's LF line ends
                # (Dovecot's default, mail_save_crlf = no) with the sizes in the name.
                trace = (f"Return-Path: <sender@example.net>\r\nDelivered-To: {user}\r\n"
                         f"Received: from loader.bench.test by mx.bench.test with LMTP\r\n"
                         f"\tid {now:x}{n:04x}; Mon, 2 Nov 2026 10:00:00 +0000\r\n").encode()
                crlf = trace + m
                lf = crlf.replace(b"\r\n", b"\n")
                name = f"{now}.M{n}P{i}.mx.bench.test,S={len(lf)},W={len(crlf)}:2,"
                with open(os.path.join(box, "cur", name), "wb") as f:
                    f.write(lf)
        for root in ("mail", "home"):
            os.makedirs(os.path.join(self.dir, root), exist_ok=True)
            subprocess.run(["chown", "-R", f"{self.uid}:{self.gid}", os.path.join(self.dir, root)],
                           check=True, timeout=60)
        self.start()

    def start(self):
        self.log = open(os.path.join(self.dir, "stderr.log"), "a")  # a restart appends
        self.proc = subprocess.Popen(["dovecot", "-F", "-c", self.config], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        if not common.wait_for_port(self.port, 30, self.proc):
            raise RuntimeError("dovecot did not start; see " + self.log.name)

    def stop(self):
        common.stop_pid(self.proc)
        self.log.close()
