#!/usr/bin/env bash
# bench/run.sh - reid-check against the tools a user would pick instead, on the same job.
#
# The job: count the records of every distinct (postcode, age, diagnosis) tuple of raw values in
# a synthetic extract, and report how many classes there are and how many hold one record
# (sample uniques). Every tool is first run once to check that it reports the same classes and
# uniques as reid-check (and to measure its peak memory with /usr/bin/time -v), then timed with
# hyperfine. The results go to a markdown table on stdout and in --out.
#
# Usage: bench/run.sh [--rows N[,N...]] [--threads T[,T...]] [--peers duckdb,pandas,miller,sort]
#                     [--runs R] [--qi postcode,age,diagnosis] [--out FILE] [--no-build]
#
#   --rows      extract sizes, rows (default 1000000,10000000); files bench/data/extract-N.csv
#               are generated when absent (seed 20261124, with notes) and reused otherwise
#   --threads   thread counts (default 1,2): reid-check -j T, DuckDB SET threads=T,
#               sort --parallel=T, Miller GOMAXPROCS=T; pandas is single-threaded and runs once
#   --peers     peers to run besides reid-check (default all: duckdb,pandas,miller,sort); Miller
#               is skipped above 2,000,000 rows unless named here
#   --runs      timed runs per command (hyperfine --runs; default 3, after one warm-up run)
#   --qi        quasi-identifier columns (default postcode,age,diagnosis)
#   --out       markdown results file (default bench/results-latest.md)
#   --no-build  use build/reid-check and build/gen_extract as they are (default: `make build`)
#
# Environment: REID_CHECK=PATH benchmarks another reid-check binary (implies no build of it).
# Exit status: 0 all ran and every exact peer agreed; 1 a peer failed or disagreed (the table
# is still written); 2 usage error or missing tool that could not be installed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/common.sh
. bench/common.sh

ROWS_LIST=1000000,10000000
THREADS_LIST=1,2
PEERS_LIST=duckdb,pandas,miller,sort
PEERS_GIVEN=0
RUNS=3
QI_LIST=postcode,age,diagnosis
OUT=bench/results-latest.md
BUILD=1
ORIG_ARGS=("$@")

while [[ $# -gt 0 ]]; do
    case $1 in
    --rows) need_arg "$@"; ROWS_LIST=$2; shift 2 ;;
    --rows=*) ROWS_LIST=${1#*=}; shift ;;
    --threads) need_arg "$@"; THREADS_LIST=$2; shift 2 ;;
    --threads=*) THREADS_LIST=${1#*=}; shift ;;
    --peers) need_arg "$@"; PEERS_LIST=$2; PEERS_GIVEN=1; shift 2 ;;
    --peers=*) PEERS_LIST=${1#*=}; PEERS_GIVEN=1; shift ;;
    --runs) need_arg "$@"; RUNS=$2; shift 2 ;;
    --runs=*) RUNS=${1#*=}; shift ;;
    --qi) need_arg "$@"; QI_LIST=$2; shift 2 ;;
    --qi=*) QI_LIST=${1#*=}; shift ;;
    --out) need_arg "$@"; OUT=$2; shift 2 ;;
    --out=*) OUT=${1#*=}; shift ;;
    --no-build) BUILD=0; shift ;;
    -h | --help) usage ;;
    *) log "$BENCH_NAME: unknown argument: $1"; usage ;;
    esac
done

IFS=, read -r -a ROWS <<<"$ROWS_LIST"
IFS=, read -r -a THREADS <<<"$THREADS_LIST"
IFS=, read -r -a PEERS <<<"$PEERS_LIST"
IFS=, read -r -a QIS <<<"$QI_LIST"
[[ ${#ROWS[@]} -gt 0 && ${#THREADS[@]} -gt 0 && ${#QIS[@]} -gt 0 ]] || usage
for n in "${ROWS[@]}"; do [[ $n =~ ^[1-9][0-9]*$ ]] || die "--rows: not a positive integer: $n"; done
for t in "${THREADS[@]}"; do [[ $t =~ ^[1-9][0-9]*$ ]] || die "--threads: not a positive integer: $t"; done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs: not a positive integer: $RUNS"
for q in "${QIS[@]}"; do [[ $q =~ ^[A-Za-z0-9_]+$ ]] || die "--qi: column names are letters, digits, _: $q"; done
declare -A WANT=()
for p in "${PEERS[@]}"; do
    case $p in
    duckdb | pandas | miller | sort) WANT[$p]=1 ;;
    '') ;;
    *) die "--peers: unknown peer '$p' (duckdb, pandas, miller, sort)" ;;
    esac
