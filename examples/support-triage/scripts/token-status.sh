#!/usr/bin/env bash
# Print "active" or "revoked" for a credential (exit 0 either way).
#   token-status.sh CREDENTIAL_ID
set -euo pipefail
# shellcheck source=lib/state.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/state.sh"

id="${1:-}"
require_known_credential "$id"
lock_state
seed_tokens
token_status "$id"
