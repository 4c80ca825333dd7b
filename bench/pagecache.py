#!/usr/bin/env python3
"""pagecache.py - put a file in the page cache in a known state, for timing runs that depend on it.

Usage: python3 bench/pagecache.py small|huge|state FILE

  small  drop FILE from the page cache, then read it 4 KiB at a time with readahead off
         (POSIX_FADV_RANDOM): the cache holds it in 4 KiB pages, as some read patterns and partial
         evictions leave a file. A mapping of it is then made of 4 KiB pages.
  huge   drop FILE from the page cache, then read it through a mapping advised MADV_HUGEPAGE:
         readahead fills the cache with 2 MiB folios, which a later mapping maps whole.
  state  print FileHugePages from /proc/meminfo (the page cache held in 2 MiB folios, all files).

Linux only. Dropping a file's cached pages needs no privilege (POSIX_FADV_DONTNEED); it writes
nothing. See bench/README.md ("Page cache state") for why this changes reid-check's speed.
"""
import mmap
import os
import sys


def drop(fd):
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def state():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("FileHugePages:"):
                return line.strip()
    return "FileHugePages: unknown"


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("small", "huge", "state"):
        sys.exit(__doc__)
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "state":
        print(state())
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        drop(fd)
        if mode == "small":
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
            while os.read(fd, 4096):
                pass
        else:
            size = os.fstat(fd).st_size
            with mmap.mmap(fd, size, prot=mmap.PROT_READ) as m:
                m.madvise(mmap.MADV_HUGEPAGE)
                total = 0
                for off in range(0, size, 4096):
                    total += m[off]
    finally:
        os.close(fd)
    print(f"{path}: read ({mode}); {state()}")


if __name__ == "__main__":
    main()
