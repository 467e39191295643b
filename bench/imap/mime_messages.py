"""The IMAP benchmark's mailbox content: varied MIME, 2-20 KiB, the same
bytes for Tern and Dovecot (bench/pop3/servers.py populate() takes this
generator).

messages(user_index, count) returns `count` messages with CRLF line ends,
from a fixed seed, cycling through six shapes so ENVELOPE and BODY[] see
what real mailboxes hold: text/plain; quoted-printable text with an RFC 2047
encoded-word subject; multipart/alternative (text and HTML); multipart/mixed
with a base64 attachment; a forwarded message (message/rfc822 inside
multipart/mixed); multipart/signed with a detached signature part. All
7-bit, so SMTP delivery into Tern needs no 8BITMIME. Sizes are spread
uniformly over 2-20 KiB.
"""
import base64
import random

DOMAIN = "bench.test"
WORDS = ("mail server message body line text inbox lorem ipsum dolor sit amet consectetur adipiscing "
         "elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua").split()


def _text(rng, size):
    lines, n = [], 0
    while n < size:
        line = " ".join(rng.choice(WORDS) for _ in range(11))
        lines.append(line)
        n += len(line) + 2
    return "\r\n".join(lines) + "\r\n"


def _b64(rng, size):
    raw = bytes(rng.getrandbits(8) for _ in range(size * 3 // 4))
    text = base64.b64encode(raw).decode()
    return "\r\n".join(text[i:i + 76] for i in range(0, len(text), 76)) + "\r\n"


def _headers(user_index, i, subject, content_type, extra=""):
    return (f"From: Sender {i} <sender{i}@example.net>\r\nTo: User {user_index} <u{user_index}@{DOMAIN}>\r\n"
            f"Cc: list{i % 7}@example.org\r\nSubject: {subject}\r\n"
            f"Date: Mon, 2 Nov 2026 10:{i % 60:02d}:00 +0000\r\n"
            f"Message-ID: <imapbench.{user_index}.{i}@example.net>\r\n"
            + (f"In-Reply-To: <imapbench.{user_index}.{i - 1}@example.net>\r\n" if i % 3 == 2 else "")
            + f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n{extra}\r\n")


def _message(rng, user_index, i, target):
    shape = i % 6
    b = f"=_b{user_index}_{i}"
    if shape == 0:
        head = _headers(user_index, i, f"benchmark message {i}", "text/plain; charset=us-ascii")
        return head + _text(rng, target - len(head))
    if shape == 1:
        # RFC 2047 encoded-word; quoted-printable body with soft line breaks.
        head = _headers(user_index, i, f"=?UTF-8?Q?R=C3=A9union_n=C2=B0{i}?= and plain words",
                        "text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable\r\n")
        body = _text(rng, target - len(head)).replace("dolor", "dol=C3=B6r").replace("\r\n", "=\r\n", 3)
        return head + body
    if shape == 2:
        head = _headers(user_index, i, f"alternative {i}", f'multipart/alternative; boundary="{b}"')
        half = max(200, (target - len(head)) // 2 - 200)
        text = _text(rng, half)
        return (head + f"--{b}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n{text}"
                f"--{b}\r\nContent-Type: text/html; charset=us-ascii\r\n\r\n<html><body><p>\r\n"
                f"{_text(rng, half)}</p></body></html>\r\n--{b}--\r\n")
    if shape == 3:
        head = _headers(user_index, i, f"report {i} attached", f'multipart/mixed; boundary="{b}"')
        text = _text(rng, 300)
        return (head + f"--{b}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n{text}"
                f"--{b}\r\nContent-Type: application/pdf; name=\"report-{i}.pdf\"\r\n"
                f"Content-Disposition: attachment; filename=\"report-{i}.pdf\"\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n"
                f"{_b64(rng, max(200, target - len(head) - 700))}--{b}--\r\n")
    if shape == 4:
        head = _headers(user_index, i, f"Fwd: forwarded {i}", f'multipart/mixed; boundary="{b}"')
        inner = (f"From: Someone <someone{i}@example.com>\r\nTo: sender{i}@example.net\r\n"
                 f"Subject: the original {i}\r\nDate: Sun, 1 Nov 2026 09:00:00 +0000\r\n"
                 f"Message-ID: <orig.{user_index}.{i}@example.com>\r\n\r\n"
                 f"{_text(rng, max(200, target - len(head) - 600))}")
        return (head + f"--{b}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nSee below.\r\n"
                f"--{b}\r\nContent-Type: message/rfc822\r\n\r\n{inner}--{b}--\r\n")
    head = _headers(user_index, i, f"signed {i}",
                    f'multipart/signed; protocol="application/pgp-signature"; micalg=pgp-sha256; '
                    f'boundary="{b}"')
    return (head + f"--{b}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
            f"{_text(rng, max(200, target - len(head) - 600))}"
            f"--{b}\r\nContent-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\n"
            f"-----BEGIN PGP SIGNATURE-----\r\n\r\n{_b64(rng, 300)}-----END PGP SIGNATURE-----\r\n"
            f"--{b}--\r\n")


def messages(user_index, count, seed=11):
    rng = random.Random(seed * 100003 + user_index)
    return [_message(rng, user_index, i, rng.randint(2048, 20480)).encode() for i in range(count)]
