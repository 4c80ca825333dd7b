/* progress.c - the search's progress bar (only drawn when stderr is a terminal: see main.c). */
#include "progress.h"

#include <stdio.h>

void cli_progress(uint64_t done, uint64_t total, double seconds, void *user)
{
    cli_progress_state *st = user;
    enum { WIDTH = 30 };
    double f = total ? (double)done / (double)total : 1;
    if (f > 1) f = 1;
    char bar[WIDTH + 1];
    int full = (int)(f * WIDTH);
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < full ? '#' : '.';
    bar[WIDTH] = 0;
    char eta[32] = "";
    if (f > 0 && f < 1 && seconds > 0) {
        double left = seconds * (1 - f) / f;
        snprintf(eta, sizeof eta, "  ETA %dm%02ds", (int)(left / 60), (int)left % 60);
    }
    fprintf(stderr, "\rNHS-number search [%s] %3.0f%%%-16s", bar, f * 100, eta);
    st->open = 1;
    if (done >= total) cli_progress_end(st);
    fflush(stderr);
}

void cli_progress_end(cli_progress_state *st)
{
    if (!st->open) return;
    fputc('\n', stderr);
    st->open = 0;
}
