#!/bin/sh
# Publishes a version to the example pipeline's build phase, as CI would once
# it has built and pushed an image. Staging then gets it by an automatic
# promotion (a commit to .glu/git/gitops.git).
#
#   examples/publish-version.sh 1.6.0 [sha256:...]
#
# GLU_URL (default http://localhost:7007) and GLU_CI_TOKEN (the static token
# under backend.auth.externalAccess in app-config.yaml) can be set.
set -eu
version="${1:?usage: $0 VERSION [DIGEST]}"
digest="${2:-}"
url="${GLU_URL:-http://localhost:7007}"
token="${GLU_CI_TOKEN:-example-ci-token-change-me}"
body="{\"fields\":{\"repository\":\"registry.example.com/acme/checkout\",\"tag\":\"$version\""
if [ -n "$digest" ]; then
  body="$body,\"digest\":\"$digest\""
fi
body="$body},\"message\":\"Built by CI\"}"
curl --fail-with-body -sS -X POST \
  -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' \
  -d "$body" \
  "$url/api/glu/pipelines/default/checkout/phases/build/versions"
echo
