#!/usr/bin/env bash
# The agent's kill switch, kept in the state folder's "flag" file.
#   flag.sh on      enable the agent
#   flag.sh off     disable the agent (rollback step "kill-switch")
#   flag.sh status  print "on" or "off" (missing flag file means on)
set -euo pipefail
# shellcheck source=lib/state.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/state.sh"

case "${1:-}" in
  on | off)
    lock_state
    printf '%s\n' "$1" >"$FLAG.tmp"
    mv -f -- "$FLAG.tmp" "$FLAG"
    log_event "flag $1"
    echo "agent flag set to $1"
    ;;
  status)
    if [[ -e "$FLAG" ]]; then
      value="$(tr -d '[:space:]' <"$FLAG")"
      case "$value" in
        on | off) echo "$value" ;;
        *) die "flag file $FLAG holds '$value', expected on or off" ;;
      esac
    else
      echo on
    fi
    ;;
  *)
    DIE_CODE=2 die "usage: $(basename -- "$0") on|off|status"
    ;;
esac
