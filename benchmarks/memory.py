"""The peak memory a benchmark case reports: shared by the bench's cases and the floor.

Kept apart from both so that importing it brings in neither polars (the floor's) nor the
pipeline (the bench's ``ours`` case): each case's process pays only for what it runs.
"""

from __future__ import annotations

import resource


def peak_rss_mb() -> float:
    """This process's peak resident memory (MB): the kernel's high-water mark of its own address
    space (``VmHWM``), which a new program starts afresh — ``ru_maxrss`` is kept across
    ``execve``, so a case started by a big parent (the bench after writing a workload) would
    report the parent's peak instead of its own.

    >>> peak_rss_mb() > 0
    True
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
