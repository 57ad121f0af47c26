#!/usr/bin/env bash
# Runs every VoipKit test project. Installs first, with apt-get, the real peers and native
# libraries the tests use when they are missing (needs root, or sudo). A test never skips
# because a tool is absent: if this script cannot install it, it stops here and says so.
# Prints, as its last line, "N passed, N failed" (", N skipped" when any were skipped) and
# writes the same counts to artifacts/test-summary.env for .ci/run.
set -uo pipefail
cd "$(dirname "$0")"

# Debian packages the tests need. Keep in step with docs/testing.md.
packages=(
  espeak-ng      # VoipKit.Audio: spoken test sentences
  libopus0       # VoipKit.Media: Concentus uses the native codec when present (OpusCodecTests require it)
  libopus-dev    # VoipKit.Media: the unversioned libopus.so name that Concentus loads
  baresip-core   # VoipKit.Signaling.Tests: real-peer checks of SDP answers (Sdp/BaresipInteropTests); VoipKit.Interop.Tests: Baresip/BaresipPhone (CallClient <-> baresip audio; aufile, sndfile, ctrl_tcp modules)
  # VoipKit.Signaling.Interop.Tests: Kamailio 5.6 as registrar/record-routing proxy (KamailioServer);
  # the package itself holds db_text.so, auth.so and auth_db.so used for digest authentication.
  kamailio       # also VoipKit.Interop.Tests: Proxy/CallClientKamailioTests
  sip-tester     # VoipKit.Signaling.Interop.Tests: SIPp 3.6 runs our Sipp/*.xml scenarios (SippRunner); VoipKit.Server.Tests: Sip/SipServerSippTests
  # VoipKit.Crypto.Tests: Native/signal-harness.c (libsignal-protocol-c peer, OpenSSL crypto
  # provider), compiled by the tests with cc + pkg-config. GPLv3 library, test harness only.
  libsignal-protocol-c-dev
  libsrtp2-dev   # VoipKit.Crypto: SRTP cross-check harness (Native/srtp-harness.c) and benchmarks/srtp-vs-libsrtp2.sh
  libssl-dev     # VoipKit.Crypto: native harnesses link -lcrypto; SRTP's HMAC-SHA1 calls libcrypto
  pkg-config     # VoipKit.Crypto: NativeHarness finds the libraries' flags
  gcc            # VoipKit.Crypto: NativeHarness compiles the C harnesses during the test run
  coturn         # VoipKit.Transport.Tests: coturn's turnserver answers our STUN Binding and authenticated Allocate (Interop/CoturnServer); VoipKit.Interop.Tests: Relay/CallClientCoturnTests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "test.sh: ${missing[*]} missing and not root: run as root (or install them) first" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || {
    echo "test.sh: apt-get install ${missing[*]} failed" >&2; exit 1; }
fi

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"
# --blame-hang-timeout bounds any single test that hangs, so the run always ends.
dotnet test VoipKit.sln --logger trx --results-directory "$results" --blame-hang-timeout 5m "$@"
rc=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(get total); executed=$(get executed)
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + total - executed))
done
if [ $rc -ne 0 ] && [ $failed -eq 0 ]; then
  echo "test.sh: dotnet test failed (exit $rc) without a failed test: a build error or a crashed test host" >&2
  failed=1
fi
mkdir -p artifacts
printf 'passed=%d\nfailed=%d\nskipped=%d\n' "$passed" "$failed" "$skipped" > artifacts/test-summary.env
summary="$passed passed, $failed failed"
[ $skipped -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ $failed -eq 0 ]
