#!/usr/bin/env bash
# Revoke a credential: move its id from tokens.active to tokens.revoked.
# Idempotent: revoking an already revoked credential succeeds.
#   revoke.sh CREDENTIAL_ID
set -euo pipefail
# shellcheck source=lib/state.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/state.sh"

id="${1:-}"
require_known_credential "$id"
lock_state
seed_tokens
if list_has "$REVOKED" "$id"; then
  list_remove "$ACTIVE" "$id"
  echo "$id: already revoked"
  exit 0
fi
list_add "$REVOKED" "$id"
list_remove "$ACTIVE" "$id"
log_event "revoked $id"
echo "$id: revoked"
