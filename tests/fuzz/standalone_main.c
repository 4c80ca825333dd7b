/*
 * standalone_main.c - runs a libFuzzer target's LLVMFuzzerTestOneInput on the files given (or on
 * every file of the directories given), without libFuzzer: the fuzz targets' corpora become
 * regression tests in ctest, with any compiler and under the sanitizer builds. A target signals a
 * finding by aborting, which fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return 1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    for (size_t n; buf && (n = fread(buf + len, 1, cap - len, f)) > 0;) {
        len += n;
        if (len == cap) {
            uint8_t *p = realloc(buf, cap *= 2);
            if (!p) free(buf);
            buf = p;
        }
    }
    fclose(f);
    if (!buf) return 1;
    /* the input alone in an allocation of its own size, as libFuzzer gives it */
    uint8_t *data = malloc(len ? len : 1);
    if (!data) return 1;
    memcpy(data, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    int bad = 0;
    size_t ran = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "cannot read %s\n", argv[i]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            bad |= run_file(argv[i]);
            ran++;
            continue;
        }
        DIR *d = opendir(argv[i]);
        if (!d) return 1;
        char **names = NULL;
        size_t n = 0;
        for (struct dirent *e; (e = readdir(d));) {
            if (e->d_name[0] == '.') continue;
            char **p = realloc(names, (n + 1) * sizeof *names);
            if (!p) return 1;
            names = p;
            size_t need = strlen(argv[i]) + strlen(e->d_name) + 2;
            if (!(names[n] = malloc(need))) return 1;
            snprintf(names[n++], need, "%s/%s", argv[i], e->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof *names, cmp_str); /* the same order on every machine */
        for (size_t k = 0; k < n; k++) {
            bad |= run_file(names[k]);
            free(names[k]);
            ran++;
        }
        free(names);
    }
    printf("%zu inputs run\n", ran);
    return bad || ran == 0;
}
