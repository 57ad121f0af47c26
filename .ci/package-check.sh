#!/usr/bin/env bash
# Proves the NuGet packages work the way users get them: pack every src project into a
# local folder, create a fresh console app outside the solution, add the packages from that
# folder, build it and run a few lines of the public API (.ci/package-smoke/Program.cs).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A version of its own per run, so the machine's package cache never serves an older build.
version="0.1.0-ci.$(date +%s)"
feed="$work/feed"

for proj in "$repo"/src/*/*.csproj; do
  dotnet pack "$proj" -c Release -o "$feed" -p:Version="$version" --nologo -v quiet
done
count=$(ls "$feed"/*.nupkg | wc -l)
echo "package-check: packed $count packages ($version)"
[ "$count" -eq "$(ls "$repo"/src/*/*.csproj | wc -l)" ]

app="$work/app"
mkdir -p "$app"
cd "$app"
# The app is outside the repository: its own settings, not the solution's props.
dotnet new console -n SmokeApp -o . --framework net10.0 >/dev/null
for pkg in VoipKit.Audio VoipKit.Crypto VoipKit.Media VoipKit.Transport VoipKit.Signaling VoipKit.Server VoipKit; do
  dotnet add package "$pkg" --version "$version" --source "$feed" >/dev/null
done
cp "$repo/.ci/package-smoke/Program.cs" Program.cs
dotnet build -c Release --nologo -v quiet >/dev/null
dotnet run -c Release --no-build
echo "package-check: ok"
