#!/usr/bin/env bash
# SRTP speed: VoipKit (BenchmarkDotNet, SrtpBenchmarks) against libsrtp2 (benchmarks/native/srtp-bench.c)
# on the same workload: protect / unprotect of a 12-byte RTP header + 160-byte payload, per suite.
# Prints ns per packet for each and the ratio VoipKit / libsrtp2 (below 1: VoipKit is faster).
#
#   benchmarks/srtp-vs-libsrtp2.sh            # Debian's libsrtp2 (pkg-config libsrtp2, built on NSS)
#   LIBSRTP_PKG_CONFIG_PATH=/opt/libsrtp-openssl/lib/pkgconfig benchmarks/srtp-vs-libsrtp2.sh
#                                            # another libsrtp2 build, e.g. one configured --enable-openssl
# Needs gcc, pkg-config, libsrtp2-dev, python3 and the .NET SDK. Takes about five minutes.
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
run_bdn() {
  rm -rf "$work/bdn"
  dotnet run -c Release --project benchmarks/VoipKit.Benchmarks -- \
    --filter '*SrtpBenchmarks*' --job short --exporters csv --artifacts "$work/bdn" >"$work/bdn.log" 2>&1 &&
    ! grep -q 'Build Error' "$work/bdn.log"
}
run_bdn || { echo "(BenchmarkDotNet failed; retrying once)"; run_bdn; } || { tail -n 40 "$work/bdn.log"; exit 1; }
grep -E '^\|' "$work/bdn.log" | tail -n 20

python3 - "$work/native.txt" "$work"/bdn/results/*SrtpBenchmarks-report.csv <<'PY'
import csv, re, sys
native = {}
for line in open(sys.argv[1]):
    suite, _, p, _, u = line.split()
    native[suite] = (float(p), float(u))
def ns(text):
    m = re.match(r"([\d.,]+)\s*(\w+)", text.replace("\u03bc", "u").replace("\u00b5", "u"))
    return float(m.group(1).replace(",", "")) * {"ns": 1, "us": 1e3, "ms": 1e6}[m.group(2)] if m else float("nan")
ours = {}
for row in csv.DictReader(open(sys.argv[2])):
    # The median resists the outliers of a shared machine better than the mean.
    ours[(row["Suite"], row["Aes"], row["Method"])] = (ns(row.get("Median") or row["Mean"]), row.get("Allocated", "?"))
print()
print("VoipKit: BenchmarkDotNet median; libsrtp2: median of 7 rounds of 16384 packets; ratio = VoipKit / libsrtp2")
print(f"{'suite':8} {'VoipKit AES':11} {'op':10} {'VoipKit ns':>10} {'alloc':>6} {'libsrtp2 ns':>11} {'ratio':>6}")
for suite in ["cm80", "cm32", "gcm128", "gcm256"]:
    for aes in ["AES-NI", "BCL"]:
        for i, op in enumerate(["Protect", "Unprotect"]):
            if (suite, aes, op) not in ours:
                continue
            mine, alloc = ours[(suite, aes, op)]
            theirs = native[suite][i]
            print(f"{suite:8} {aes:11} {op:10} {mine:10.0f} {alloc:>6} {theirs:11.0f} {mine / theirs:6.2f}")
PY
