#!/usr/bin/python3
"""Crash safety of IMAP (issue 8 item 3): concurrent imaplib clients of one
account APPEND (with a random flag), STORE flags and EXPUNGE, each in its own
mailbox, while the server is killed with SIGKILL at a random moment. After a
restart:
- every APPEND that got its tagged OK is there with the same bytes (SHA-256)
  and the flag it was appended with, unless the test expunged it and got OK;
- every STORE and UID EXPUNGE that got its OK is reflected;
- a command cut off by the kill may or may not have happened, but nothing
  else changed: no message nobody appended, no message twice;
- `tern store check` on the killed server's data finds nothing wrong.
Rounds: $TERN_CRASH_ROUNDS (default 5 in make test; the issue's full run is 20).
"""
import hashlib
import imaplib
import os
import random
import re
import shutil
import signal
import threading
import time
import unittest

import harness
from harness import Tern

ROUNDS = int(os.environ.get("TERN_CRASH_ROUNDS", "5"))
CLIENTS = 4
USER = "imapcrash@example.org"
PASSWORD = "imap-crash-pw"
LISTENERS = [("imap", "imap", "none")]
FLAGS = ["\\Seen", "\\Flagged", "\\Answered", "\\Draft", "$Label1"]
# Flags the test compares; \Recent is the server's, not the client's.
WATCHED = set(FLAGS) | {"\\Deleted"}
TOKEN = re.compile(rb"^X-Crash-Token: (\S+)\r$", re.M)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def make_message(token, rng):
    lines = "".join(f"{token} line {k} {'y' * rng.randrange(0, 70)}\r\n"
                    for k in range(rng.randrange(3, 200)))
    return (f"From: crash@remote.test\r\nTo: {USER}\r\nSubject: imap crash {token}\r\n"
            f"X-Crash-Token: {token}\r\n\r\n{lines}").encode()


class Entry:
    """What the test knows of one message: `state` is present, expunged,
    maybe (an APPEND cut off) or maybe-expunged (an EXPUNGE cut off);
    `unsure` holds flags whose last STORE was cut off."""

    def __init__(self, data, flags, state):
        self.data, self.hash = data, sha(data)
        self.uid = None
        self.flags = set(flags)
        self.unsure = set()
        self.state = state


class Client(threading.Thread):
    """Works on its own mailbox until the connection dies. Every change is
    entered into `model` only once its tagged OK arrived; a command cut off
    is entered as uncertain."""

    def __init__(self, port, mailbox, model, round_no, seed):
        super().__init__(daemon=True)
        self.port, self.mailbox, self.model = port, mailbox, model
        self.round_no = round_no
        self.rng = random.Random(seed)
        self.errors = []
        self.ops = {"append": 0, "store": 0, "expunge": 0}
        self.in_doubt = None

    def run(self):
        m = None
        try:
            m = imaplib.IMAP4("127.0.0.1", self.port, timeout=20)
            m.login(USER, PASSWORD)
            self.check(m.select(f'"{self.mailbox}"'), "SELECT")
            for i in range(100000):
                live = [t for t, e in self.model.items() if e.state == "present" and e.uid]
                op = self.rng.random()
                if op < 0.55 or len(live) < 3:
                    self.append(m, f"r{self.round_no}-{self.mailbox}-{i}")
                elif op < 0.85:
                    self.store(m, self.model[self.rng.choice(live)])
                else:
                    self.expunge(m, self.model[self.rng.choice(live)])
        except (OSError, EOFError, imaplib.IMAP4.abort):
            pass  # the kill: whatever was under way stays in doubt
        except Exception as e:  # noqa: BLE001 - a NO or BAD is a finding
            self.errors.append(repr(e))
        finally:
            if m is not None:
                m.sock.close()

    def check(self, reply, what):
        if reply[0] != "OK":
            raise AssertionError(f"{what} answered {reply}")
        return reply[1]

    def append(self, m, token):
        data = make_message(token, self.rng)
        flag = self.rng.choice(FLAGS + [None])
        entry = Entry(data, [flag] if flag else [], "maybe")
        self.model[token] = entry
        data_reply = self.check(m.append(f'"{self.mailbox}"', f"({flag})" if flag else None,
                                         None, data), "APPEND")
        entry.state = "present"
        found = re.search(rb"\[APPENDUID \d+ (\d+)\]", data_reply[0] or b"")
        entry.uid = int(found.group(1)) if found else None
        self.ops["append"] += 1

    def store(self, m, entry):
        flag = self.rng.choice(FLAGS)
        add = flag not in entry.flags
        entry.unsure.add(flag)
        self.check(m.uid("STORE", str(entry.uid), "+FLAGS.SILENT" if add else "-FLAGS.SILENT",
                         f"({flag})"), "UID STORE")
        entry.unsure.discard(flag)
        (entry.flags.add if add else entry.flags.discard)(flag)
        self.ops["store"] += 1

    def expunge(self, m, entry):
        entry.unsure.add("\\Deleted")
        self.check(m.uid("STORE", str(entry.uid), "+FLAGS.SILENT", "(\\Deleted)"), "UID STORE")
        entry.unsure.discard("\\Deleted")
        entry.flags.add("\\Deleted")
        entry.state = "maybe-expunged"
        # RFC 4315 2.1: UID EXPUNGE removes only the named message.
        self.check(m.uid("EXPUNGE", str(entry.uid)), "UID EXPUNGE")
        entry.state = "expunged"
        self.ops["expunge"] += 1


