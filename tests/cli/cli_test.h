/*
 * cli_test.h - what every CLI test program shares: running the reid-check
 * binary, its exit status and messages, the JSON report and its figures,
 * scratch files, and main().
 *
 * A test program includes this header, defines its tests and its groups, and
 * ends with
 *
 *     static const cli_group groups[] = {CLI_GROUP("name", name_tests), ...};
 *     int main(int argc, char **argv) { return cli_test_main(argc, argv, groups, N); }
 *
 * Usage of every such program: PROGRAM REID_CHECK TESTS_DIR GROUP
 *   REID_CHECK  the binary under test
 *   TESTS_DIR   the source tree's tests/ (fixtures/ and data/ in it; the
 *               sample extract is TESTS_DIR/../data/sample-extract.csv)
 *   GROUP       one of the program's groups
 */
#ifndef REID_CLI_TEST_H
#define REID_CLI_TEST_H

#pragma GCC diagnostic ignored "-Wunused-function"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "reid.h"
#include "run.h"

/* ------------------------------------------------------------------------- */
/* Paths, scratch space, the last run and its JSON                           */
/* ------------------------------------------------------------------------- */

static const char *g_bin;    /* reid-check */
static const char *g_tests;  /* <source>/tests */
static char g_scratch[1024]; /* per-process scratch directory */

static run_result R; /* the last run */
static json_t *J;    /* the last JSON report parsed */

/* Paths come from a small ring of buffers, so a few can be alive at once. */
static char *path_slot(void)
{
    static char slots[16][4096];
    static unsigned next;
    return slots[next++ % 16];
}

static const char *fixture(const char *name)
{
    char *p = path_slot();
    snprintf(p, 4096, "%s/fixtures/%s", g_tests, name);
    return p;
}

static const char *test_data(const char *name)
{
    char *p = path_slot();
    snprintf(p, 4096, "%s/data/%s", g_tests, name);
    return p;
}

static const char *scratch(const char *name)
{
    char *p = path_slot();
    snprintf(p, 4096, "%s/%s", g_scratch, name);
    return p;
}

/* Write a scratch file with exactly these bytes; returns its path. */
static const char *scratch_file(const char *name, const char *bytes, size_t len)
{
    const char *p = scratch(name);
    if (write_whole_file(p, bytes, len) != 0) fail_msg("cannot write %s", p);
    return p;
}
#define SCRATCH_CSV(name, literal) scratch_file((name), (literal), sizeof(literal) - 1)

/* bytes gzip-compressed into the scratch file name */
static const char *write_gz(const char *name, const char *bytes, size_t len)
{
    const char *p = scratch(name);
    gzFile gz = gzopen(p, "wb");
    if (!gz) fail_msg("gzopen %s failed", p);
    int ok = gzwrite(gz, bytes, (unsigned)len) == (int)len;
    ok = (gzclose(gz) == Z_OK) && ok;
    if (!ok) fail_msg("cannot write %s", p);
    return p;
}

static void forget_last(void)
{
    run_result_free(&R);
    json_decref(J);
    J = NULL;
}

/* Run reid-check with the given arguments (NULL-terminated), stdin from stdin_path. */
static void run_argv(const char *stdin_path, const char *const *args, const char *file, int line)
{
    forget_last();
    char *argv[64];
    size_t n = 0;
    argv[n++] = (char *)g_bin;
    for (size_t i = 0; args[i]; i++) {
        if (n + 1 >= sizeof argv / sizeof *argv) {
            print_error("%s:%d: too many arguments\n", file, line);
            _fail(file, line);
        }
        argv[n++] = (char *)args[i];
    }
    argv[n] = NULL;
    if (run_program(&R, g_scratch, stdin_path, argv) != 0) {
        print_error("%s:%d: could not run %s\n", file, line, g_bin);
        _fail(file, line);
    }
    /* a sanitizer report in the child is a failure whatever the exit status */
    if (strstr(R.err, "Sanitizer") || strstr(R.err, "runtime error:")) {
        print_error("%s:%d: sanitizer report from reid-check:\n%s\n", file, line, R.err);
        _fail(file, line);
    }
}
#define RUN(...) run_argv(NULL, (const char *const[]){__VA_ARGS__, NULL}, __FILE__, __LINE__)
#define RUN_STDIN(in, ...)                                                                         \
    run_argv((in), (const char *const[]){__VA_ARGS__, NULL}, __FILE__, __LINE__)

