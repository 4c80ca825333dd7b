#!/usr/bin/env bash
# bench/profile.sh - where reid-check spends its time, stage by stage.
#
# Usage: bench/profile.sh [--threads T] [--qi LIST] [--tool perf|callgrind] [--out FILE]
#                         [--no-build] [FILE]
#
#   FILE       the extract to profile (default bench/data/extract-1000000.csv, generated when
#              absent; with callgrind, bench/data/extract-100000.csv)
#   --threads  reid-check -j T (default 1: one thread, so the stages add up to the wall time)
#   --qi       quasi-identifiers (default postcode,age,diagnosis: the default, normalising run)
#   --tool     perf (default when it works: `perf record` with DWARF call graphs, so samples in
#              libc and the kernel are charged to the reid-check function that called them) or
#              callgrind (valgrind; instruction counts, self cost only; ~50x slower)
#   --out      markdown report (default bench/profile-latest.md)
#   --no-build use build/reid-check as it is (default: `make build` first)
#
# Stages: read (kernel copy of the file, or page faults of a file mapping), parse (scanner, libcsv, field and row callbacks),
# normalise (trim, missing values, UTF-8 check, postcode/date/age/code forms), dictionary
# (value -> id), aggregate (class table, counting batches, XXH3), report (metrics and writers),
# other (start-up, allocation not under one of the above, unknown frames).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/common.sh
. bench/common.sh

