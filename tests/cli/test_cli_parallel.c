/*
 * test_cli_parallel.c - parallel parsing (docs/design.md, "Parallel parsing"): a file parsed in
 * chunks on 2, 3 or 4 threads, with chunks down to one record, gives the same report, the same
 * --at-risk file and the same error messages (line numbers included) as one thread reading it
 * in order; quoted line breaks, CRLF, blank lines and quoted commas fall at every chunk edge;
 * a stray quote that breaks the quote parity sends the rest to one thread.
 */
#include "cli_test.h"

#include <sys/stat.h>

/* A seeded extract of `rows` records (about 45 bytes each): one record in 7 has a quoted note
 * with a line break (LF or CRLF) and "" escapes, one in 11 a quoted area with a comma, one in 13
 * ends with CRLF, one in 17 is followed by a blank line. Record `bad_utf8` (1-based, 0 = none)
 * has an invalid byte in its age, record `bad_fields` an extra field, record `stray` (with
 * --lenient-quotes: a literal quote) a quote inside its unquoted area. *line_of gets the
 * physical line of record `want` (1-based). */
static const char *make_extract(const char *name, unsigned rows, unsigned bad_utf8,
                                unsigned bad_fields, unsigned stray, unsigned want,
                                unsigned *line_of)
{
    size_t cap = (size_t)rows * 90 + 100, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    unsigned line = 1;
    len += (size_t)snprintf(buf, cap, "area,age,sex,code,note,w\n");
    line++;
    uint64_t x = 88172645463325252ull;
    for (unsigned i = 1; i <= rows; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        unsigned h = (unsigned)(x >> 32);
        if (i == want) *line_of = line;
        char area[32], age[8];
        if (i == stray)
            snprintf(area, sizeof area, "AB\"%u", h % 5);
        else if (i % 11 == 0)
            snprintf(area, sizeof area, "\"AB%u, %c\"", h % 5, "XY"[h % 2]);
        else
            snprintf(area, sizeof area, "AB%u", h % 5);
        if (i == bad_utf8)
            snprintf(age, sizeof age, "%c%u", 0xff, h % 90);
        else
            snprintf(age, sizeof age, "%u", h % 90);
        const char *note = "plain";
        unsigned note_lines = 0;
        if (i % 7 == 0) {
            note = h % 2 ? "\"one\ntwo \"\"quoted\"\"\"" : "\"one\r\ntwo, three\"";
            note_lines = 1;
        }
        len += (size_t)snprintf(buf + len, cap - len, "%s,%s,%c,%c%02u,%s,%u.5%s%s", area, age,
                                "MF"[(h >> 3) % 2], "EIJ"[(h >> 5) % 3], (h >> 7) % 20, note,
                                1 + (h >> 9) % 50, i == bad_fields ? ",extra" : "",
                                i % 13 == 0 ? "\r\n" : "\n");
        line += 1 + note_lines;
        if (i % 17 == 0) {
            len += (size_t)snprintf(buf + len, cap - len, "\n");
            line++;
        }
    }
    const char *p = scratch_file(name, buf, len);
    free(buf);
    return p;
}

static const char *const chunk_sizes[] = {"1", "100", "4096", "65536"};
static const char *const thread_counts[] = {"2", "3", "4"};

