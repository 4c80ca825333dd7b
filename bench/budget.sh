#!/usr/bin/env bash
# bench/budget.sh - what the risk models cost: a run with every model against the plain
# k-anonymity run on the same extract and QIs (issue 3: within 1.3x on 10 M rows).
#
# Two sets, each a plain run and a full run of the same QIs (bench/README.md, "Cost of the risk
# models"):
#   1  --qi postcode,age,diagnosis (the benchmark's QIs) + --sampling-fraction 0.01
#      --missing-matches-any --sensitive ethnicity --sensitive sex --policy ema
#   2  --qi postcode,sex,age (the census table's QIs) + --sampling-fraction 0.01
#      --population-table uk-census-2011 --missing-matches-any --sensitive ethnicity
#      --sensitive diagnosis --policy ema
# Each command is first run once under /usr/bin/time -v: its exit status (0, or 1 for a full run
# whose policy is not met) and its JSON are checked, so that a full run that skipped a model
# cannot pass for one, and its peak memory is read. Then hyperfine times the two commands, each
# run back to back with itself (1 warm-up run + --runs). With --pairs N, bench/pairs.py also
# times N pairs of the two in a random order, with --pause seconds before every run.
#
# Usage: bench/budget.sh [--rows N] [--threads T] [--runs R] [--sets 1,2] [--pairs N]
#                        [--pause S] [--out FILE] [--no-build]
#
#   --rows      rows of the extract (default 10000000): bench/data/extract-N.csv, generated when
#               absent (the same seeded file as bench/run.sh's)
#   --threads   reid-check -j T (default 2)
#   --runs      timed runs per command (hyperfine --runs; default 10)
#   --sets      which sets (default 1,2)
#   --pairs     also time N alternated pairs with bench/pairs.py (default 0: not)
#   --pause     seconds before every run of the pairs (default 0; 4 gives each run fresh memory)
#   --out       markdown results file (default bench/budget-latest.md)
#   --no-build  use build/reid-check and build/gen_extract as they are (default: `make build`)
#
# Environment: REID_CHECK=PATH times another reid-check binary.
# Exit status: 0 every run ran and every check passed (whatever the ratios: a timing on a shared
# machine is not a gate); 1 a run failed or a full run's JSON lacked a model; 2 usage error.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/common.sh
. bench/common.sh

ROWS=10000000
THREADS=2
RUNS=10
SETS_LIST=1,2
PAIRS=0
PAUSE=0
OUT=bench/budget-latest.md
BUILD=1
ORIG_ARGS=("$@")
BUDGET=1.3

while [[ $# -gt 0 ]]; do
    case $1 in
    --rows) need_arg "$@"; ROWS=$2; shift 2 ;;
    --threads) need_arg "$@"; THREADS=$2; shift 2 ;;
    --runs) need_arg "$@"; RUNS=$2; shift 2 ;;
    --sets) need_arg "$@"; SETS_LIST=$2; shift 2 ;;
    --pairs) need_arg "$@"; PAIRS=$2; shift 2 ;;
    --pause) need_arg "$@"; PAUSE=$2; shift 2 ;;
    --out) need_arg "$@"; OUT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h | --help) usage ;;
    *) log "$BENCH_NAME: unknown argument: $1"; usage ;;
    esac