THREADS=1
QI=postcode,age,diagnosis
TOOL=
OUT=bench/profile-latest.md
BUILD=1
FILE=
ORIG_ARGS=("$@")
while [[ $# -gt 0 ]]; do
    case $1 in
    --threads) [[ $# -ge 2 ]] || usage; THREADS=$2; shift 2 ;;
    --qi) [[ $# -ge 2 ]] || usage; QI=$2; shift 2 ;;
    --tool) [[ $# -ge 2 ]] || usage; TOOL=$2; shift 2 ;;
    --out) [[ $# -ge 2 ]] || usage; OUT=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h | --help) usage ;;
    -*) log "$BENCH_NAME: unknown option: $1"; usage ;;
    *) [[ -z $FILE ]] || usage; FILE=$1; shift ;;
    esac
done
[[ $THREADS =~ ^[1-9][0-9]*$ ]] || die "--threads: not a positive integer: $THREADS"
case $TOOL in '' | perf | callgrind) ;; *) die "--tool: perf or callgrind" ;; esac

PY=/usr/bin/python3
RC=${REID_CHECK:-build/reid-check}
GEN=build/gen_extract
[[ -x $PY ]] || apt_install python3

bench_build "$BUILD"
[[ -x $RC ]] || die "$RC is missing: run make build"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/reid-profile.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p bench/data

# perf if it can record here (installed on demand), else callgrind.
perf_works() {
    command -v perf >/dev/null 2>&1 &&
        perf record -q -o "$WORK/probe.data" -- true >/dev/null 2>&1
}
if [[ -z $TOOL || $TOOL == perf ]]; then
    if ! perf_works; then
        command -v perf >/dev/null 2>&1 || apt_install linux-perf || true
    fi
    if perf_works; then
        TOOL=perf
    elif [[ $TOOL == perf ]]; then
        die "perf cannot record here (not installed, or kernel.perf_event_paranoid forbids it)"
    else
        log "== perf is unavailable here: using valgrind --tool=callgrind on a 100,000-row file"
        TOOL=callgrind
    fi
fi
if [[ $TOOL == callgrind ]]; then
    if ! command -v valgrind >/dev/null 2>&1 || ! command -v callgrind_annotate >/dev/null 2>&1; then
        apt_install valgrind
    fi
fi

if [[ -z $FILE ]]; then
    if [[ $TOOL == perf ]]; then rows=1000000; else rows=100000; fi
    FILE=$(bench_extract "$rows" "$GEN")
fi
[[ -r $FILE ]] || die "cannot read $FILE"
size=$(stat -c %s "$FILE")
cat "$FILE" >/dev/null # into the page cache

CMD=("$RC" --qi "$QI" -j "$THREADS" "$FILE")
log "== $TOOL: ${CMD[*]}"
"${CMD[@]}" >/dev/null # warm-up, and fail early on a bad command
start=$(date +%s.%N)
if [[ $TOOL == perf ]]; then
    PROFILE=bench/data/perf.data
    rm -f "$PROFILE" "$PROFILE.old"
    # shellcheck disable=SC2054 # "dwarf,16384" is one argument
    REC=(perf record -q --call-graph dwarf,16384 -F 2000 -o "$PROFILE" --)
    "${REC[@]}" "${CMD[@]}" >/dev/null
    end=$(date +%s.%N)
    perf script -i "$PROFILE" -F tid,period,ip,sym,dso 2>/dev/null >"$WORK/samples.txt"
    TOOL_CMD="${REC[*]} ${CMD[*]} > /dev/null; perf script -i $PROFILE -F tid,period,ip,sym,dso"
else
    PROFILE=bench/data/callgrind.out
    REC=(valgrind -q --tool=callgrind --callgrind-out-file="$PROFILE")
    "${REC[@]}" "${CMD[@]}" >/dev/null
    end=$(date +%s.%N)
    callgrind_annotate --inclusive=no --auto=no --threshold=100 "$PROFILE" >"$WORK/samples.txt" 2>/dev/null
    TOOL_CMD="${REC[*]} ${CMD[*]} > /dev/null; callgrind_annotate --inclusive=no --auto=no --threshold=100 $PROFILE"
fi
wall=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
rev=$(git describe --always --dirty 2>/dev/null || echo unknown)

REPORT=$WORK/report.md
$PY - "$TOOL" "$WORK/samples.txt" >"$WORK/tables.md" <<'EOF'
import re, sys
from collections import defaultdict

tool, path = sys.argv[1], sys.argv[2]

# Stage of a symbol, by name; None for generic code (libc string functions, most of the
# kernel, unknown frames) whose cost belongs to whoever called it.
STAGES = [
    ("read", r"copy_to_iter|copy_page_to_iter|copy_user|filemap_|vfs_read|ksys_read|sys_read|"
             r"_file_read_iter|generic_file_read|^read$|libc_read|^cli_feed|^cli_read|^input_|"
             r"inflate|gzread|gz_|do_read_fault|do_fault_around|next_uptodate|set_pte_range|"
             r"file_rmap|^feed_mapped|^feed_gz|^cli_feed|^cli_input"),
    ("parse", r"^reid_scan|^scan_|skip_quoted|skip_text|unesc_append|grow_fields|is_sp$|"
              r"^csv_|on_field|on_row|feed_piece|fast_step|deliver_scanned|^advance|^process|"
              r"^reid_reader|^start$|parser_start|row_reset|malformed|take_header|^reid_feed|sniff|"
              r"reid_record_fill|batch_field|worker_row|parse_chunk|reid_count_quotes|"
              r"reid_next_boundary|reid_last_boundary|plan_chunk|reid_parallel_feed"),
    ("normalise", r"normalise|^norm_|reid_trim|missing|utf8|read_digits|month_name|"
                  r"days_in_month|strncasecmp|strcasecmp"),
    ("dictionary", r"dict_"),
    ("aggregate", r"classtable|count_batch|XXH|hash_xxh3|rehash|grow_arrays|reid_counter|count_thread|"
                  r"hand_over|reid_batch|reid_merge|count_chunk|slot_batch|new_batch"),
    ("report", r"^report|^reid_write|^json_|reid_metrics|cmp_u64|reid_fmt|reid_bucket|"
               r"reid_summary|reid_histogram|^build$|^put$|^push$|str_lossy|qi_list|^compute$|"
               r"reid_finish"),
]
COMPILED = [(name, re.compile(rx)) for name, rx in STAGES]
ORDER = [name for name, _ in STAGES] + ["other"]

def stage_of(sym):
    for name, rx in COMPILED:
        if rx.search(sym):
            return name
    return None

self_cost = defaultdict(float)   # symbol -> cost
sym_stage = {}                   # symbol -> stage it was charged to (most often)
stage_cost = defaultdict(float)
stage_syms = defaultdict(lambda: defaultdict(float))
threads = defaultdict(float)
total = 0.0

if tool == "perf":
    # perf script: a header line "TID PERIOD" then one frame per line, leaf first:
    # "\t ADDR SYMBOL (DSO)"; a blank line ends the sample.
    def flush(tid, period, frames):
        global total
        if period is None or not frames:
            return
        # Inlined SIMD intrinsics are charged to the function they were inlined into.
        while len(frames) > 1 and re.match(r"_mm\d*_|__builtin", frames[0]):
            frames = frames[1:]
        leaf = frames[0]
        stage = None
        for f in frames:
            stage = stage_of(f)
            if stage:
                break
        stage = stage or "other"
        total += period
        threads[tid] += period
        self_cost[leaf] += period
        stage_cost[stage] += period
        stage_syms[stage][leaf] += period
    tid = period = None
    frames = []
    for line in open(path, encoding="utf-8", errors="replace"):
        if not line.strip():
            flush(tid, period, frames)
            tid = period = None
            frames = []
        elif line[0] in " 0123456789" and not line.startswith("\t"):
            flush(tid, period, frames)
            parts = line.split()
            tid, period, frames = parts[0], float(parts[1]), []
        else:
            m = re.match(r"\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$", line)
            if m:
                sym = m.group(1)
                sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
                frames.append(sym)
    flush(tid, period, frames)
    unit = "CPU s"
    scale = 1e-9  # cpu-clock periods are nanoseconds
else:
    # callgrind_annotate --inclusive=no: "IR (PCT)  FILE:FUNCTION [OBJECT]"
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"\s*([0-9,]+)\s+(?:\([^)]*\)\s+)?(\S.*?)(?:\s+\[.*\])?\s*$", line)
        if not m or ":" not in m.group(2):
            continue
        ir = float(m.group(1).replace(",", ""))
        fn = m.group(2).rsplit(":", 1)[1]
        if "PROGRAM TOTALS" in line:
            continue
        stage = stage_of(fn) or "other"
        total += ir
        self_cost[fn] += ir
        stage_cost[stage] += ir
        stage_syms[stage][fn] += ir
    unit = "G instr"
    scale = 1e-9

for stage, syms in stage_syms.items():
    for s in syms:
        if s not in sym_stage or syms[s] > stage_syms[sym_stage[s]][s]:
            sym_stage[s] = stage

if total == 0:
    sys.exit("no samples")

print("### Stages\n")
print(f"| stage | {unit} | share | main symbols (self share within the stage) |")
print("|---|--:|--:|---|")
for st in ORDER:
    c = stage_cost.get(st, 0.0)
    top = sorted(stage_syms[st].items(), key=lambda kv: -kv[1])[:5]
    tops = ", ".join(f"`{s}` {v / c:.0%}" for s, v in top if v / c >= 0.02) if c else ""
    print(f"| {st} | {c * scale:.3f} | {c / total:.1%} | {tops} |")
print(f"| **total** | {total * scale:.3f} | 100% | |")
print()
if tool == "perf" and len(threads) > 1:
    print("Threads (CPU s): " + ", ".join(f"tid {t}: {v * scale:.3f}" for t, v in
                                           sorted(threads.items(), key=lambda kv: -kv[1])) + "\n")
print("### Top symbols (self)\n")
print(f"| symbol | stage charged | {unit} | share |")
print("|---|---|--:|--:|")
for s, v in sorted(self_cost.items(), key=lambda kv: -kv[1])[:30]:
    print(f"| `{s}` | {sym_stage.get(s, 'other')} | {v * scale:.3f} | {v / total:.1%} |")
EOF

{
    echo "## Profile: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    if [[ -n ${REID_CHECK:-} ]]; then origin="given by REID_CHECK"; else origin="built from the work tree at git $rev"; fi
    echo "Machine: $(nproc) cores, ${cpu:-unknown CPU}, $(free -g | awk '/^Mem:/ {print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg) after the run."
    echo "Binary: \`$RC\` ($origin, $(date -u -r "$RC" '+%Y-%m-%d %H:%M UTC'))."
    echo "File: \`$FILE\` ($(awk -v s="$size" 'BEGIN {printf "%.1f MB", s / 1e6}')); threads: $THREADS; QIs: $QI; tool: $TOOL."
    echo "Wall time under the profiler: $wall s (the profiler slows the run; compare shares, not seconds)."
    echo
    if [[ $TOOL == perf ]]; then
        echo "Each sample is charged to the first frame, from the leaf up, that belongs to a stage, so"
        echo "time in libc (memcmp, memcpy) and in the kernel (page faults) counts for the reid-check"
        echo "function that called it; the top-symbols table shows self time where it was spent."
    else
        echo "Self instruction counts (Ir) per function; libc functions are not charged to callers and"
        echo "land in \"other\". Instructions are not time: cache misses of the class table do not show,"
        echo "and neither does the kernel (the read stage is only the user-space side of read())."
    fi
    echo
    cat "$WORK/tables.md"
    echo
    echo "Commands (from the repository root): \`${REID_CHECK:+REID_CHECK=$REID_CHECK }bench/profile.sh ${ORIG_ARGS[*]}\`, which ran"
    echo
    echo '```sh'
    echo "$TOOL_CMD"
    echo '```'
} >"$REPORT"

publish_report "$REPORT" "$OUT"
