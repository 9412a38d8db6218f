#!/usr/bin/env bash
# The ledger posting queue: journal entries the agent proposes wait here until
# the ledger posts them. Holding it parks every unposted entry for review.
#   queue.sh hold     stop posting (rollback step "hold-posting-queue")
#   queue.sh release  resume posting (restore)
#   queue.sh status   print "open" or "held" (missing state means open)
set -euo pipefail
# shellcheck source=lib/state.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/state.sh"

case "${1:-}" in
  hold | release)
    lock_state
    value=held
    [[ "$1" == release ]] && value=open
    printf '%s\n' "$value" >"$QUEUE.tmp"
    mv -f -- "$QUEUE.tmp" "$QUEUE"
    log_event "posting queue $value"
    echo "posting queue $value"
    ;;
  status)
    if [[ -e "$QUEUE" ]]; then
      value="$(tr -d '[:space:]' <"$QUEUE")"
      case "$value" in
        open | held) echo "$value" ;;
        *) die "queue file $QUEUE holds '$value', expected open or held" ;;
      esac
    else
      echo open
    fi
    ;;
  *)
    DIE_CODE=2 die "usage: $(basename -- "$0") hold|release|status"
    ;;
esac
