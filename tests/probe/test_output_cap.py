"""copy_output against real child processes (plain Python, no TensorFlow): cap, tail, full disk, deadline."""

from __future__ import annotations

import io
import subprocess
import sys
import time

from deepfd_ci.probe.sandbox import copy_output


def _start(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)


PRINTS_300_KB = "for i in range(30000): print(f'line {i:05d}')\nimport sys; print('last words', file=sys.stderr)"


def test_output_past_the_limit_keeps_the_head_and_the_last_64_kb():
    log = io.BytesIO()
    proc = _start(PRINTS_300_KB)
    assert copy_output(proc, log, limit=100_000, deadline=time.monotonic() + 60) is False
    assert proc.wait() == 0
    head, note, tail = log.getvalue().partition(b"\n[deepfd-ci: the output passed the limit of 100000 bytes; ")
    assert len(head) == 100_000 and head.startswith(b"line 00000\n")
    dropped = 30000 * 11 + len(b"last words\n") - 100_000
    assert tail.startswith(f"{dropped} bytes were dropped, the last 65536 follow]\n".encode())
    assert tail.endswith(b"line 29999\nlast words\n") and len(tail.split(b"]\n", 1)[1]) == 65536


def test_output_under_the_limit_is_copied_whole():
    log = io.BytesIO()
    proc = _start(PRINTS_300_KB)
    copy_output(proc, log, limit=10**6, deadline=time.monotonic() + 60)
    assert proc.wait() == 0
    assert log.getvalue().count(b"\n") == 30001 and b"deepfd-ci" not in log.getvalue()


class _FullDisk(io.RawIOBase):
    def __init__(self, room: int):
        self.kept = b""
        self.room = room

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if len(self.kept) + len(data) > self.room:
            raise OSError(28, "No space left on device")
        self.kept += bytes(data)
        return len(data)


def test_a_full_disk_drops_output_but_never_blocks_the_script():
    log = _FullDisk(room=200_000)
    proc = _start(PRINTS_300_KB)
    assert copy_output(proc, log, limit=10**6, deadline=time.monotonic() + 60) is False
    assert proc.wait() == 0  # it printed everything: the pipe was drained after the disk filled
    assert log.kept.startswith(b"line 00000\n") and len(log.kept) <= 200_000


def test_the_deadline_kills_the_process_group():
    log = io.BytesIO()
    proc = _start("import subprocess, time; subprocess.Popen(['sleep', '60']); print('started', flush=True); "
                  "time.sleep(60)")
    assert copy_output(proc, log, limit=10**6, deadline=time.monotonic() + 3) is True
    assert proc.wait() < 0 and log.getvalue() == b"started\n"
