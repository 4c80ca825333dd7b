/* input.c - the bytes of the input: files mapped or read(2), pipes read(2), .gz through zlib. */
#if defined(__linux__)
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE */
#endif
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define READ_SIZE (1u << 20)

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int feed_gz(cli_feed_fn fn, void *a, const char *path, char *buf)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        fprintf(stderr, "reid-check: cannot open %s: %s\n", path, strerror(errno ? errno : ENOMEM));
        return -1;
    }
    gzbuffer(gz, 256 * 1024);
    /* zlib reads a file that is not gzip as plain bytes ("transparent" mode): a file named .gz
     * that is not compressed is an error, not a silent fallback */
    int first = gzgetc(gz);
    if (first != -1) gzungetc(first, gz);
    if (first != -1 && gzdirect(gz)) {
        fprintf(stderr,
                "reid-check: %s: not a gzip file (it is named .gz but does not start with the "
                "gzip signature 1f 8b); rename it or decompress it first\n",
                path);
        gzclose(gz);
        return -1;
    }
    int rc = 0;
    for (;;) {
        int n = gzread(gz, buf, READ_SIZE);
        if (n < 0) {
            int zerr;
            const char *msg = gzerror(gz, &zerr);
            fprintf(stderr, "reid-check: %s: cannot decompress: %s\n", path,
                    zerr == Z_ERRNO ? strerror(errno) : msg);
            rc = -1;
            break;
        }
        if (n == 0) {
            /* gzread reports a stream cut short only through gzerror (Z_BUF_ERROR) */
            int zerr;
            gzerror(gz, &zerr);
            if (zerr == Z_BUF_ERROR) {
                fprintf(stderr, "reid-check: %s: cannot decompress: the file is truncated\n", path);
                rc = -1;
            }
            break;
        }
        if (fn(a, buf, (size_t)n) != 0) break;
    }
    gzclose(gz);
    return rc;
}

const char *cli_input_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

unsigned long long cli_input_size(const char *path)
{
    struct stat st;
    if (strcmp(path, "-") == 0 || ends_with(path, ".gz")) return 0;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    return (unsigned long long)st.st_size;
}

/*
 * A regular file is given to the library a window at a time (the first 32 MiB,
 * then the rest of a mapped file at once when the consumer is an analysis,
 * which tells which bytes it is done with; 32 MiB windows for another consumer
 * such as a side of `link`; every window the size --io-window gives), so that
 * the library can parse each window on several threads. A window is mapped
 * (--io map) or read(2) into a buffer (--io read); --io auto, the default,
 * maps and changes to reading for the rest of the file when the first window
 * (every window, with --io-window) turns out mapped in 4 KB pages.
 *
 * Mapping spares the copy of every byte into a buffer (measured: a quarter of
 * the reader's time on a 1.9 GB file when reads were 1 MiB). But a mapped
 * window costs what the page cache holding the file costs: when the file is
 * cached in 2 MB folios (as readahead of a mapping leaves it) the window is
 * mapped in 2 MB pages; when it is cached in 4 KB pages (as some other read
 * patterns leave it, and after a partial eviction) every 4 KB is a page of its
 * own, and on the virtual machine of bench/README.md a 10 M-row run then took
 * 2.48 s against 1.74 s read into a buffer (user time 3.9 s against 2.7 s). A buffer read
 * with read(2) is the same memory every window (advised for 2 MB pages), at
 * the price of the kernel's copy (~0.3 s of system time per 1.9 GB). Whether a
 * window was mapped in 2 MB pages is read from /proc/self/smaps_rollup
 * (FilePmdMapped) after the library has read it; where that cannot be known,
 * mapping goes on.
 */
static cli_io_mode io_mode = CLI_IO_AUTO;
static size_t io_window = CLI_IO_WINDOW_DEFAULT; /* the first window; a read buffer's size */
static int io_window_given;                      /* --io-window: every window that size */

void cli_input_set(cli_io_mode mode, size_t window)
{
    io_mode = mode;
    io_window = window ? window : CLI_IO_WINDOW_DEFAULT;
    io_window_given = window != 0;
}