done
want() { [[ -n ${WANT[$1]:-} ]]; }

START_SECONDS=$SECONDS
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
PY=/usr/bin/python3 # Debian's python3: pandas comes from Debian's python3-pandas
TIME=/usr/bin/time
GEN=build/gen_extract
RC=${REID_CHECK:-build/reid-check}
MILLER_MAX_ROWS=2000000

# ---------------------------------------------------------------------------------------------
# (a) Tools: Debian packages when missing, DuckDB through npm (bench/peers/package-lock.json).
# ---------------------------------------------------------------------------------------------
missing_pkgs=()
command -v hyperfine >/dev/null 2>&1 || missing_pkgs+=(hyperfine)
[[ -x $TIME ]] || missing_pkgs+=(time)
[[ -x $PY ]] || missing_pkgs+=(python3)
if want pandas && ! { [[ -x $PY ]] && $PY -c 'import pandas' 2>/dev/null; }; then
    missing_pkgs+=(python3-pandas)
fi
if want miller && ! command -v mlr >/dev/null 2>&1; then missing_pkgs+=(miller); fi
if want duckdb; then
    command -v node >/dev/null 2>&1 || missing_pkgs+=(nodejs)
    command -v npm >/dev/null 2>&1 || missing_pkgs+=(npm)
fi
if [[ ${#missing_pkgs[@]} -gt 0 ]]; then apt_install "${missing_pkgs[@]}"; fi

if want duckdb; then
    # npm ci when the package cannot be loaded or the lock file changed since the last install.
    if [[ bench/peers/package-lock.json -nt bench/peers/node_modules/.package-lock.json ]] ||
        ! (cd bench/peers && node -e "import('@duckdb/node-api').then(() => process.exit(0), () => process.exit(1))") 2>/dev/null; then
        log "== npm ci in bench/peers (DuckDB's Node API, with its binary)"
        (cd bench/peers && npm ci --no-audit --no-fund >&2)
    fi
fi

bench_build "$BUILD"
[[ -x $GEN ]] || die "$GEN is missing: run make build"
[[ -x $RC ]] || die "$RC is missing: run make build"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/reid-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
RAWDIR=bench/data/hyperfine
mkdir -p bench/data "$RAWDIR"

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
ROWS_TSV=$WORK/rows.tsv    # one line per table row
NOTES=$WORK/notes.md       # notes under the table
CMDS=$WORK/commands.md     # the exact commands run
: >"$ROWS_TSV"
: >"$NOTES"
: >"$CMDS"
FAILED=0
DISAGREED=0

note() { printf -- '- %s\n' "$*" >>"$NOTES"; }
commas() { printf '%s' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

# json_get FILE EXPR: a value of reid-check's JSON report (EXPR indexes d, e.g. d["a"]["b"]).
json_get() { $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# check_run CMD OUTFILE TIMEFILE: runs CMD once under /usr/bin/time -v; returns its status.
check_run() {
    $TIME -v -o "$3" sh -c "$1" >"$2" 2>"$2.err"
}

# rss_kib TIMEFILE: "Maximum resident set size (kbytes)" of /usr/bin/time -v.
rss_kib() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }

# add_row TOOL ROWS THREADS SIZE JSON RSS CLASSES UNIQUES AGREE
add_row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$ROWS_TSV"; }

# record_cmd LABEL CMD: the command, once, in the "commands" section.
declare -A SEEN_CMD=()
record_cmd() {
    if [[ -z ${SEEN_CMD[$2]:-} ]]; then
        SEEN_CMD[$2]=1
        printf '# %s\n%s\n' "${1//\\|/|}" "$2" >>"$CMDS"
    fi
}

# bench_one ID TOOL ROWS THREADS SIZE CMD KIND
#   ID: a short name for the files of this run; TOOL: the label in the table
#   KIND: ref (reid-check, raw values: sets REF_C/REF_U), norm (reid-check normalising),
#         exact (must agree), cut (not quote-aware: disagreement is reported, not a failure)
bench_one() {
    local id=$1 tool=$2 n=$3 t=$4 size=$5 cmd=$6 kind=$7
    local tag="$n-$id-t$t"
    local out=$WORK/$tag.out tf=$WORK/$tag.time json=$RAWDIR/$tag.json
    local classes=- uniques=- agree=- rss=-

    log ""
    log "== $tool, $n rows, $t thread(s)"
    log "   $cmd"
    record_cmd "$tool, $t thread(s)" "$cmd"
    if ! check_run "$cmd" "$out" "$tf"; then
        log "!! FAILED: $tool ($n rows, $t threads); its stderr:"
        sed 's/^/   /' "$out.err" >&2 || true
        add_row "$tool" "$n" "$t" "$size" - - - - "FAILED (see log)"
        note "**$tool failed** on $(commas "$n") rows with $t thread(s): $(head -c 300 "$out.err" | tr '\n' ' ')"
        FAILED=1
        return 0
    fi
    rss=$(rss_kib "$tf")
    case $kind in
    ref | norm)
        classes=$(json_get "$out" 'd["equivalence_classes"]["count"]')
        uniques=$(json_get "$out" 'd["sample_uniques"]["records"]')
        ;;
    *)
        read -r classes uniques <"$out" || true
        ;;
    esac
    [[ $classes =~ ^[0-9]+$ && $uniques =~ ^[0-9]+$ ]] || {
        log "!! $tool printed no figures: $(head -c 200 "$out")"
        add_row "$tool" "$n" "$t" "$size" - "$rss" - - "FAILED (no figures)"
        FAILED=1
        return 0
    }
    log "   classes $classes, uniques $uniques, peak RSS $((rss / 1024)) MiB"
    case $kind in
    ref)
        if [[ -z $REF_C ]]; then
            REF_C=$classes REF_U=$uniques REF_JSON=$out agree="reference"
        elif [[ $classes == "$REF_C" && $uniques == "$REF_U" ]]; then
            agree="yes (same as 1st)"
        else
            agree="**NO: differs by thread count**"
            log "!! DISAGREEMENT: reid-check with $t threads: $classes/$uniques, first run $REF_C/$REF_U"
            note "**reid-check disagrees with itself** on $(commas "$n") rows: $t threads gave $(commas "$classes") classes / $(commas "$uniques") uniques, the first thread count $(commas "$REF_C") / $(commas "$REF_U")."
            DISAGREED=1
        fi
        ;;
    norm) agree="n/a (normalises)" ;;
    exact)
        if [[ $classes == "$REF_C" && $uniques == "$REF_U" ]]; then
            agree="yes"
        else
            agree="**NO**"
            log "!! DISAGREEMENT: $tool reports $classes classes / $uniques uniques; reid-check $REF_C / $REF_U"
            note "**DISAGREEMENT: $tool** on $(commas "$n") rows, $t thread(s): $(commas "$classes") classes / $(commas "$uniques") uniques, reid-check $(commas "$REF_C") / $(commas "$REF_U")."
            DISAGREED=1
        fi
        ;;
    cut)
        if [[ $classes == "$REF_C" && $uniques == "$REF_U" ]]; then
            agree="yes"
        else
            agree="no (not quote-aware)"
            log "   (expected: cut splits quoted newlines into extra lines: $((classes - REF_C)) classes, $((uniques - REF_U)) uniques more)"
            # One note per file while every thread count gives the same figures.
            [[ ${SORT_NOTED:-} == "$n:$classes:$uniques" ]] ||
                note "cut | sort | uniq -c on $(commas "$n") rows: $(commas "$classes") classes / $(commas "$uniques") uniques against reid-check's $(commas "$REF_C") / $(commas "$REF_U") ($(printf '%+d' $((classes - REF_C))) classes, $(printf '%+d' $((uniques - REF_U))) uniques): \`cut\` is not quote-aware, so every newline inside a quoted note starts a bogus record whose 'fields' become extra classes. Expected; reported, not a failure."
            SORT_NOTED="$n:$classes:$uniques"
        fi
        ;;
    esac

    if ! hyperfine --warmup 1 --runs "$RUNS" --export-json "$json" "$cmd" >&2; then
        add_row "$tool" "$n" "$t" "$size" - "$rss" "$classes" "$uniques" "$agree; timing FAILED"
        FAILED=1
        return 0
    fi
    add_row "$tool" "$n" "$t" "$size" "$json" "$rss" "$classes" "$uniques" "$agree"
}

