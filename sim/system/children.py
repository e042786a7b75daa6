"""Child processes that do not outlive their parent.

A worker of a ``concurrent.futures`` process pool waits for its next task on a pipe whose
both ends it holds itself, so it never sees end-of-file: if its parent is killed with
SIGKILL (which no handler can catch) the worker runs on, or waits, forever. Every pool of the
package is therefore made by :func:`process_pool`, whose workers start with :func:`child_of`:

* on Linux the kernel ends them: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` (through ctypes) kills
  the child the moment the thread that created it ends, which for our pools, made on the main
  thread, is when the parent process ends;
* elsewhere, or where prctl fails, a daemon thread of the child watches its parent's pid (a
  child whose parent is gone is adopted by another process) and ends the child when it changes;
* a parent that died before the child got that far is noticed at once (the pid has changed);
* the child ignores SIGINT: Ctrl-C reaches the whole process group, and the parent, which
  stops its workers (:func:`stop_pool`), is the one to report it.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import multiprocessing as mp
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_SECONDS = 0.2   # how often the portable watcher looks at its parent
ORPHAN_EXIT = 1       # exit status of a child that ended because its parent had gone


def child_of(parent: int) -> None:
    """Initializer of a pool worker: it dies with process ``parent`` and leaves Ctrl-C to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not kernel_kills_orphan():
        watch_parent(parent)
    if os.getppid() != parent:  # the parent died before we asked to follow it
        os._exit(ORPHAN_EXIT)


def kernel_kills_orphan() -> bool:
    """Ask Linux to SIGKILL this process when its parent ends; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def watch_parent(parent: int, every: float = WATCH_SECONDS) -> threading.Thread:
    """The portable way: a daemon thread that ends this process once ``parent`` is no longer its
    parent (polls ``os.getppid()`` every ``every`` seconds)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(ORPHAN_EXIT)

    thread = threading.Thread(target=watch, name="watch-parent", daemon=True)
    thread.start()
    return thread


def process_pool(workers: int | None, start_method: str) -> cf.ProcessPoolExecutor:
    """A process pool of ``workers`` (default: all cores) whose workers die with this process.

    ``start_method`` is explicit ("spawn", "fork", ...): mesa 3.3 sets the default to "spawn"
    on import, and a caller should not depend on what was imported before it.

    Every worker is started here, on the calling thread (make the pool on the main thread):
    PR_SET_PDEATHSIG ties a child to the thread that started it, and a "spawn" pool left to start
    its workers on demand starts them on whichever thread submits, so a worker started by a
    short-lived thread (those of ``sim sweep --truth``) would be killed when that thread ended,
    breaking the pool. Each submit starts a worker unless one is idle, so a few no-op tasks do it."""
    workers = workers or os.cpu_count() or 1
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(start_method),
                                  initializer=child_of, initargs=(os.getpid(),))
    for _ in range(4 * workers):  # a submit that finds an idle worker starts none; 4x is ample
        if len(getattr(pool, "_processes", None) or {}) >= workers:
            break
        pool.submit(int)
    return pool


def stop_pool(executor: cf.Executor) -> None:
    """Stop at once: cancel what has not started and terminate the worker processes."""
    processes = list((getattr(executor, "_processes", None) or {}).values())  # ProcessPoolExecutor's workers
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join()