/*
 * The mapped window being parsed, and how much of it was dropped. Unless --io-window is given,
 * only the first window is of that size (to judge how the page cache holds the file): the rest of
 * the file is mapped at once, so that the library's threads never wait at the end of a window
 * (measured: one mapping of the whole 10 M-row file against 32 MiB windows, 0.84 of the time).
 * The library tells which bytes it is done with (reid_set_release), and their pages are dropped
 * from the mapping (MADV_DONTNEED: the page cache keeps them, and a read-only private mapping
 * would read them again from it), so the mapping costs the resident memory of the part being
 * parsed, not of the file. Whole 2 MiB pieces only, so that a 2 MiB page is never split.
 */
typedef struct {
    char *base; /* NULL: no mapping (a buffer read into is never dropped) */
    size_t len, dropped;
} mapped_window;

#define DROP_UNIT ((size_t)2 << 20)

static void drop_released(void *user, const void *p, size_t len)
{
    mapped_window *w = user;
    const char *end = (const char *)p + len;
    if (!w->base || end < w->base || end > w->base + w->len) return;
    size_t upto = (size_t)(end - w->base) / DROP_UNIT * DROP_UNIT;
    if (upto <= w->dropped) return;
    madvise(w->base + w->dropped, upto - w->dropped, MADV_DONTNEED); /* advice: may fail */
    w->dropped = upto;
}

/* Windows smaller than this are not judged (too few 2 MB pages to tell). */
#define JUDGE_MIN ((size_t)4 << 20)

/* For tests (tests/cli/test_cli_parallel.c): with REID_CHECK_TEST_IO_SMALL set in the
 * environment, --io auto judges every window, of any size, mapped in 4 KB pages, so that the
 * change to reading after the first window is exercised whatever the page cache holds. */
static int test_small(void)
{
    const char *v = getenv("REID_CHECK_TEST_IO_SMALL");
    return v && *v;
}

/* 1 when less than half of a mapped window of n bytes (mapped now, and read) is mapped in
 * 2 MB pages; 0 otherwise, for a window too small to judge, and when it cannot be told. */
static int mapped_small(size_t n)
{
    if (test_small()) return 1;
    if (n < JUDGE_MIN) return 0;
#if defined(__linux__)
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    if (!f) return 0;
    char line[256];
    unsigned long long kb = 0;
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        found = sscanf(line, "FilePmdMapped: %llu kB", &kb) == 1;
    fclose(f);
    return found && kb * 1024 < n / 2;
#else
    (void)n;
    return 0;
#endif
}

/* The file from offset off to size, read(2) a window at a time into one buffer. 1 when every
 * byte was fed (or the consumer stopped), -1 after an error. */
static int feed_buffered(cli_feed_fn fn, void *a, int fd, const char *path, size_t off, size_t size)
{
    if (off >= size) return 1;
    size_t cap = size - off < io_window ? size - off : io_window;
    char *buf = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) {
        fprintf(stderr, "reid-check: out of memory for a %zu-byte buffer to read %s\n", cap, path);
        return -1;
    }
#ifdef MADV_HUGEPAGE
    madvise(buf, cap, MADV_HUGEPAGE); /* advice: its failure changes nothing */
#endif
    int rc = 1;
    if (lseek(fd, (off_t)off, SEEK_SET) < 0) {
        fprintf(stderr, "reid-check: cannot read %s: %s\n", path, strerror(errno));
        rc = -1;
    }
    while (rc == 1 && off < size) {
        size_t want = size - off < cap ? size - off : cap, n = 0;
        while (n < want) {
            ssize_t r = read(fd, buf + n, want - n);
            if (r < 0 && errno == EINTR) continue;
            if (r < 0) {
                fprintf(stderr, "reid-check: cannot read %s: %s\n", path, strerror(errno));
                rc = -1;
                break;
            }
            if (r == 0) { /* as a mapped file would raise SIGBUS */
                fprintf(stderr,
                        "reid-check: %s changed while it was being read (it is shorter now)\n",
                        path);
                rc = -1;
                break;
            }
            n += (size_t)r;
        }
        if (rc != 1 || fn(a, buf, n) != 0) break;
        off += n;
    }
    munmap(buf, cap);
    return rc;
}

/* A mapped file that shrinks under us raises SIGBUS on the missing pages: turn it into an
 * error message instead of a crash. */
static sigjmp_buf bus_jump;
static volatile sig_atomic_t bus_armed;

