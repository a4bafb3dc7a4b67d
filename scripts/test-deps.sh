#!/usr/bin/env bash
# Install the page checkers the tests use into .npm-test/ (gitignored): the Nu HTML Checker
# (vnu-jar, run with the machine's Java) and axe-core (injected into pages by the browser tests).
# Idempotent: does nothing when the pinned versions are already there.
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=.npm-test
VNU_VERSION=26.9.27
AXE_VERSION=4.14.1

installed() {
  node -e 'process.exit(require(process.argv[1]).version === process.argv[2] ? 0 : 1)' \
    "./$PREFIX/node_modules/$1/package.json" "$2" 2>/dev/null
}

if ! command -v java >/dev/null; then
  echo "Java is missing: the HTML checker needs it (apt-get install default-jre-headless)." >&2
  exit 1
fi
if installed vnu-jar "$VNU_VERSION" && installed axe-core "$AXE_VERSION"; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "npm is missing: install Node.js and npm (apt-get install npm) for the page validation tests." >&2
  exit 1
fi
echo "Installing vnu-jar $VNU_VERSION and axe-core $AXE_VERSION into $PREFIX/…"
mkdir -p "$PREFIX"
npm install --no-save --no-audit --no-fund --silent --prefix "$PREFIX" \
  "vnu-jar@$VNU_VERSION" "axe-core@$AXE_VERSION"
