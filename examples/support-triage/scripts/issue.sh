#!/usr/bin/env bash
# Issue a credential again (restore after a drill): move its id from
# tokens.revoked back to tokens.active. Idempotent.
#   issue.sh CREDENTIAL_ID
set -euo pipefail
# shellcheck source=lib/state.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/state.sh"

id="${1:-}"
require_known_credential "$id"
lock_state
seed_tokens
if ! list_has "$REVOKED" "$id" && list_has "$ACTIVE" "$id"; then
  echo "$id: already active"
  exit 0
fi
list_remove "$REVOKED" "$id"
list_add "$ACTIVE" "$id"
log_event "issued $id"
echo "$id: active"