done
[[ $ROWS =~ ^[1-9][0-9]*$ ]] || die "--rows: not a positive integer: $ROWS"
[[ $THREADS =~ ^[1-9][0-9]*$ ]] || die "--threads: not a positive integer: $THREADS"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs: not a positive integer: $RUNS"
[[ $PAIRS =~ ^[0-9]+$ ]] || die "--pairs: not a non-negative integer: $PAIRS"
[[ $PAUSE =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--pause: not a number of seconds: $PAUSE"
IFS=, read -r -a SETS <<<"$SETS_LIST"
[[ ${#SETS[@]} -gt 0 ]] || usage
for s in "${SETS[@]}"; do [[ $s == 1 || $s == 2 ]] || die "--sets: 1 and/or 2, not '$s'"; done

PY=/usr/bin/python3
TIME=/usr/bin/time
GEN=build/gen_extract
RC=${REID_CHECK:-build/reid-check}
START_SECONDS=$SECONDS
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')

missing_pkgs=()
command -v hyperfine >/dev/null 2>&1 || missing_pkgs+=(hyperfine)
[[ -x $TIME ]] || missing_pkgs+=(time)
[[ -x $PY ]] || missing_pkgs+=(python3)
if [[ ${#missing_pkgs[@]} -gt 0 ]]; then apt_install "${missing_pkgs[@]}"; fi
bench_build "$BUILD"
[[ -x $RC ]] || die "$RC is missing: run make build"

FILE=$(bench_extract "$ROWS" "$GEN")
cat "$FILE" >/dev/null # into the page cache
WORK=$(mktemp -d "${TMPDIR:-/tmp}/reid-budget.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
RAWDIR=bench/data/hyperfine
mkdir -p "$RAWDIR"

# set_qi N, set_models N: the QIs and the models' options of set N.
set_qi() { if [[ $1 == 1 ]]; then echo postcode,age,diagnosis; else echo postcode,sex,age; fi; }
set_models() {
    if [[ $1 == 1 ]]; then
        echo "--sampling-fraction 0.01 --missing-matches-any --sensitive ethnicity --sensitive sex --policy ema"
    else
        echo "--sampling-fraction 0.01 --population-table uk-census-2011 --missing-matches-any --sensitive ethnicity --sensitive diagnosis --policy ema"
    fi
}

# check FULL SET JSON: the models the full run must have reported (nothing printed when all are).
check_json() {
    $PY - "$@" <<'EOF'
import json, sys
full, sset, path = sys.argv[1] == "1", sys.argv[2], sys.argv[3]
try:
    d = json.load(open(path))
except (OSError, ValueError) as e:
    print(f"no JSON report ({e})")
    sys.exit(0)
bad = []
if "equivalence_classes" not in d:
    bad.append("equivalence_classes")
if full:
    if d.get("missing_values", {}).get("rule") != "matches_any":
        bad.append("missing_values.rule = matches_any")
    if "dankar" not in d.get("population", {}):
        bad.append("population.dankar")
    want = ["ethnicity", "sex"] if sset == "1" else ["ethnicity", "diagnosis"]
    for col in want:
        if "t_closeness" not in d.get("sensitive_attributes", {}).get(col, {}):
            bad.append(f"sensitive_attributes.{col}")
    if sset == "2" and "cells" not in d.get("population_table", {}):
        bad.append("population_table")
    if (d.get("gate") or {}).get("policy") != "ema":
        bad.append("gate.policy = ema")
if bad:
    print("missing from the JSON: " + ", ".join(bad))
EOF
}

ROWS_TSV=$WORK/rows.tsv
CMDS=$WORK/commands.md
NOTES=$WORK/notes.md
: >"$ROWS_TSV"
: >"$CMDS"
: >"$NOTES"
FAILED=0

# one_run LABEL CMD OK_STATUSES FULL SET: the check run; sets RSS to its peak RSS in KiB (- when
# it failed).
one_run() {
    local label=$1 cmd=$2 ok=$3 full=$4 set=$5 out=$WORK/$1.json st=0
    RSS=-
    $TIME -v -o "$WORK/$label.time" $cmd >"$out" 2>"$WORK/$label.err" || st=$?
    if [[ " $ok " != *" $st "* ]]; then
        log "!! $label: exit status $st: $(head -c 300 "$WORK/$label.err")"
        printf -- '- **%s failed** (exit status %s): %s\n' "$label" "$st" \
            "$(head -c 300 "$WORK/$label.err" | tr '\n' ' ')" >>"$NOTES"
        FAILED=1
        return 0
    fi
    local msg
    msg=$(check_json "$full" "$set" "$out")
    if [[ -n $msg ]]; then
        log "!! $label: $msg"
        printf -- '- **%s**: %s\n' "$label" "$msg" >>"$NOTES"
        FAILED=1
    fi
    RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$label.time")
}

for s in "${SETS[@]}"; do
    qi=$(set_qi "$s")
    models=$(set_models "$s")
    plain="$RC -j $THREADS --qi $qi --format json $FILE"
    full="$RC -j $THREADS --qi $qi --format json $models $FILE"
    printf '# set %s, plain\n%s\n# set %s, with the models\n%s\n' "$s" "$plain" "$s" "$full" >>"$CMDS"
    log "== set $s: $qi + $models"
    one_run "set$s-plain" "$plain" 0 0 "$s"
    rss_plain=$RSS
    one_run "set$s-full" "$full" "0 1" 1 "$s"
    rss_full=$RSS
    [[ $rss_plain != - && $rss_full != - ]] || continue
    json=$RAWDIR/budget-$ROWS-set$s-t$THREADS.json
    # -i: a full run whose policy is not met exits with 1 (checked above), which is its answer
    if ! hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$json" "$plain" "$full" >&2; then
        printf -- '- **set %s: hyperfine failed**\n' "$s" >>"$NOTES"
        FAILED=1
        continue
    fi
    pairs=-
    if [[ $PAIRS -gt 0 ]]; then
        log "== set $s: $PAIRS alternated pairs, pause $PAUSE s"
        line=$($PY bench/pairs.py "$PAIRS" "$PAUSE" "$full" "$plain")
        log "   $line"
        pairs=$(printf '%s\n' "$line" | sed -n 's/.*ratio med \([0-9.]*\) (\([0-9.]*\)-\([0-9.]*\)).*/\1 (\2–\3)/p')
        [[ -n $pairs ]] || pairs=-
        printf '# set %s, alternated pairs\n%s\n' "$s" \
            "python3 bench/pairs.py $PAIRS $PAUSE '$full' '$plain'" >>"$CMDS"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$qi" "$models" "$json" "$rss_plain" "$rss_full" \
        "$pairs" >>"$ROWS_TSV"
done

ELAPSED=$((SECONDS - START_SECONDS))
rev=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
REPORT=$WORK/report.md
{
    echo "## The risk models' budget: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(nproc) cores, $(uname -sr); load average $LOAD_START at the start,"
    echo "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') at the end. reid-check: \`$RC\`"
    echo "(${REID_CHECK:+given by REID_CHECK}${REID_CHECK:-built from git $rev}), $THREADS thread(s);"
    echo "extract \`$FILE\` ($(printf '%s' "$ROWS" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta') rows, in the page cache)."
    echo "Each command timed by hyperfine, back to back with itself (1 warm-up + $RUNS runs); the"
    echo "budget is a full run within $BUDGET× the plain one's median."
    echo
    $PY - "$ROWS_TSV" "$BUDGET" "$PAIRS" "$PAUSE" <<'EOF'
import json, sys
rows, budget, npairs, pause = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
head = "| set | QIs | models added | plain: median s (range) | full: median s (range) | ratio of medians | CPU s (user + system) plain / full | peak RSS MiB plain / full | within the budget? |"
sep = "|---|---|---|--:|--:|--:|--:|--:|---|"
if npairs:
    head = head.replace(" | within", f" | alternated pairs ({npairs}, pause {pause} s): median ratio (range) | within")
    sep = "|---|---|---|--:|--:|--:|--:|--:|--:|---|"
print(head)
print(sep)
for line in open(rows, encoding="utf-8"):
    s, qi, models, js, rp, rf, pairs = line.rstrip("\n").split("\t")
    res = json.load(open(js))["results"]
    p, f = res[0], res[1]
    ratio = f["median"] / p["median"]
    def tm(r):
        return f"{r['median']:.3f} ({min(r['times']):.2f}–{max(r['times']):.2f})"
    cpu = f"{p['user'] + p['system']:.2f} / {f['user'] + f['system']:.2f}"
    rss = f"{int(rp) / 1024:,.0f} / {int(rf) / 1024:,.0f}"
    verdict = "yes" if ratio <= budget else "**no**"
    cells = [s, f"`{qi}`", f"`{models}`", tm(p), tm(f), f"**{ratio:.2f}**", cpu, rss]
    if npairs:
        cells.append(pairs)
    cells.append(verdict)
    print("| " + " | ".join(cells) + " |")
EOF
    echo
    if [[ -s $NOTES ]]; then
        echo "Notes:"
        echo
        cat "$NOTES"
        echo
    fi
    echo "Run: \`${REID_CHECK:+REID_CHECK=$REID_CHECK }bench/budget.sh ${ORIG_ARGS[*]}\` ($((ELAPSED / 60)) min $((ELAPSED % 60)) s). Raw hyperfine JSON: \`$RAWDIR/\`."
    echo
    echo '```sh'
    cat "$CMDS"
    echo '```'
} >"$REPORT"

publish_report "$REPORT" "$OUT"
[[ $FAILED -eq 0 ]] || exit 1
