"""Output that is whole or absent: the one home of writing a folder or a file atomically.

* :func:`atomic_folder` and :func:`atomic_write` build the new output in a temporary sibling
  (``.<name>.tmp-<pid>-*``) and rename it into place only when it is complete, so a failure,
  an interrupt or a kill leaves the previous output as it was. A folder cannot replace a
  folder in one rename, so the previous one steps aside first (``.<name>.old-<pid>``) and is
  removed after; SIGINT and SIGTERM wait until those two renames are done.
* :func:`remove_leftovers` recognises the siblings a killed writer left (by name, and by a pid
  that no longer runs) and removes them; a previous folder that stepped aside and was never
  replaced (a kill between the two renames) is put back.
* :class:`OutputLock`: one writer at a time (``flock`` on ``.<name>.lock`` beside the output,
  which names its holder).
* :func:`check_writable` refuses, before any work, an output that cannot be written.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TMP, OLD = "tmp", "old"  # kinds of temporary sibling: a new output being built, a previous one stepping aside
VIRTUAL_FILESYSTEMS = (Path("/proc"), Path("/sys"))  # the kernel's views: nothing of ours can be written there
DEFERRED_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class OutputError(RuntimeError):
    """The output cannot be written; nothing was changed."""


def check_writable(out_dir: Path) -> None:
    """Refuse, before any work, an output folder that cannot be written (OutputError)."""
    resolved = Path(out_dir).resolve()
    for root in VIRTUAL_FILESYSTEMS:
        if resolved == root or root in resolved.parents:
            raise OutputError(f"output folder is under {root}, a kernel filesystem: {out_dir}")
    parent = resolved.parent
    if not parent.exists():
        raise OutputError(f"output folder's parent does not exist: {parent}")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"output folder's parent is not writable: {parent}")
    if Path(out_dir).exists() and not Path(out_dir).is_dir():
        raise OutputError(f"output path exists and is not a folder: {out_dir}")


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, ended but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc: the signal check is all we have


def _sibling_prefix(target: Path, kind: str) -> str:
    return f".{target.name}.{kind}-"


def _sibling(target: Path, kind: str) -> Path:
    return target.with_name(f"{_sibling_prefix(target, kind)}{os.getpid()}")


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the temporary siblings that killed writers of ``target`` left behind: only ours
    (by name), and only those of processes no longer alive. A previous folder that stepped
    aside for a new one that never arrived is renamed back to ``target`` instead."""
    target = Path(target).resolve()
    removed = []
    for kind in (OLD, TMP):  # restore a previous output before anything else is judged
        prefix = _sibling_prefix(target, kind)
        for path in sorted(target.parent.glob(f"{prefix}*")):
            pid = path.name[len(prefix):].split("-")[0]
            if not pid.isdigit() or int(pid) == os.getpid() or pid_alive(int(pid)):
                continue
            if kind == OLD and not target.exists():
                path.rename(target)
            elif path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """``with atomic_folder(out) as tmp:`` write the new folder into ``tmp``; when the block
    ends without an exception ``tmp`` replaces ``out``; otherwise ``tmp`` is removed and ``out``
    is as it was. The folder gets the permissions the umask gives any new folder."""
    target = Path(target)
    remove_leftovers(target)
    tmp = Path(tempfile.mkdtemp(prefix=f"{_sibling_prefix(target, TMP)}{os.getpid()}-",
                                dir=target.resolve().parent))
    try:
        os.chmod(tmp, 0o777 & ~umask())  # mkdtemp makes 0700
        yield tmp
        _swap(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def atomic_write(path: Path, data: bytes) -> Path:
    """Replace the file ``path`` by ``data`` in one rename (``os.replace``); it keeps the
    permissions of the file it replaces (a new file gets the umask's)."""
    path = Path(path)
    remove_leftovers(path)
    fd, name = tempfile.mkstemp(prefix=f"{_sibling_prefix(path, TMP)}{os.getpid()}-", dir=path.resolve().parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM that arrive in the block are handled after it, by the handlers that
    were there. (Python runs signal handlers on the main thread only, so elsewhere nothing can
    interrupt the block; and blocking the signals would not do: the kernel hands a signal
    to any thread that does not block it, and Python then interrupts the main thread anyway.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {s: signal.getsignal(s) for s in DEFERRED_SIGNALS}
    previous = {s: handler for s, handler in previous.items() if handler is not None}  # None: not Python's
    for s in previous:
        signal.signal(s, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for signum in caught:
            signal.raise_signal(signum)


def _swap(tmp: Path, target: Path) -> None:
    old = None
    try:
        with _signals_deferred():  # an interrupt meanwhile is raised after the second rename
            if target.exists():
                old = _sibling(target, OLD)
                target.rename(old)
            try:
                tmp.rename(target)
            except BaseException:
                if old is not None:
                    old.rename(target)
                    old = None
                raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


class OutputLock:
    """An exclusive lock on an output (a folder, or a file such as a scenario).

    The lock is ``flock`` on ``.<name>.lock`` beside the output, a file that names its holder
    (pid and command). A second writer refuses, naming the lock, or with ``wait`` waits for it.
    The kernel releases the lock of a process that ends in any way, SIGKILL included, so the
    lock of a holder that died is simply taken over by the next writer."""

    def __init__(self, target: Path, command: str, wait: bool = False, what: str = "output folder",
                 poll_seconds: float = 0.2):
        self.target = Path(target)
        resolved = self.target.resolve()
        self.path = resolved.with_name(f".{resolved.name}.lock")
        self.command, self.wait, self.what, self.poll = command, wait, what, poll_seconds
        self._fd: int | None = None

    def holder(self) -> tuple[int, str] | None:
        """(pid, command) written in the lock file, if it names one."""
        try:
            pid, _, command = self.path.read_text().partition(" ")
            return int(pid), command.strip()
        except (OSError, ValueError):
            return None

    def __enter__(self) -> OutputLock:
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                if not self.wait:
                    raise OutputError(self._in_use()) from None
                time.sleep(self.poll)
                continue
            if not _same_file(fd, self.path):  # its holder removed the file between our open and our lock
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} {self.command}\n".encode())
            self._fd = fd
            return self

    def _in_use(self) -> str:
        held = self.holder()
        by = f"pid {held[0]} ({held[1]})" if held else "another process"
        return f"{self.what} {self.target} is in use by {by}; lock file {self.path} (use --wait to wait for it)"

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            self.path.unlink(missing_ok=True)  # still held: a waiter that opened it retries on the new file
            os.close(self._fd)
            self._fd = None


def _same_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)