/* Every report (and --at-risk file) with threads and small chunks equals the one-thread one. */
static void test_parallel_identical(void **state)
{
    (void)state;
    unsigned unused;
    const char *p = make_extract("par.csv", 30000, 0, 0, 0, 0, &unused);
    const char *ref_risk = scratch("par-risk-1.csv"), *risk = scratch("par-risk-n.csv");
    RUN("-f", "json", "--qi", "area,age,sex,code", "--weight", "w", "--sensitive", "note",
        "--suda2", "--at-risk", ref_risk, "-j", "1", "--chunk-size", "0", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("run.parallel_records", 0);
    JINT("input.records", 30000);
    char *ref = report_sans_run();
    size_t ref_len, len;
    char *ref_file = read_whole_file(ref_risk, &ref_len);
    assert_non_null(ref_file);
    for (size_t c = 0; c < sizeof chunk_sizes / sizeof *chunk_sizes; c++)
        for (size_t t = 0; t < sizeof thread_counts / sizeof *thread_counts; t++) {
            RUN("-f", "json", "--qi", "area,age,sex,code", "--weight", "w", "--sensitive", "note",
                "--suda2", "--at-risk", risk, "-j", thread_counts[t], "--chunk-size",
                chunk_sizes[c], p);
            EXPECT_STATUS(0);
            char *text = report_sans_run();
            int same = strcmp(ref, text) == 0;
            free(text);
            if (!same)
                fail_msg("report with -j %s --chunk-size %s differs", thread_counts[t],
                         chunk_sizes[c]);
            /* most records were read in chunks: all but the first 64 KiB sniffed in order */
            json_int_t par = json_integer_value(jget(J, "run.parallel_records"));
            if (par < 20000) fail_msg("only %lld records in parallel", (long long)par);
            char *file = read_whole_file(risk, &len);
            assert_non_null(file);
            same = len == ref_len && memcmp(file, ref_file, len) == 0;
            free(file);
            if (!same)
                fail_msg("--at-risk file with -j %s --chunk-size %s differs", thread_counts[t],
                         chunk_sizes[c]);
        }
    free(ref_file);
    free(ref);
}

/* The bundled sample extract (its quoted trusts and notes, some with line breaks), counted per
 * person (--id: no pseudonym sniffing, so all but its first 64 KiB are read in chunks): the same
 * report for one thread and for chunks of one record, 100 bytes and 4 KiB on 2 to 4 threads. */
static void test_parallel_sample(void **state)
{
    (void)state;
    char p[4096];
    snprintf(p, sizeof p, "%s/../data/sample-extract.csv", g_tests);
    RUN("-f", "json", "--id", "pseudonym", "--qi", "postcode,age,sex", "--sensitive", "ethnicity",
        "-j", "1", p);
    EXPECT_STATUS(0);
    char *ref = report_sans_run();
    for (size_t c = 0; c < 3; c++)
        for (size_t t = 0; t < sizeof thread_counts / sizeof *thread_counts; t++) {
            RUN("-f", "json", "--id", "pseudonym", "--qi", "postcode,age,sex", "--sensitive",
                "ethnicity", "-j", thread_counts[t], "--chunk-size", chunk_sizes[c], p);
            EXPECT_STATUS(0);
            PARSE_JSON();
            json_int_t par = json_integer_value(jget(J, "run.parallel_records"));
            char *text = report_sans_run();
            int same = strcmp(ref, text) == 0;
            free(text);
            if (!same)
                fail_msg("sample: -j %s --chunk-size %s differs", thread_counts[t], chunk_sizes[c]);
            if (par < 5000) fail_msg("sample: %lld records in parallel", (long long)par);
        }
    free(ref);
}

/* Malformed records deep in the file: the same message, with the same line, and the same
 * skipped rows. */
static void test_parallel_bad_rows(void **state)
{
    (void)state;
    unsigned line = 0, line2 = 0;
    const char *p = make_extract("bad.csv", 30000, 20000, 0, 0, 20000, &line);
    (void)make_extract("bad.csv", 30000, 20000, 0, 0, 20000, &line2);
    assert_int_equal(line, line2);
    char want[64];
    snprintf(want, sizeof want, "line %u, column 2 (age): invalid UTF-8", line);
    /* chunks of 1 byte end past their nominal size, where the byte lies (a chunk is checked for
     * UTF-8 only when it holds a byte that is not ASCII) */
    static const char *const bad_chunks[] = {"0", "1", "1000"};
    for (size_t t = 0; t < 3; t++)
        for (size_t c = t == 0 ? 0 : 1; c < (t == 0 ? 1 : 3); c++) {
            const char *j = t == 0 ? "1" : thread_counts[t - 1];
            RUN("-q", "--qi", "area,age,sex", "-j", j, "--chunk-size", bad_chunks[c], p);
            EXPECT_STATUS(2);
            ERR_HAS(want);
        }
    const char *q = make_extract("bad2.csv", 30000, 20000, 25000, 0, 25000, &line);
    char *ref = NULL;
    for (size_t t = 0; t < 3; t++) {
        const char *j = t == 0 ? "1" : thread_counts[t - 1];
        RUN("-f", "json", "--skip-bad-rows", "--qi", "area,age,sex", "--suda2", "-j", j,
            "--chunk-size", t == 0 ? "0" : "3000", q);
        EXPECT_STATUS(0);
        PARSE_JSON();
        JINT("input.skipped_rows", 2);
        JINT("input.records", 29998);
        char *text = report_sans_run();
        if (!ref) {
            ref = text;
            continue;
        }
        int same = strcmp(ref, text) == 0;
        free(text);
        if (!same) fail_msg("report with -j %s differs with skipped rows", j);
    }
    free(ref);
}

/* A quote inside an unquoted field (kept with --lenient-quotes) breaks the quote parity: the
 * chunks guessed after it do not end where the records do; the rest is read on one thread. */
static void test_parallel_stray_quote(void **state)
{
    (void)state;
    unsigned unused;
    const char *p = make_extract("stray.csv", 30000, 0, 0, 12000, 0, &unused);
    RUN("-f", "json", "--lenient-quotes", "--qi", "area,age,sex,code", "-j", "1", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 30000);
    char *ref = report_sans_run();
    RUN("-f", "json", "--lenient-quotes", "--qi", "area,age,sex,code", "-j", "2", "--chunk-size",
        "4096", p);
    EXPECT_STATUS(0);
    char *text = report_sans_run();
    int same = strcmp(ref, text) == 0;
    free(ref);
    free(text);
    if (!same) fail_msg("report differs after a stray quote");
    json_int_t par = json_integer_value(jget(J, "run.parallel_records"));
    if (par <= 0 || par >= 30000) fail_msg("%lld records in parallel", (long long)par);
    /* without --lenient-quotes the stray quote is an error, reported at its line */
    RUN("-q", "--qi", "area,age,sex", "-j", "2", "--chunk-size", "4096", p);
    EXPECT_STATUS(2);
    ERR_HAS("malformed quoting");
}

/* Notes whose quoted text holds lines that read as whole records (six fields, as in the header):
 * a chunk boundary guessed at such a line is wrong, the chunk before it does not end between
 * records, and the rest is read on one thread; the report is the one-thread report. */
static void test_parallel_lookalike(void **state)
{
    (void)state;
    const unsigned rows = 20000;
    size_t cap = (size_t)rows * 80 + 100, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    len += (size_t)snprintf(buf, cap, "area,age,sex,code,note,w\n");
    for (unsigned i = 1; i <= rows; i++)
        len += (size_t)snprintf(buf + len, cap - len, "AB%u,%u,%c,E%02u,%s,1\n", i % 5, i % 90,
                                "MF"[i % 2], i % 20,
                                i % 3 ? "plain" : "\"see\nAB1,2,M,E01,x,3\nAB2,4,F,E02,y,5\nend\"");
    const char *p = scratch_file("lookalike.csv", buf, len);
    free(buf);
    RUN("-f", "json", "--qi", "area,age,sex,code", "--sensitive", "note", "-j", "1", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", rows);
    char *ref = report_sans_run();
    for (size_t c = 1; c < sizeof chunk_sizes / sizeof *chunk_sizes; c++)
        for (size_t t = 0; t < 2; t++) {
            RUN("-f", "json", "--qi", "area,age,sex,code", "--sensitive", "note", "-j",
                thread_counts[t], "--chunk-size", chunk_sizes[c], p);
            EXPECT_STATUS(0);
            char *text = report_sans_run();
            int same = strcmp(ref, text) == 0;
            free(text);
            if (!same)
                fail_msg("lookalike: -j %s --chunk-size %s differs", thread_counts[t],
                         chunk_sizes[c]);
        }
    free(ref);
}

/* Standard input (here a file) and a .gz file (decompressed in pieces of 1 MiB): the same
 * figures; pieces of 1 MiB hold fewer than two chunks of 2 MiB (or of the default 1 MiB), so the
 * .gz file is read on one thread unless the chunks are smaller. */
static void test_parallel_streams(void **state)
{
    (void)state;
    unsigned unused;
    const char *p = make_extract("stream.csv", 20000, 0, 0, 0, 0, &unused);
    size_t len;
    char *bytes = read_whole_file(p, &len);
    assert_non_null(bytes);
    const char *gz = write_gz("stream.csv.gz", bytes, len);
    free(bytes);
    for (int k = 0; k < 3; k++) {
        /* one thread, then two threads with chunks of 1000 bytes or 2 MiB */
        char *ref = NULL;
        for (int par_run = 0; par_run < 2; par_run++) {
            const char *j = par_run ? "2" : "1";
            const char *cs = !par_run ? "0" : k == 1 ? "2M" : "1000";
            if (k == 0)
                RUN_STDIN(p, "-f", "json", "--qi", "area,age,sex", "-j", j, "--chunk-size", cs,
                          "-");
            else
                RUN("-f", "json", "--qi", "area,age,sex", "-j", j, "--chunk-size", cs, gz);
            EXPECT_STATUS(0);
            PARSE_JSON();
            JINT("input.records", 20000);
            char *text = report_sans_run();
            if (!par_run) {
                ref = text;
                continue;
            }
            json_int_t par = json_integer_value(jget(J, "run.parallel_records"));
            int same = strcmp(ref, text) == 0;
            free(text);
            free(ref);
            if (!same) fail_msg("report %d differs", k);
            if (k == 1 ? par != 0 : par < 10000)
                fail_msg("%lld records in parallel", (long long)par);
        }
    }
}

/* A seeded extract of `rows` records with a column of tokens (16 hex digits, values repeated:
 * it looks like a pseudonym) and one record in 7 with a quoted line break; record `bad` (0 = none)
 * has an extra field. */
static const char *make_tokens(const char *name, unsigned rows, unsigned bad)
{
    size_t cap = (size_t)rows * 64 + 100, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    len += (size_t)snprintf(buf, cap, "ref,area,age,note\n");
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (unsigned i = 1; i <= rows; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        unsigned h = (unsigned)(x >> 32);
        uint64_t tok = ((uint64_t)(h % 40000) + 1) * 0x9E3779B97F4A7C15ull;
        len += (size_t)snprintf(buf + len, cap - len, "%016llx,AB%u,%u,%s%s\n",
                                (unsigned long long)tok, h % 7, (h >> 8) % 90,
                                i % 7 ? "plain" : "\"one\ntwo\"", i == bad ? ",extra" : "");
    }
    const char *p = scratch_file(name, buf, len);
    free(buf);
    return p;
}

/* Without --id the first 65,536 records are looked at for a pseudonym column (pseudosniff.h).
 * They are read in chunks too, and given to the sniff in input order when each chunk is counted:
 * the warning (which gives the distinct values among exactly those records) and every figure are
 * the same for every thread count and chunk size, when the 65,536th record falls inside a chunk,
 * when a malformed record sends the rest of a buffer to one thread while the sniff is still
 * looking, and under a memory limit (values and classes then counted in one turn). */
static void test_parallel_sniff(void **state)
{
    (void)state;
    const char *files[] = {make_tokens("tok.csv", 70000, 0),
                           make_tokens("tokbad.csv", 70000, 30000)};
    for (size_t f = 0; f < 2; f++) {
        RUN("-f", "json", "--skip-bad-rows", "--qi", "area,age", "-j", "1", files[f]);
        EXPECT_STATUS(0);
        PARSE_JSON();
        JINT("input.skipped_rows", f);
        json_t *w = jget(J, "warnings");
        assert_true(json_is_array(w) && json_array_size(w) == 1);
        TEXT_HAS(json_string_value(json_object_get(json_array_get(w, 0), "message")),
                 "column 'ref' looks like a pseudonym (its values are tokens;");
        TEXT_HAS(json_string_value(json_object_get(json_array_get(w, 0), "message")),
                 "in 65,536, some repeated)");
        char *ref = report_sans_run();
        for (size_t c = 1; c < sizeof chunk_sizes / sizeof *chunk_sizes; c++)
            for (size_t t = 0; t < sizeof thread_counts / sizeof *thread_counts; t++)
                for (int limit = 0; limit < 2; limit++) {
                    if (limit)
                        RUN("-f", "json", "--skip-bad-rows", "--qi", "area,age", "-j",
                            thread_counts[t], "--chunk-size", chunk_sizes[c], "--max-memory", "1G",
                            files[f]);
                    else
                        RUN("-f", "json", "--skip-bad-rows", "--qi", "area,age", "-j",
                            thread_counts[t], "--chunk-size", chunk_sizes[c], files[f]);
                    EXPECT_STATUS(0);
                    PARSE_JSON();
                    json_int_t par = json_integer_value(jget(J, "run.parallel_records"));
                    if (par < 25000) fail_msg("only %lld records in parallel", (long long)par);
                    char *text = report_sans_run();
                    int same = strcmp(ref, text) == 0;
                    free(text);
                    if (!same)
                        fail_msg("%s: -j %s --chunk-size %s%s differs", files[f], thread_counts[t],
                                 chunk_sizes[c], limit ? " --max-memory" : "");
                }
        free(ref);
    }
}

/* A file given to the library in windows of 64 KiB or 192 KiB or whole (--io-window), mapped, read
 * into a buffer, or mapped for one window and then read (--io auto, told by the test hook that the
 * window was mapped in 4 KB pages): records, quoted line breaks and CRLF cut by every window
 * edge, on 1 and 2 threads; the report and the --at-risk file are those of one thread reading
 * the file whole, and a malformed record deep in the file is reported at the same line. */
static void test_parallel_io(void **state)
{
    (void)state;
    unsigned unused, bad_line = 0;
    const char *p = make_extract("io.csv", 30000, 0, 0, 0, 0, &unused);
    const char *bad = make_extract("iobad.csv", 30000, 0, 27000, 0, 27000, &bad_line);
    const char *ref_risk = scratch("io-risk-1.csv"), *risk = scratch("io-risk-n.csv");
    RUN("-f", "json", "--qi", "area,age,sex,code", "--suda2", "--at-risk", ref_risk, "-j", "1",
        "--chunk-size", "0", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 30000);
    char *ref = report_sans_run();
    size_t ref_len, len;
    char *ref_file = read_whole_file(ref_risk, &ref_len);
    assert_non_null(ref_file);
    char want_err[64];
    snprintf(want_err, sizeof want_err, "line %u", bad_line);
    static const char *const modes[] = {"map", "read", "auto", "auto-small"};
    static const char *const windows[] = {"64K", "192K", "4M"}; /* 4M: the whole file */
    static const char *const threads[] = {"1", "2"};
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++)
        for (size_t w = 0; w < sizeof windows / sizeof *windows; w++)
            for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
                const char *mode = m == 3 ? "auto" : modes[m];
                if (m == 3) setenv("REID_CHECK_TEST_IO_SMALL", "1", 1);
                RUN("-f", "json", "--qi", "area,age,sex,code", "--suda2", "--at-risk", risk, "--io",
                    mode, "--io-window", windows[w], "-j", threads[t], "--chunk-size", "16K", p);
                EXPECT_STATUS(0);
                char *text = report_sans_run();
                int same = strcmp(ref, text) == 0;
                free(text);
                char *file = read_whole_file(risk, &len);
                assert_non_null(file);
                int same_file = len == ref_len && memcmp(file, ref_file, len) == 0;
                free(file);
                RUN("-f", "json", "--qi", "area,age,sex,code", "--io", mode, "--io-window",
                    windows[w], "-j", threads[t], bad);
                unsetenv("REID_CHECK_TEST_IO_SMALL");
                if (!same)
                    fail_msg("report with --io %s --io-window %s -j %s differs", modes[m],
                             windows[w], threads[t]);
                if (!same_file)
                    fail_msg("--at-risk file with --io %s --io-window %s -j %s differs", modes[m],
                             windows[w], threads[t]);
                EXPECT_STATUS(2);
                ERR_HAS(want_err);
                ERR_HAS("iobad.csv");
            }
    free(ref_file);
    free(ref);
}

