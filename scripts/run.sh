#!/usr/bin/env bash
# `make run`: builds pim, creates a demo tenant in ./var on first use and starts pimd on
# 127.0.0.1:8080. The demo credentials are in var/demo-credentials.txt.
# Overrides: PIM_LISTEN (host:port), PIM_BUILD_DIR (build), PIM_DATA_DIR (var).
set -euo pipefail
cd "$(dirname "$0")/.."

build=${PIM_BUILD_DIR:-build}
data=${PIM_DATA_DIR:-var}
listen=${PIM_LISTEN:-127.0.0.1:8080}

scripts/install-deps.sh
scripts/build.sh "$build"

pimd=$build/src/apps/pimd/pimd
pim=$build/src/apps/pim/pim
creds=$data/demo-credentials.txt

if [[ ! -e $data/pim.db ]]; then
  echo "== creating the demo tenant in $data"
  "$pimd" init --data "$data" --demo --demo-url "http://$listen"
fi

cat <<MSG

== pim is starting on http://$listen
Demo users (requester eligible for Global Administrator and Security Administrator, approver,
auditor) and their passwords are in $creds (mode 600). The break-glass admin's
password was printed by pimd init above, on the first run only.

MSG
if [[ -r "$creds" ]]; then
  sed 's/^/    /' "$creds"
else
  echo "    ($creds not found: $data was not created with --demo)"
fi
cat <<MSG

Sign in with the CLI (PIM_PASSWORD or --password-stdin for scripts; it prompts otherwise):
    $pim login --server http://$listen --user requester@pim.local
    $pim roles
    $pim activate "Security Administrator" --duration 1h --justification "INC-42: rotate keys"

or with curl (Graph-compatible OAuth2 password grant):
    curl -s http://$listen/oauth2/v2.0/token \\
         -d grant_type=password -d username=requester@pim.local --data-urlencode password=PASSWORD
    curl -s -H "Authorization: Bearer ACCESS_TOKEN" http://$listen/v1.0/me

Stop with Ctrl-C. Start over with: rm -rf $data && make run

MSG
exec "$pimd" --data "$data" --listen "$listen"
