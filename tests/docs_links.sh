#!/usr/bin/env bash
# tests/docs_links.sh SRC - every documentation page the sources, the reports and the docs point
# at exists: "docs/NAME.md" anywhere in the code, the README, the benchmarks and the tests (the
# text report prints such paths for its readers), and "(NAME.md)" / "(NAME.md#anchor)" links
# between the pages of docs/. Prints each missing one; exit status 1 if any.
set -euo pipefail
cd "$1"
missing=0
while read -r f; do
    if [[ ! -e $f ]]; then
        printf 'missing: %s, named in: %s\n' "$f" "$(grep -rlF --exclude=docs_links.sh "$f" lib cli include README.md docs bench tests Makefile | tr '\n' ' ')"
        missing=1
    fi
done < <(grep -rhoE --exclude=docs_links.sh 'docs/[A-Za-z0-9_.-]+\.(md|1)' lib cli include README.md docs bench tests Makefile CMakeLists.txt | sort -u)
while read -r link; do
    f=${link%%#*}
    if [[ ! -e docs/$f ]]; then
        printf 'missing: docs/%s, linked from: %s\n' "$f" "$(grep -lF "($link)" docs/*.md | tr '\n' ' ')"
        missing=1
    fi
done < <(grep -hoE '\([A-Za-z0-9_-]+\.md(#[A-Za-z0-9_-]+)?\)' docs/*.md | tr -d '()' | sort -u)
exit $missing