/* The run just made exited 0 with the report ref (its run section aside) and read at least
 * min_parallel records in chunks; mode and windows name it in a failure. */
static void expect_parallel_report(const char *ref, json_int_t min_parallel, const char *mode,
                                   const char *windows)
{
    EXPECT_STATUS(0);
    PARSE_JSON();
    json_int_t par = json_integer_value(jget(J, "run.parallel_records"));
    if (par < min_parallel)
        fail_msg("--io %s, %s: only %lld records in parallel", mode, windows, (long long)par);
    char *text = report_sans_run();
    int same = strcmp(ref, text) == 0;
    free(text);
    if (!same) fail_msg("report with --io %s and %s differs", mode, windows);
}

/* Windows of 4 MiB, large enough for --io auto to judge from /proc how each was mapped (whatever
 * it finds, it maps on or reads the rest): the report of one thread reading the file whole. */
static void test_parallel_io_judged(void **state)
{
    (void)state;
    unsigned unused;
    const char *p = make_extract("judged.csv", 250000, 0, 0, 0, 0, &unused);
    RUN("-f", "json", "--qi", "area,age,sex,code", "-j", "1", "--chunk-size", "0", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 250000);
    char *ref = report_sans_run();
    static const char *const modes[] = {"auto", "map", "read"};
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        RUN("-f", "json", "--qi", "area,age,sex,code", "--io", modes[m], "--io-window", "4M", "-j",
            "2", p);
        expect_parallel_report(ref, 200000, modes[m], "--io-window 4M");
    }
    free(ref);
}

