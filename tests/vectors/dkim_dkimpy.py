#!/usr/bin/python3
"""Cross-checks Tern's DKIM against dkimpy (Debian python3-dkim).

Usage: dkim_dkimpy.py DIR
DIR holds dns.txt ("<name> <TXT record>" per line), rsa.pem (PKCS#1),
ed25519.key (base64 seed) and messages:
  tern_*.eml  signed by Tern: every DKIM-Signature is verified by dkimpy,
              one line "pass"/"fail" per signature into <name>.result
  plain_*.eml unsigned: dkimpy signs it (rsa-sha256 relaxed/relaxed,
              ed25519-sha256 relaxed/relaxed, rsa-sha256 simple/simple) and
              writes the signed message to dkimpy_*.eml for Tern to verify.
Run by dkim_dkimpy_test (tests/vectors/dkim_dkimpy_test.cpp).
"""
import os
import sys

import dkim


def main(directory):
    records = {}
    with open(os.path.join(directory, "dns.txt"), "rb") as f:
        for line in f.read().splitlines():
            name, _, txt = line.partition(b" ")
            records[name.lower()] = txt

    def dnsfunc(name, timeout=5):
        return records.get(name.rstrip(b".").lower())

    with open(os.path.join(directory, "rsa.pem"), "rb") as f:
        rsa_key = f.read()
    with open(os.path.join(directory, "ed25519.key"), "rb") as f:
        ed_key = f.read().strip()

    for entry in sorted(os.listdir(directory)):
        path = os.path.join(directory, entry)
        if entry.startswith("tern_") and entry.endswith(".eml"):
            with open(path, "rb") as f:
                message = f.read()
            count = message.count(b"\nDKIM-Signature:") + message.startswith(b"DKIM-Signature:")
            lines = []
            for idx in range(count):
                ok = dkim.DKIM(message).verify(idx=idx, dnsfunc=dnsfunc)
                lines.append("pass" if ok else "fail")
            with open(path[:-4] + ".result", "w") as f:
                f.write("\n".join(lines) + "\n")
        elif entry.startswith("plain_") and entry.endswith(".eml"):
            with open(path, "rb") as f:
                message = f.read()
            sigs = b""
            for selector, key, alg, canon in (
                (b"rsa", rsa_key, b"rsa-sha256", (b"relaxed", b"relaxed")),
                (b"ed", ed_key, b"ed25519-sha256", (b"relaxed", b"relaxed")),
                (b"rsa", rsa_key, b"rsa-sha256", (b"simple", b"simple")),
            ):
                sigs = dkim.sign(message, selector, b"example.com", key,
                                 canonicalize=canon, signature_algorithm=alg) + sigs
            out = os.path.join(directory, "dkimpy_" + entry[len("plain_"):])
            with open(out, "wb") as f:
                f.write(sigs + message)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
