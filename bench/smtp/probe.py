"""A latency probe: SMTP transactions with PIPELINING, timed one by one.

smtp-source reports no latencies and does not pipeline. The probe runs next
to it on one connection: EHLO once, then for each transaction it writes
MAIL FROM, RCPT TO and DATA in one segment (RFC 2920 3.1: DATA ends the
group), reads the three replies, writes the message and ".", and waits for
the final reply. The time from the first write to that reply is one
transaction's latency; for both servers the final 250 means the message is
on disk (Tern: after the group commit's fsync; Postfix: after cleanup
fsync'd the queue file).

Bounded: at most `count` transactions, each under `timeout` seconds, and it
stops when `stop` (a threading.Event) is set.
"""
import socket
import statistics
import time


class ProbeError(Exception):
    pass


class _Conn:
    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""

    def reply(self):
        """One (possibly multi-line) reply: (code, text)."""
        lines = []
        while True:
            while b"\r\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ProbeError("connection closed")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\r\n", 1)
            lines.append(line)
            if len(line) < 4 or line[3:4] != b"-":
                return int(line[:3] or b"0"), b"\n".join(lines).decode(errors="replace")

    def close(self):
        try:
            self.sock.sendall(b"QUIT\r\n")
        except OSError:
            pass
        self.sock.close()


def percentile(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def run(host, port, sender, recipient, body, count, stop, timeout=60, result=None):
    """Runs up to `count` transactions; fills and returns `result` (a dict):
    transactions, errors, p50_ms, p99_ms, mean_ms, error (last error text)."""
    result = {} if result is None else result
    latencies, errors, last_error = [], 0, ""
    message = body.replace(b"\r\n.", b"\r\n..") + b"\r\n.\r\n"
    conn = None
    try:
        conn = _Conn(host, port, timeout)
        code, text = conn.reply()
        if code != 220:
            raise ProbeError(f"greeting {text}")
        conn.sock.sendall(b"EHLO probe.source.test\r\n")
        code, text = conn.reply()
        if code != 250 or "PIPELINING" not in text.upper():
            raise ProbeError(f"EHLO: {text} (PIPELINING is required)")
        group = f"MAIL FROM:<{sender}>\r\nRCPT TO:<{recipient}>\r\nDATA\r\n".encode()
        while len(latencies) + errors < count and not stop.is_set():
            t0 = time.perf_counter()
            conn.sock.sendall(group)
            codes = [conn.reply() for _ in range(3)]
            if [c for c, _ in codes] != [250, 250, 354]:
                errors += 1
                last_error = " | ".join(t for _, t in codes)
                conn.sock.sendall(b"RSET\r\n")
                conn.reply()
                continue
            conn.sock.sendall(message)
            code, text = conn.reply()
            if code != 250:
                errors += 1
                last_error = text
                continue
            latencies.append(1000 * (time.perf_counter() - t0))
    except (OSError, ProbeError) as e:
        errors += 1
        last_error = str(e)
    finally:
        if conn:
            conn.close()
    result.update(transactions=len(latencies), errors=errors, error=last_error,
                  p50_ms=round(percentile(latencies, 50), 1), p99_ms=round(percentile(latencies, 99), 1),
                  mean_ms=round(statistics.fmean(latencies), 1) if latencies else 0.0)
    return result