# ---------------------------------------------------------------------------------------------
# (b)-(d) For every extract: generate if absent, check agreement, time, measure memory.
# ---------------------------------------------------------------------------------------------
QI_RAW=$(printf '%s:text,' "${QIS[@]}")
QI_RAW=${QI_RAW%,}
QI_COMMA=$(IFS=,; echo "${QIS[*]}")
DUCKDB_LABEL=DuckDB
if want duckdb; then
    DUCKDB_LABEL="DuckDB $(cd bench/peers && { node --input-type=module -e "import d from '@duckdb/node-api'; console.log(d.version())" 2>/dev/null || true; })"
fi

for n in "${ROWS[@]}"; do
    file=$(bench_extract "$n" "$GEN")
    record_cmd "generate the extract (once; reused while present)" "$(bench_extract_cmd "$n" "$GEN")"
    size=$(stat -L -c %s "$file")
    log "== $file: $size bytes ($(awk -v s="$size" 'BEGIN {printf "%.1f MB", s / 1e6}'))"
    cat "$file" >/dev/null # into the page cache

    # Column numbers for cut, from the header (plain names, as gen_extract writes them).
    header=$(head -n 1 "$file" | tr -d '\r')
    cut_fields=
    for q in "${QIS[@]}"; do
        i=$(printf '%s\n' "$header" | tr ',' '\n' | grep -nxF -- "$q" | head -n 1 | cut -d: -f1 || true)
        [[ -n $i ]] || die "$file: no column '$q' in the header"
        cut_fields+=${cut_fields:+,}$i
    done

    REF_C='' REF_U='' REF_JSON=''
    for t in "${THREADS[@]}"; do
        bench_one reid-raw "reid-check (raw: --qi …:text)" "$n" "$t" "$size" \
            "$RC --qi $QI_RAW --format json -j $t $file" ref
    done
    if [[ -z $REF_C ]]; then
        note "reid-check failed on $(commas "$n") rows: nothing to compare the peers with."
        continue
    fi
    for t in "${THREADS[@]}"; do
        bench_one reid-norm "reid-check (normalising, default types)" "$n" "$t" "$size" \
            "$RC --qi $QI_COMMA --format json -j $t $file" norm
    done

    # Missing values: the peers treat an empty field as one value (DuckDB reads it as NULL and
    # GROUP BY puts the NULLs in one group; pandas and Miller keep ""), as reid-check treats all
    # its missing spellings as one value. Check that the data has no other missing spelling
    # (NA, N/A, NULL, ?) and no untrimmed values, which reid-check would treat differently.
    if want duckdb; then
        mfile=$WORK/missing-$n.json
        if node bench/peers/duckdb_count.mjs --missing "$file" "$QI_COMMA" >"$mfile" 2>"$mfile.err"; then
            msg=$($PY - "$mfile" "$REF_JSON" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
try:
    r = {q["name"]: q["missing"] for q in json.load(open(sys.argv[2]))["quasi_identifier_details"]}
except (OSError, ValueError, KeyError):
    r = {}
parts, ok = [], True
for col, v in m.items():
    same = r.get(col) == v["empty"] + v["missing_tokens"]
    ok = ok and v["missing_tokens"] == 0 and v["untrimmed"] == 0 and same
    parts.append(f'{col}: {v["empty"]:,} empty, {v["missing_tokens"]} spelt NA/N/A/NULL/?, '
                 f'{v["untrimmed"]} with surrounding white space, reid-check counted {r.get(col, "?"):,} missing')
verdict = ("so the empty field is the only missing spelling and raw values compare alike in every tool"
           if ok else "**so some values are missing or trimmed differently in reid-check than in the peers**")
print("; ".join(parts) + "; " + verdict + ".")
EOF
)
            note "Missing values on $(commas "$n") rows (checked with DuckDB): $msg"
        else
            note "Missing-value check on $(commas "$n") rows failed: $(head -c 200 "$mfile.err")"
        fi
    else
        note "Missing values on $(commas "$n") rows: not checked (the check uses the duckdb peer)."
    fi

    if want duckdb; then
        for t in "${THREADS[@]}"; do
            bench_one duckdb "$DUCKDB_LABEL" "$n" "$t" "$size" "node bench/peers/duckdb_count.mjs $file $t $QI_COMMA" exact
        done
    fi
    if want pandas; then
        bench_one pandas "pandas $($PY -c 'import pandas; print(pandas.__version__)')" "$n" 1 "$size" \
            "$PY bench/peers/pandas_count.py $file $QI_COMMA" exact
    fi
    if want miller; then
        if [[ $n -gt $MILLER_MAX_ROWS && $PEERS_GIVEN -eq 0 ]]; then
            add_row "Miller" "$n" - "$size" - - - - "skipped (> 2 M rows)"
            note "Miller skipped on $(commas "$n") rows: above $(commas "$MILLER_MAX_ROWS") rows it takes minutes and many GiB (about 2.6 GiB at 1 M rows; 16.6 GiB and 127 s at 10 M in earlier measurements); name it in --peers to run it anyway."
        else
            for t in "${THREADS[@]}"; do
                bench_one miller "Miller $(mlr --version | awk '{print $2}')" "$n" "$t" "$size" \
                    "GOMAXPROCS=$t mlr --icsv --ojson count -g $QI_COMMA $file | awk '/^  \"count\": / {c++; if (\$2 + 0 == 1) u++} END {print c + 0, u + 0}'" exact
            done
        fi
    fi
    if want sort; then
        for t in "${THREADS[@]}"; do
            bench_one sort "cut \\| sort \\| uniq -c" "$n" "$t" "$size" \
                "cut -d, -f$cut_fields $file | tail -n +2 | LC_ALL=C sort --parallel=$t | uniq -c | awk '{c++; if (\$1 == 1) u++} END {print c + 0, u + 0}'" cut
        done
    fi
