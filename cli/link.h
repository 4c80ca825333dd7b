/* link.h - the `reid-check link` subcommand (docs/linkage.md). */
#ifndef REID_CLI_LINK_H
#define REID_CLI_LINK_H

/* Run `reid-check link ...`: argv[0] is "link". Returns the exit status. */
int cli_link_main(int argc, char **argv);

#endif