static void show_run(void)
{
    print_error("exit status %d\n--- stdout ---\n%.4000s\n--- stderr ---\n%.4000s\n", R.status,
                R.out ? R.out : "", R.err ? R.err : "");
}

static void expect_status_at(int want, const char *file, int line)
{
    if (R.status != want) {
        print_error("%s:%d: exit status %d, expected %d\n", file, line, R.status, want);
        show_run();
        _fail(file, line);
    }
}
#define EXPECT_STATUS(n) expect_status_at((n), __FILE__, __LINE__)

static void expect_has_at(const char *what, const char *text, const char *needle, int want,
                          const char *file, int line)
{
    int has = strstr(text ? text : "", needle) != NULL;
    if (has != want) {
        print_error("%s:%d: %s %s \"%s\"\n", file, line, what,
                    want ? "does not contain" : "contains", needle);
        show_run();
        _fail(file, line);
    }
}
#define ERR_HAS(s) expect_has_at("stderr", R.err, (s), 1, __FILE__, __LINE__)
#define OUT_HAS(s) expect_has_at("stdout", R.out, (s), 1, __FILE__, __LINE__)
#define OUT_LACKS(s) expect_has_at("stdout", R.out, (s), 0, __FILE__, __LINE__)
#define ERR_LACKS(s) expect_has_at("stderr", R.err, (s), 0, __FILE__, __LINE__)
#define TEXT_HAS(t, s) expect_has_at("text", (t), (s), 1, __FILE__, __LINE__)
#define TEXT_LACKS(t, s) expect_has_at("text", (t), (s), 0, __FILE__, __LINE__)

static void expect_empty_at(const char *what, size_t len, const char *file, int line)
{
    if (len != 0) {
        print_error("%s:%d: %s is not empty\n", file, line, what);
        show_run();
        _fail(file, line);
    }
}
#define OUT_EMPTY() expect_empty_at("stdout", R.out_len, __FILE__, __LINE__)
#define ERR_EMPTY() expect_empty_at("stderr", R.err_len, __FILE__, __LINE__)

/* Parse a JSON document (the last run's stdout when text is NULL) into J. */
static void parse_json_at(const char *text, size_t len, const char *file, int line)
{
    json_decref(J);
    json_error_t e;
    J = json_loadb(text, len, 0, &e);
    if (!J || !json_is_object(J)) {
        print_error("%s:%d: not a JSON object: %s (line %d, column %d)\n", file, line, e.text,
                    e.line, e.column);
        show_run();
        _fail(file, line);
    }
}
#define PARSE_JSON() parse_json_at(R.out, R.out_len, __FILE__, __LINE__)

/* A value by path: keys separated by dots, array elements by their index ("a.0.b"). */
static json_t *jget(json_t *root, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *v = root;
    for (char *save = NULL, *seg = strtok_r(buf, ".", &save); v && seg;
         seg = strtok_r(NULL, ".", &save)) {
        if (json_is_array(v)) {
            char *end;
            unsigned long i = strtoul(seg, &end, 10);
            v = *end ? NULL : json_array_get(v, i);
        } else {
            v = json_object_get(v, seg);
        }
    }
    return v;
}

static const char *type_name(const json_t *v)
{
    if (!v) return "missing";
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a real";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "?";
}

static json_t *jtyped_at(const char *path, json_type want, const char *file, int line)
{
    json_t *v = jget(J, path);
    int ok = v && (json_typeof(v) == want || (want == JSON_TRUE && json_typeof(v) == JSON_FALSE));
    if (!ok) {
        print_error("%s:%d: %s is %s\n", file, line, path, type_name(v));
        _fail(file, line);
    }
    return v;
}
#define JTYPE(path, t) jtyped_at((path), (t), __FILE__, __LINE__)

static void jint_at(const char *path, long long want, const char *file, int line)
{
    json_t *v = jtyped_at(path, JSON_INTEGER, file, line);
    if (json_integer_value(v) != want) {
        print_error("%s:%d: %s = %lld, expected %lld\n", file, line, path,
                    (long long)json_integer_value(v), want);
        _fail(file, line);
    }
}
#define JINT(path, want) jint_at((path), (long long)(want), __FILE__, __LINE__)

