#!/bin/sh
# Publishes a version to the example pipeline's build phase, as CI would once
# it has built and pushed an image: a call of the glu command line. Staging
# then gets it by an automatic promotion (a commit to .glu/git/gitops.git).
#
#   examples/publish-version.sh 1.6.0 [sha256:...]
#
# GLU_PIPELINE picks another example pipeline of team-checkout's than
# checkout, e.g. GLU_PIPELINE=search for the one gated on metrics. GLU_URL
# (default http://localhost:7007) and GLU_CI_TOKEN (the static token under
# backend.auth.externalAccess in app-config.yaml) can be set.
set -eu
version="${1:?usage: $0 VERSION [DIGEST]}"
digest="${2:-}"
pipeline="${GLU_PIPELINE:-checkout}"
root="$(cd "$(dirname "$0")/.." && pwd)"
export GLU_URL="${GLU_URL:-http://localhost:7007}"
export GLU_TOKEN="${GLU_CI_TOKEN:-example-ci-token-change-me}"
exec node "$root/packages/glu-cli/bin/glu" publish "$pipeline" build \
  --field "repository=registry.example.com/acme/$pipeline" \
  --field "tag=$version" \
  ${digest:+--field "digest=$digest"} \
  --message 'Built by CI'
