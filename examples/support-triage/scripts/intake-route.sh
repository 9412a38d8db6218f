#!/usr/bin/env bash
# Where new tickets go, from the kill switch: to the agent while it is on,
# to the human triage queue while it is off. The rollback's downstream probe
# checks that switching the agent off leaves intake working.
set -euo pipefail
# shellcheck source=lib/state.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/state.sh"

flag="$("$(dirname -- "${BASH_SOURCE[0]}")/flag.sh" status)"
if [[ "$flag" == off ]]; then
  echo "zendesk:ticket.created -> manual-triage-queue (agent off)"
else
  echo "zendesk:ticket.created -> support-triage agent"
fi