/* A real within a relative error of want (an absolute one of tol when want is 0). */
static void jreal_at(const char *path, double want, double tol, const char *file, int line)
{
    json_t *v = jtyped_at(path, JSON_REAL, file, line);
    double got = json_real_value(v);
    double err = want != 0 ? fabs(got - want) / fabs(want) : fabs(got);
    if (!(err <= tol)) {
        print_error("%s:%d: %s = %.17g, expected %.17g (relative error %.3g > %.3g)\n", file, line,
                    path, got, want, err, tol);
        _fail(file, line);
    }
}
#define JREAL(path, want, tol) jreal_at((path), (want), (tol), __FILE__, __LINE__)

static void jstr_at(const char *path, const char *want, const char *file, int line)
{
    json_t *v = jtyped_at(path, JSON_STRING, file, line);
    if (strcmp(json_string_value(v), want) != 0) {
        print_error("%s:%d: %s = \"%s\", expected \"%s\"\n", file, line, path, json_string_value(v),
                    want);
        _fail(file, line);
    }
}
#define JSTR(path, want) jstr_at((path), (want), __FILE__, __LINE__)

static void jbool_at(const char *path, int want, const char *file, int line)
{
    json_t *v = jtyped_at(path, JSON_TRUE, file, line);
    if (json_is_true(v) != want) {
        print_error("%s:%d: %s = %s, expected %s\n", file, line, path,
                    json_is_true(v) ? "true" : "false", want ? "true" : "false");
        _fail(file, line);
    }
}
#define JBOOL(path, want) jbool_at((path), (want), __FILE__, __LINE__)

static void jnull_at(const char *path, const char *file, int line)
{
    jtyped_at(path, JSON_NULL, file, line);
}
#define JNULL(path) jnull_at((path), __FILE__, __LINE__)

/* An array of strings equal to want (NULL-terminated). */
static void jstrings_at(const char *path, const char *const *want, const char *file, int line)
{
    json_t *a = jtyped_at(path, JSON_ARRAY, file, line);
    size_t n = 0;
    while (want[n])
        n++;
    int ok = json_array_size(a) == n;
    for (size_t i = 0; ok && i < n; i++) {
        json_t *s = json_array_get(a, i);
        ok = json_is_string(s) && strcmp(json_string_value(s), want[i]) == 0;
    }
    if (!ok) {
        char *got = json_dumps(a, JSON_COMPACT);
        print_error("%s:%d: %s = %s, expected %zu strings starting \"%s\"\n", file, line, path,
                    got ? got : "?", n, n ? want[0] : "");
        free(got);
        _fail(file, line);
    }
}
#define JSTRINGS(path, ...)                                                                        \
    jstrings_at((path), (const char *const[]){__VA_ARGS__, NULL}, __FILE__, __LINE__)

/* The exact histogram equals the (size, classes) pairs given, in order. */
static void jhist_at(const uint64_t *pairs, size_t npairs, const char *file, int line)
{
    json_t *h = jtyped_at("equivalence_classes.histogram", JSON_ARRAY, file, line);
    int ok = json_array_size(h) == npairs;
    for (size_t i = 0; ok && i < npairs; i++) {
        json_t *e = json_array_get(h, i);
        json_t *s = json_object_get(e, "size"), *c = json_object_get(e, "classes");
        ok = json_is_integer(s) && json_is_integer(c) &&
             (uint64_t)json_integer_value(s) == pairs[2 * i] &&
             (uint64_t)json_integer_value(c) == pairs[2 * i + 1];
    }
    if (!ok) {
        char *got = json_dumps(h, JSON_COMPACT);
        print_error("%s:%d: histogram %s differs from the %zu entries expected\n", file, line,
                    got ? got : "?", npairs);
        free(got);
        _fail(file, line);
    }
}
#define JHIST(...)                                                                                 \
    jhist_at((const uint64_t[]){__VA_ARGS__},                                                      \
             sizeof((const uint64_t[]){__VA_ARGS__}) / (2 * sizeof(uint64_t)), __FILE__, __LINE__)