static void on_sigbus(int sig)
{
    if (bus_armed) siglongjmp(bus_jump, 1);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Returns 1 if it fed the file, 0 to fall back to read(2) a piece at a time, -1 after an
 * error. w (when not NULL) is kept up to date with the window mapped. */
static int feed_mapped(cli_feed_fn fn, void *a, int fd, const char *path, mapped_window *w)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return 0;
    const size_t size = (size_t)st.st_size;
    if (io_mode == CLI_IO_READ) return feed_buffered(fn, a, fd, path, 0, size);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigbus;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGBUS, &sa, &old) != 0) return 0;
    char *volatile m = NULL;
    volatile size_t n = 0, off = 0;
    int rc = 1;
    if (sigsetjmp(bus_jump, 1)) {
        bus_armed = 0;
        fprintf(stderr, "reid-check: %s changed while it was being read (it is shorter now)\n",
                path);
        rc = -1;
        goto out;
    }
    bus_armed = 1;
    for (; off < size; off += n) {
        /* the rest at once only where its pages can be dropped as they are parsed */
        size_t want = off == 0 || io_window_given || !w ? io_window : size - off;
        n = size - off < want ? size - off : want;
        m = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, (off_t)off);
        if (m == MAP_FAILED) {
            m = NULL;
            if (off == 0)
                rc = 0; /* not mappable: read it instead */
            else {
                fprintf(stderr, "reid-check: cannot map %s: %s\n", path, strerror(errno));
                rc = -1;
            }
            goto out;
        }
        posix_madvise(m, n, POSIX_MADV_SEQUENTIAL);
        /* a window to judge keeps its pages until it is judged; the others drop theirs */
        const int judge = io_mode == CLI_IO_AUTO && (off == 0 || io_window_given);
        if (w) *w = (mapped_window){judge ? NULL : m, n, 0};
        /* the whole window at once: the library may parse it on several threads */
        int ok = fn(a, m, n) == 0;
        int small = ok && judge && mapped_small(n);
        if (w) w->base = NULL;
        munmap(m, n);
        m = NULL;
        if (!ok) break;
        if (small) { /* the rest read into a buffer */
            bus_armed = 0;
            sigaction(SIGBUS, &old, NULL);
            return feed_buffered(fn, a, fd, path, off + n, size);
        }
    }
out:
    bus_armed = 0;
    if (w) w->base = NULL;
    if (m) munmap(m, n);
    sigaction(SIGBUS, &old, NULL);
    return rc;
}

static int feed_analysis(void *a, const void *buf, size_t len)
{
    return reid_feed(a, buf, len) == REID_OK ? 0 : -1;
}

static int feed_path(const char *path, cli_feed_fn fn, void *a, mapped_window *w);

int cli_feed_file(reid_analysis *a, const char *path)
{
    mapped_window w = {NULL, 0, 0};
    reid_set_release(a, drop_released, &w);
    int rc = feed_path(path, feed_analysis, a, &w);
    reid_set_release(a, NULL, NULL);
    return rc;
}

int cli_feed_path(const char *path, cli_feed_fn fn, void *a)
{
    return feed_path(path, fn, a, NULL);
}

static int feed_path(const char *path, cli_feed_fn fn, void *a, mapped_window *w)
{
    char *buf = malloc(READ_SIZE);
    if (!buf) {
        fprintf(stderr, "reid-check: out of memory\n");
        return -1;
    }
    int rc = 0;
    if (strcmp(path, "-") != 0 && ends_with(path, ".gz")) {
        rc = feed_gz(fn, a, path, buf);
        free(buf);
        return rc;
    }
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "reid-check: cannot open %s: %s\n", path, strerror(errno));
        free(buf);
        return -1;
    }
    if (fd != STDIN_FILENO) {
        int mapped = feed_mapped(fn, a, fd, path, w);
        if (mapped != 0) {
            close(fd);
            free(buf);
            return mapped < 0 ? -1 : 0;
        }
    }
    for (;;) {
        ssize_t n = read(fd, buf, READ_SIZE);
        if (n < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "reid-check: cannot read %s: %s\n", path, strerror(errno));
            rc = -1;
            break;
        }
        if (n == 0) break;
        if (fn(a, buf, (size_t)n) != 0) break;
    }
    if (fd != STDIN_FILENO) close(fd);
    free(buf);
    return rc;
}
