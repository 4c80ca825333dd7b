# bench/common.sh - what the benchmark scripts share; sourced, not run.
#
# Sourced from the repository root. Gives: log, die (exit 2), usage (the script's "# Usage:"
# comment up to its "#   --no-build" line, exit 2), need_arg (an option's value is there),
# apt_install PKG... (Debian packages, with sudo when not root, `apt-get update` once),
# bench_build BUILD (`make build` when BUILD is 1) and bench_extract ROWS GEN (the seeded extract
# bench/data/extract-ROWS.csv, generated when absent, through a temporary name so that an
# interrupted run never leaves half a file; prints its path).

BENCH_NAME=bench/$(basename "$0")

log() { printf '%s\n' "$*" >&2; }
die() {
    printf '%s: %s\n' "${BENCH_NAME:-bench}" "$*" >&2
    exit 2
}

usage() {
    sed -n '/^# Usage:/,/^#   --no-build/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# need_arg OPTION [VALUE ...]: the option is followed by a non-empty value.
need_arg() { [[ $# -ge 2 && -n $2 ]] || die "$1 needs a value"; }

# bench_build BUILD: `make build` when BUILD is 1 (--no-build makes it 0).
bench_build() {
    if [[ $1 -eq 1 ]]; then
        log "== make build"
        make build >&2
    fi
}

# The seed of every generated extract: the same files on every machine.
BENCH_SEED=20261124

BENCH_SUDO=
[[ $(id -u) -eq 0 ]] || BENCH_SUDO=sudo
BENCH_APT_UPDATED=0
apt_install() {
    log "== installing Debian packages: $*"
    if [[ $BENCH_APT_UPDATED -eq 0 ]]; then
        $BENCH_SUDO apt-get update -qq >&2 || log "apt-get update failed; trying the install anyway"
        BENCH_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive $BENCH_SUDO apt-get install -y -qq "$@" >&2
}

# bench_extract_cmd ROWS GEN: the command that generates the extract of ROWS rows.
bench_extract_cmd() {
    printf '%s --rows %s --seed %s --with-notes --data-dir data/reference --out bench/data/extract-%s.csv' \
        "$2" "$1" "$BENCH_SEED" "$1"
}

# bench_extract ROWS GEN: bench/data/extract-ROWS.csv, generated with GEN when absent.
bench_extract() {
    local rows=$1 gen=$2 file=bench/data/extract-$1.csv
    mkdir -p bench/data
    if [[ ! -s $file ]]; then
        [[ -x $gen ]] || die "$gen is missing: run make build"
        log "== generating $file"
        "$gen" --rows "$rows" --seed "$BENCH_SEED" --with-notes --data-dir data/reference \
            --out "$file.tmp"
        mv "$file.tmp" "$file"
    fi
    printf '%s\n' "$file"
}

# publish_report REPORT OUT: the finished report copied to OUT in one step (never half written),
# shown, and where it went logged.
publish_report() {
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2.tmp" && mv "$2.tmp" "$2"
    cat "$1"
    log ""
    log "== written to $2"
}