done

# ---------------------------------------------------------------------------------------------
# (e) The table.
# ---------------------------------------------------------------------------------------------
ELAPSED=$((SECONDS - START_SECONDS))
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
[[ -n $cpu ]] || cpu=$(lscpu 2>/dev/null | awk -F': +' '/Model name/ {print $2; exit}' || true)
mem=$(free -g | awk '/^Mem:/ {print $2 " GiB total, " $7 " GiB available"}')
rev=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)
if [[ -n ${REID_CHECK:-} ]]; then
    rc_origin="binary given by REID_CHECK"
else
    rc_origin="built from the work tree at git $rev"
fi
versions="reid-check $("$RC" --version 2>/dev/null | head -n 1 | awk '{print $NF}') ($RC, $rc_origin, $(date -u -r "$RC" '+%Y-%m-%d %H:%M UTC'))"
versions+=", hyperfine $(hyperfine --version | awk '{print $2}')"
versions+=", coreutils $(sort --version | head -n 1 | awk '{print $NF}')"
want miller && versions+=", Miller $(mlr --version 2>/dev/null | awk '{print $2}')"
want pandas && versions+=", pandas $($PY -c 'import pandas; print(pandas.__version__)' 2>/dev/null), Python $($PY -c 'import platform; print(platform.python_version())')"
want duckdb && versions+=", DuckDB node-api $(node -p "require('./bench/peers/node_modules/@duckdb/node-api/package.json').version" 2>/dev/null), Node $(node --version)"