/* Sums over the histogram: size x classes and classes. */
static void hist_sums(uint64_t *records, uint64_t *classes)
{
    json_t *h = JTYPE("equivalence_classes.histogram", JSON_ARRAY);
    *records = *classes = 0;
    size_t i;
    json_t *e;
    json_array_foreach(h, i, e)
    {
        json_t *s = json_object_get(e, "size"), *c = json_object_get(e, "classes");
        assert_true(json_is_integer(s) && json_is_integer(c));
        assert_true(json_integer_value(s) > 0 && json_integer_value(c) > 0);
        *records += (uint64_t)json_integer_value(s) * (uint64_t)json_integer_value(c);
        *classes += (uint64_t)json_integer_value(c);
    }
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Number of entries in dir (without . and ..); names matching needle counted in *matching. */
static int dir_entries(const char *dir, const char *needle, int *matching)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    if (matching) *matching = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        n++;
        if (matching && needle && strstr(e->d_name, needle)) (*matching)++;
    }
    closedir(d);
    return n;
}

static const char *fresh_dir(const char *name)
{
    const char *p = scratch(name);
    remove_tree(p);
    if (mkdir(p, 0700) != 0) fail_msg("cannot create %s: %s", p, strerror(errno));
    return p;
}

static int teardown_run(void **state)
{
    (void)state;
    forget_last();
    return 0;
}

/*
 * A copy of the last run's stdout with the run's own figures blanked out (the JSON "run" object,
 * the text report's "Run:" line): seconds and bytes are numbers that can contain any digits, so
 * a test that a value such as "104" never appears must not look at them. Free it.
 */
static char *out_masked(void)
{
    char *text = strdup(R.out ? R.out : "");
    assert_non_null(text);
    for (char *cut = text; (cut = strstr(cut, "\"run\":")) != NULL;) {
        char *end = strchr(cut, '}');
        size_t n = end ? (size_t)(end - cut) : strlen(cut);
        memset(cut, ' ', n);
        cut += n;
    }
    for (char *cut = text; (cut = strstr(cut, "\nRun: ")) != NULL;) {
        char *end = strchr(cut + 1, '\n');
        size_t n = end ? (size_t)(end - cut) : strlen(cut);
        memset(cut, ' ', n);
        cut += n;
    }
    return text;
}

/* A report without its run figures (time, memory, threads), for comparing runs. */
static char *report_sans_run(void)
{
    PARSE_JSON();
    json_t *copy = json_deep_copy(J);
    json_object_del(copy, "run");
    char *text = json_dumps(copy, JSON_SORT_KEYS);
    json_decref(copy);
    return text;
}

#define T(fn) cmocka_unit_test_teardown(fn, teardown_run)

typedef struct cli_group {
    const char *name;
    const struct CMUnitTest *tests;
    size_t n;
} cli_group;

#define CLI_GROUP(name, tests)                                                                     \
    {                                                                                              \
        name, tests, sizeof tests / sizeof *tests                                                  \
    }
#define CLI_MAIN(groups)                                                                           \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        return cli_test_main(argc, argv, groups, sizeof groups / sizeof *groups);                  \
    }

static int cli_test_main(int argc, char **argv, const cli_group *groups, size_t ngroups)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s REID_CHECK TESTS_DIR GROUP\n", argv[0]);
        return 2;
    }
    g_bin = argv[1];
    g_tests = argv[2];
    if (access(g_bin, X_OK) != 0) {
        fprintf(stderr, "%s: %s is not an executable: %s\n", argv[0], g_bin, strerror(errno));
        return 2;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(g_scratch, sizeof g_scratch, "%s/reid-cli-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp",
             argv[3]);
    if (!mkdtemp(g_scratch)) {
        fprintf(stderr, "%s: cannot create a scratch directory: %s\n", argv[0], strerror(errno));
        return 2;
    }
    int rc = -1;
    for (size_t i = 0; i < ngroups; i++) {
        if (strcmp(argv[3], groups[i].name) != 0) continue;
        char name[64];
        snprintf(name, sizeof name, "cli_%s", groups[i].name);
        rc = _cmocka_run_group_tests(name, groups[i].tests, groups[i].n, NULL, NULL);
    }
    forget_last();
    remove_tree(g_scratch);
    if (rc < 0) {
        fprintf(stderr, "%s: unknown group '%s'\n", argv[0], argv[3]);
        return 2;
    }
    return rc;
}

#endif