/* Without --io-window, a file of more than 32 MiB: its first 32 MiB are mapped (and judged, with
 * --io auto), then the rest of it in one mapping whose pages are dropped as the library is done
 * with them (cli/input.c): the report of one thread reading the file whole, with nearly every
 * record parsed in parallel. */
static void test_parallel_default_windows(void **state)
{
    (void)state;
    unsigned unused;
    const char *p = make_extract("large.csv", 1500000, 0, 0, 0, 0, &unused);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    if (st.st_size < (off_t)36 << 20)
        fail_msg("large.csv is only %lld bytes", (long long)st.st_size);
    RUN("-f", "json", "--qi", "area,age,sex,code", "-j", "1", "--chunk-size", "0", p);
    EXPECT_STATUS(0);
    PARSE_JSON();
    JINT("input.records", 1500000);
    char *ref = report_sans_run();
    static const char *const modes[] = {"auto", "map"};
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        RUN("-f", "json", "--qi", "area,age,sex,code", "--io", modes[m], "-j", "2", p);
        expect_parallel_report(ref, 1490000, modes[m], "the default windows");
    }
    free(ref);
}

static void test_parallel_option(void **state)
{
    (void)state;
    RUN("--chunk-size", "lots", "x.csv");
    EXPECT_STATUS(2);
    ERR_HAS("--chunk-size takes a size in bytes");
    RUN("--io", "fast", "x.csv");
    EXPECT_STATUS(2);
    ERR_HAS("--io takes auto, map or read, not 'fast'");
    RUN("--io-window", "100000", "x.csv");
    EXPECT_STATUS(2);
    ERR_HAS("--io-window takes a size that is a multiple of 64K");
}

static const struct CMUnitTest parallel_tests[] = {
    T(test_parallel_identical),       T(test_parallel_sample),    T(test_parallel_bad_rows),
    T(test_parallel_stray_quote),     T(test_parallel_lookalike), T(test_parallel_streams),
    T(test_parallel_sniff),           T(test_parallel_io),        T(test_parallel_io_judged),
    T(test_parallel_default_windows), T(test_parallel_option),
};

static const cli_group groups[] = {CLI_GROUP("parallel", parallel_tests)};

CLI_MAIN(groups)
