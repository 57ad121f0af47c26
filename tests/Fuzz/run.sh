#!/usr/bin/env bash
# Runs one SharpFuzz target under AFL++ (not part of the test run: the test suite only replays
# each target over its seeds). Usage: tests/Fuzz/run.sh <rtp|rtcp|sip|sdp|digest|wav|stun|turn|telephone-event> [seconds]
# Needs the afl++ Debian package and the SharpFuzz command-line tool; installs them if missing.
set -euo pipefail
target=${1:?target: rtp, rtcp, sip, sdp, digest, wav, stun, turn or telephone-event}
seconds=${2:-600}
here=$(cd "$(dirname "$0")" && pwd)
command -v afl-fuzz >/dev/null || apt-get install -y --no-install-recommends afl++
command -v sharpfuzz >/dev/null || dotnet tool install -g SharpFuzz.CommandLine --version 2.3.0
export PATH="$PATH:$HOME/.dotnet/tools"
out=$(mktemp -d)
dotnet publish "$here/VoipKit.Fuzz" -c Release -o "$out/bin" --nologo -v quiet
for dll in "$out"/bin/VoipKit.*.dll; do
  case "$dll" in *VoipKit.Fuzz.dll) ;; *) sharpfuzz "$dll" ;; esac
done
seeds="$here/corpus/$target"
[ -d "$seeds" ] || { seeds="$out/seeds"; mkdir -p "$seeds"; printf 'seed' > "$seeds/0"; }
echo "fuzzing $target for $seconds s; findings in $out/findings"
AFL_SKIP_BIN_CHECK=1 timeout "$seconds" afl-fuzz -i "$seeds" -o "$out/findings" -t 5000 -m none -- "$out/bin/VoipKit.Fuzz" "$target" || true