def fetch_all(t, mailbox):
    """{token: (uid, flags, bytes)} of the mailbox, and the tokens seen twice."""
    m = imaplib.IMAP4("127.0.0.1", t.ports["imap"], timeout=60)
    m.login(USER, PASSWORD)
    typ, _ = m.select(f'"{mailbox}"', readonly=True)
    assert typ == "OK", mailbox
    typ, data = m.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")
    assert typ == "OK", data
    out, twice = {}, []
    for k, item in enumerate(data):
        if not isinstance(item, tuple):
            continue
        head, body = item
        # The items after the literal (such as FLAGS) arrive in the next element.
        if k + 1 < len(data) and isinstance(data[k + 1], bytes):
            head += data[k + 1]
        uid = int(re.search(rb"UID (\d+)", head).group(1))
        flags = set(re.search(rb"FLAGS \(([^)]*)\)", head).group(1).decode().split())
        token = TOKEN.search(body).group(1).decode()
        if token in out:
            twice.append(token)
        out[token] = (uid, flags & WATCHED, body)
    m.logout()
    return out, twice


class ImapCrashSafety(unittest.TestCase):
    def verify(self, round_no, mailbox, model, actual, twice):
        """Compares a mailbox after the restart with what the client was
        told; then makes the model what is really there."""
        where = f"round {round_no} {mailbox}"
        self.assertEqual(twice, [], f"{where}: messages stored twice")
        unknown = sorted(set(actual) - set(model))
        self.assertEqual(unknown, [], f"{where}: messages nobody appended")
        kept = {}
        for token, e in model.items():
            got = actual.get(token)
            if e.state == "expunged":
                self.assertIsNone(got, f"{where}: {token} expunged with OK is back")
                continue
            if e.state == "present":
                self.assertIsNotNone(got, f"{where}: {token} appended with OK is missing")
            if got is None:
                continue  # a cut-off APPEND or EXPUNGE that did not happen / did
            uid, flags, body = got
            self.assertEqual(sha(body), e.hash, f"{where}: {token} bytes differ")
            if e.uid is not None:
                self.assertEqual(uid, e.uid, f"{where}: {token} changed UID")
            for flag in WATCHED - e.unsure:
                self.assertEqual(flag in flags, flag in e.flags,
                                 f"{where}: {token} flag {flag}: stored {sorted(flags)}, "
                                 f"acknowledged {sorted(e.flags)}")
            e.uid, e.flags, e.unsure, e.state = uid, set(flags), set(), "present"
            kept[token] = e
        model.clear()
        model.update(kept)

    def test_acknowledged_imap_changes_survive_sigkill(self):
        t = Tern({"auth": {"allow_plaintext_without_tls": True},
                  "limits": {"max_connections_per_ip": 1000}}, listeners=LISTENERS)
        rng = random.Random(int(os.environ.get("TERN_CRASH_SEED", "20261130")))
        mailboxes = [f"crash{c}" for c in range(CLIENTS)]
        models = {name: {} for name in mailboxes}
        totals = {"append": 0, "store": 0, "expunge": 0}
        try:
            t.start()
            t.add_user(USER, PASSWORD)
            m = imaplib.IMAP4("127.0.0.1", t.ports["imap"], timeout=20)
            m.login(USER, PASSWORD)
            for name in mailboxes:
                self.assertEqual(m.create(name)[0], "OK")
            m.logout()
            for round_no in range(ROUNDS):
                clients = [Client(t.ports["imap"], name, models[name], round_no,
                                  rng.randrange(1 << 30)) for name in mailboxes]
                for c in clients:
                    c.start()
                moment = rng.uniform(0.3, 2.5)
                time.sleep(moment)
                t.proc.send_signal(signal.SIGKILL)
                t.proc.wait()
                t.stop(expect_code=None)
                for c in clients:
                    c.join(timeout=60)
                    self.assertFalse(c.is_alive(), "a client hung after the kill")
                    self.assertEqual(c.errors, [], f"round {round_no} {c.mailbox}")
                ops = {k: sum(c.ops[k] for c in clients) for k in totals}
                cut_off = sum(1 for model in models.values() for e in model.values()
                              if e.unsure or e.state in ("maybe", "maybe-expunged"))
                for k in totals:
                    totals[k] += ops[k]
                check = t.admin("store", "check", check=False)
                self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
                t.start()
                sizes = []
                for name in mailboxes:
                    actual, twice = fetch_all(t, name)
                    self.verify(round_no, name, models[name], actual, twice)
                    sizes.append(len(actual))
                print(f"round {round_no}: SIGKILL after {moment:.2f}s; acknowledged "
                      f"{ops['append']} APPEND, {ops['store']} STORE, {ops['expunge']} EXPUNGE, "
                      f"{cut_off} cut off; "
                      f"messages per mailbox now {sizes}", flush=True)
            self.assertGreater(totals["append"], 0, "no APPEND was acknowledged")
            self.assertGreater(totals["store"] + totals["expunge"], 0, "no STORE/EXPUNGE")
            print(f"IMAP crash rounds survived: {ROUNDS}; acknowledged in all: "
                  f"{totals['append']} APPEND, {totals['store']} STORE, "
                  f"{totals['expunge']} EXPUNGE")
        finally:
            t.stop(expect_code=None)
            shutil.rmtree(t.dir, ignore_errors=True)


if __name__ == "__main__":
    harness.main()
