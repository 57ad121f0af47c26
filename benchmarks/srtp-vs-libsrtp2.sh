#!/usr/bin/env bash
# SRTP speed: VoipKit (BenchmarkDotNet, SrtpBenchmarks) against libsrtp2 (benchmarks/native/srtp-bench.c)
# on the same workload: protect / unprotect of a 12-byte RTP header + 160-byte payload, per suite.
# Prints ns per packet for each and the ratio VoipKit / libsrtp2 (below 1: VoipKit is faster),
# twice: by the wall clock, and by the benchmark thread's CPU time (SrtpCpuTimeBenchmarks and
# srtp-bench.c's CPU column), which moves much less when other processes load the machine.
#
#   benchmarks/srtp-vs-libsrtp2.sh            # Debian's libsrtp2 (pkg-config libsrtp2, built on NSS)
#   LIBSRTP_PKG_CONFIG_PATH=/opt/libsrtp-openssl/lib/pkgconfig benchmarks/srtp-vs-libsrtp2.sh
#                                            # another libsrtp2 build, e.g. one configured --enable-openssl
# Needs gcc, pkg-config, libsrtp2-dev, python3 and the .NET SDK, on Linux. Takes about eight minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== building benchmarks/native/srtp-bench.c"
export PKG_CONFIG_PATH="${LIBSRTP_PKG_CONFIG_PATH:-${PKG_CONFIG_PATH:-}}"
# shellcheck disable=SC2046
gcc -O2 -Wall -o "$work/srtp-bench" benchmarks/native/srtp-bench.c $(pkg-config --cflags --libs libsrtp2) \
  -Wl,-rpath,"$(pkg-config --variable=libdir libsrtp2)"

echo "== libsrtp2 $(pkg-config --modversion libsrtp2) ($(pkg-config --variable=libdir libsrtp2))"
"$work/srtp-bench" | tee "$work/native.txt"

echo "== VoipKit (BenchmarkDotNet, --job short)"
# BenchmarkDotNet finds the project from the working directory: run from the repository root.
# Its generated-project build fails now and then when other builds run at the same time: one retry.
run_bdn() { # name, extra arguments...
  local name=$1; shift
  rm -rf "$work/$name"
  dotnet run -c Release --project benchmarks/VoipKit.Benchmarks -- \
    --exporters csv --artifacts "$work/$name" "$@" >"$work/$name.log" 2>&1 &&
    ! grep -q 'Build Error' "$work/$name.log"
}
for run in "wall --filter *.SrtpBenchmarks.* --job short" "cpu --filter *.SrtpCpuTimeBenchmarks.*"; do
  # shellcheck disable=SC2086
  run_bdn $run || { echo "(BenchmarkDotNet failed; retrying once)"; run_bdn $run; } || {
    tail -n 40 "$work/${run%% *}.log"; exit 1; }
  grep -E '^\|' "$work/${run%% *}.log" | tail -n 20
done

python3 - "$work/native.txt" "$work"/wall/results/*-report.csv "$work"/cpu/results/*-report.csv <<'PY'
import csv, re, sys
native = {}
for line in open(sys.argv[1]):
    f = line.split()
    native[f[0]] = {"wall": (float(f[2]), float(f[4])), "cpu": (float(f[6]), float(f[8]))}
def ns(text):
    m = re.match(r"([\d.,]+)\s*(\w+)", text.replace("\u03bc", "u").replace("\u00b5", "u"))
    return float(m.group(1).replace(",", "")) * {"ns": 1, "us": 1e3, "ms": 1e6}[m.group(2)] if m else float("nan")
for clock, path in (("wall", sys.argv[2]), ("cpu", sys.argv[3])):
    ours = {}
    for row in csv.DictReader(open(path)):
        # The median resists the outliers of a shared machine better than the mean.
        ours[(row["Suite"], row["Aes"], row["Method"])] = (ns(row.get("Median") or row["Mean"]), row.get("Allocated", "?"))
    print()
    print(f"== {'wall clock' if clock == 'wall' else 'thread CPU time'}: VoipKit BenchmarkDotNet median; libsrtp2 median of 7 rounds of 16384 packets")
    print(f"{'suite':8} {'VoipKit AES':11} {'op':10} {'VoipKit ns':>10} {'alloc':>6} {'libsrtp2 ns':>11} {'ratio':>6}")
    for suite in ["cm80", "cm32", "gcm128", "gcm256"]:
        for aes in ["AES-NI", "BCL"]:
            for i, op in enumerate(["Protect", "Unprotect"]):
                if (suite, aes, op) not in ours:
                    continue
                mine, alloc = ours[(suite, aes, op)]
                theirs = native[suite][clock][i]
                print(f"{suite:8} {aes:11} {op:10} {mine:10.0f} {alloc:>6} {theirs:11.0f} {mine / theirs:6.2f}")
PY
