"""Helpers shared by the side-by-side benchmarks in bench/.

Servers are started in temporary directories on 127.0.0.1 with free ports
and stopped by their PID (SIGTERM, then SIGKILL after a bound) - never by
name. Every wait here is bounded in time.
"""
import os
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, seconds, proc=None):
    """True once 127.0.0.1:port accepts a connection (within `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def stop_pid(proc, seconds=20):
    """SIGTERM the process we started, SIGKILL it if it outlives `seconds`."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def machine_busy_seconds():
    """CPU seconds all cores spent not idle since boot (/proc/stat, proc(5))."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    # guest time is already counted in user/nice.
    busy = sum(fields[:8]) - idle
    return busy / os.sysconf("SC_CLK_TCK")


def vm_kib(pid, key):
    """A VmRSS/VmHWM-style line of /proc/PID/status, in KiB (0 if gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def parse_kv(line):
    """'a=1 b=2.5' -> {'a': 1, 'b': 2.5} (numbers where they parse)."""
    out = {}
    for part in line.split():
        if "=" not in part:
            continue
        k, v = part.split("=", 1)
        try:
            out[k] = int(v)
        except ValueError:
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = v
    return out


def make_cert(directory):
    """A self-signed P-256 certificate for 127.0.0.1; returns (cert, key)."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-days", "2", "-subj", "/CN=mx.bench.test", "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    os.chmod(key, 0o644)  # Dovecot's config process reads it after dropping privileges
    return cert, key
