"""release_freed_memory hands freed heap pages back to the OS (glibc's malloc_trim)."""
import ctypes
import sys

import pytest

from tapeflow.function.memory import release_freed_memory


def _rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS")


def _glibc():
    try:
        return hasattr(ctypes.CDLL(None), "malloc_trim")
    except OSError:
        return False


@pytest.mark.skipif(not (sys.platform.startswith("linux") and _glibc()),
                    reason="malloc_trim is glibc's (Linux)")
def test_freed_heap_blocks_leave_the_resident_set():
    libc = ctypes.CDLL(None)
    libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    block, count = 64 * 1024, 2400  # 150 MiB in blocks below the mmap threshold
    ptrs = []
    for _ in range(count):
        p = libc.malloc(block)
        ctypes.memset(p, 1, block)  # touch every page
        ptrs.append(p)
    before = _rss_mib()
    for p in ptrs[::2]:  # every other block: the freed ones can't merge into the heap top
        libc.free(p)
    after_free = _rss_mib()
    assert release_freed_memory() is True
    after_trim = _rss_mib()
    for p in ptrs[1::2]:
        libc.free(p)
    assert before - after_free < 20  # freed blocks stay resident in malloc's free lists
    assert after_free - after_trim > 50  # ... until they are trimmed (75 MiB were freed)


def test_is_harmless_to_call_often():
    assert all(release_freed_memory() in (True, False) for _ in range(3))
