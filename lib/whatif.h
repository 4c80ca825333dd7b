/*
 * whatif.h - the generalisation lattice (docs/generalisation.md#what-if).
 *
 * A node is one level per QI. Its classes come from the counted class table: every value id is
 * mapped to its id at the node's level (a map per QI and level, built once from the dictionary's
 * values) and the classes are re-counted, weighted by their sizes, from the computed node with
 * the fewest classes among those below it (the counted table itself at the bottom). The input is
 * never read again.
 *
 * Pruned search (after ARX's Flash, Kohlmayer et al. 2012): k is monotone on the lattice (every
 * level is a function of the one below it, so a coarser node's classes are unions of a finer
 * node's), so when a node reaches the target k every node above it does, and when it fails every
 * node below it fails. Starting from the lowest untagged node, a path is built upwards through
 * untagged nodes and binary-searched; each evaluated node tags its whole up-set (pass) or
 * down-set (fail). The minimal passing nodes are always evaluated.
 */
#ifndef REID_WHATIF_H
#define REID_WHATIF_H

#include "analysis.h"

/* Compute the lattice after the counting (a->cfg->gen.what_if). 0, or -1 with a->err set. */
int reid_whatif_compute(reid_analysis *a);

void reid_whatif_free(reid_analysis *a);

#endif
