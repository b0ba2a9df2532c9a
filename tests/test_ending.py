"""``zimes-audit`` leaves without Python's shut-down (zimes_audit.ending, issue 29), yet does
everything of it that matters, in its order: the threads finished, the exit handlers run, the
streams flushed, the status kept.  A real process: its ending is what is tested."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import atexit, sys, tempfile, threading, time, weakref
from pathlib import Path
from zimes_audit.ending import end_process
folder = tempfile.TemporaryDirectory()  # removed at exit by its finalizer, as GX's are
class Held:  # what the run holds is not freed one object at a time: no __del__ runs
    def __del__(self):
        print("freed")
held = Held()
Path(sys.argv[1]).write_text(folder.name)
atexit.register(lambda: print("exit handler", flush=False))
threading.Thread(target=lambda: (time.sleep(0.3), print("thread done", flush=False))).start()
print("buffered", end=" ")
sys.stderr.write("on stderr")
end_process(7)
print("never")
"""


def test_the_command_leaves_with_its_status_after_threads_handlers_and_streams(tmp_path):
    told = tmp_path / "folder.txt"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(told)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 7
    assert done.stdout == "buffered thread done\nexit handler\n"
    assert done.stderr == "on stderr"
    from pathlib import Path

    assert not Path(told.read_text()).exists()  # the temporary folder's finalizer ran