REPORT=$WORK/report.md
{
    echo "## Results: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(nproc) cores (nproc), ${cpu:-unknown CPU}, memory $mem (free -g), $(uname -sr);"
    echo "load average (1, 5, 15 min) $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') at the end (above 0.1 means something else was running)."
    echo "Versions: $versions."
    echo "Job: records per distinct ($QI_COMMA) tuple of raw values; each command timed by hyperfine"
    echo "(1 warm-up run + $RUNS runs, file in the page cache); peak RSS from one run under /usr/bin/time -v."
    echo
    $PY - "$ROWS_TSV" <<'EOF'
import json, sys

def num(x, fmt):
    return format(x, fmt)

print("| tool | rows | threads | file size | median wall s | range s | throughput MB/s | rows/s | peak RSS MiB | classes | uniques | agrees? |")
print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
for line in open(sys.argv[1], encoding="utf-8"):
    tool, rows, threads, size, js, rss, classes, uniques, agree = line.rstrip("\n").split("\t")
    rows_i, size_i = int(rows), int(size)
    med = rng = tput = rps = "–"
    if js != "-":
        r = json.load(open(js))["results"][0]
        m = r["median"]
        med = f"{m:.3f}" if m < 10 else f"{m:.2f}"
        rng = f"{min(r['times']):.2f}–{max(r['times']):.2f}"
        tput = f"{size_i / 1e6 / m:,.0f}"
        rps = f"{rows_i / m / 1e6:.2f} M"
    rss_s = f"{int(rss) / 1024:,.0f}" if rss not in ("-", "") else "–"
    c = f"{int(classes):,}" if classes.isdigit() else "–"
    u = f"{int(uniques):,}" if uniques.isdigit() else "–"
    print(f"| {tool} | {rows_i:,} | {threads if threads != '-' else '–'} | {size_i / 1e6:,.1f} MB | {med} | {rng} | {tput} | {rps} | {rss_s} | {c} | {u} | {agree} |")
EOF
    echo
    echo "Column meanings: median wall s = median of the $RUNS timed runs; range = fastest–slowest run;"
    echo "throughput = file size (10^6 bytes) / median; rows/s = data rows / median; peak RSS = maximum"
    echo "resident set size of the largest single process (for a pipeline, its largest stage);"
    echo "classes / uniques = equivalence classes and sample uniques the tool reported; agrees? = both"
    echo "equal to reid-check's raw-value figures on the same file."
    echo
    echo "Notes:"
    echo
    echo "- \"reid-check (raw)\" is the like-for-like run: every QI read as \`text\`, values compared as"
    echo "  spelt, as the peers do. \"reid-check (normalising)\" is the default run (postcodes, ages and"
    echo "  ICD-10 codes normalised), so it finds fewer classes; it is timed for information."
    echo "- pandas is single-threaded and runs once per file (threads = 1)."
    cat "$NOTES"
    echo
    echo "Run: \`${REID_CHECK:+REID_CHECK=$REID_CHECK }bench/run.sh ${ORIG_ARGS[*]}\` took $((ELAPSED / 60)) min $((ELAPSED % 60)) s in all"
    echo "(installs, generation, checks and timings). Raw hyperfine JSON: \`$RAWDIR/\`."
    echo
    echo "Commands run (from the repository root):"
    echo
    echo '```sh'
    cat "$CMDS"
    echo '```'
} >"$REPORT"

publish_report "$REPORT" "$OUT"
if [[ $FAILED -ne 0 || $DISAGREED -ne 0 ]]; then
    log "!! some runs failed or disagreed: see the notes in $OUT"
    exit 1
fi
