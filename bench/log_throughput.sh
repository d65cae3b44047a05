#!/bin/sh
# Log throughput: a command writes SIZE_MB of 100-byte text lines to its
# stdout, which is either the log file itself (direct) or daemonize's pipe
# (daemonize -f -o FILE, plain and with --timestamps), or a pipe into s6-log
# or svlogd (timestamps on, as they are normally used). Three writers:
#   dd bs=4K   writes of a stdio buffer's size (most programs)
#   sed -n p   a line-oriented program
#   dd bs=64K  bulk writes at memory speed (the worst case for any pipe)
# Usage: bench/log_throughput.sh [DAEMONIZE_BINARY]   (SIZE_MB=100 RUNS=10)
# Needs hyperfine; s6-log (Debian s6) and svlogd (runit) when installed.
set -eu
ours=$(readlink -f "${1:-build/daemonize}")
size_mb=${SIZE_MB:-100}
runs=${RUNS:-10}
work=$(mktemp -d)
out=$(mktemp)
trap 'rm -rf "$work" "$out"' EXIT

head -c $((size_mb * 1000000 * 3 / 4)) /dev/urandom | base64 -w 99 > "$work/input"
bytes=$(wc -c < "$work/input")
mkdir -p "$work/s6" "$work/svlogd"

# Correctness first: what arrives is byte for byte what was written.
"$ours" -f -o "$work/check.log" -- dd if="$work/input" bs=64K status=none
cmp -s "$work/input" "$work/check.log" || { echo "daemonize's log differs from the input" >&2; exit 1; }
rm "$work/check.log"

report() {  # hyperfine JSON → table; the first command is the reference
    awk -F'"' -v bytes="$bytes" -v plot="${PLOT_DATA:+$PLOT_DATA/log.dat}" '
        /"command":/ { cmd = $4 }
        /"median":/ { split($3, v, /[:,]/); med[++n] = v[2]; name[n] = cmd }
        END {
            for (i = 1; i <= n; i++) {
                label = name[i]; gsub(/\/tmp\/[^ ]*\//, "", label)
                if (length(label) > 62) label = substr(label, 1, 59) "..."
                printf "%-62s %9.3f %8.0f %8.0f%%\n", label, med[i], bytes / med[i] / 1e6, 100 * med[1] / med[i]
                if (plot != "") printf "\"%s\" %.1f\n", label, bytes / med[i] / 1e6 >> plot
            }
        }' "$out"
}

printf "%-62s %9s %8s %9s\n" "command ($((bytes / 1000000)) MB)" "median s" "MB/s" "vs direct"
for writer in "dd if=$work/input bs=4K status=none" "sed -n p $work/input" "dd if=$work/input bs=64K status=none"; do
    set -- "sh -c '$writer >> $work/direct.log'" \
        "$ours -f -o $work/ours.log -- $writer" \
        "$ours -f --timestamps -o $work/ours-ts.log -- $writer"
    case $writer in sed*)
        command -v s6-log >/dev/null && set -- "$@" "sh -c '$writer | s6-log -b t s1000000000 $work/s6'"
        command -v svlogd >/dev/null && set -- "$@" "sh -c '$writer | svlogd -tt $work/svlogd'" ;;
    esac
    hyperfine -N --warmup 1 --runs "$runs" --export-json "$out" \
        --prepare "rm -rf $work/direct.log $work/ours.log $work/ours-ts.log $work/s6/* $work/svlogd/*" "$@" >/dev/null 2>&1
    report
done
