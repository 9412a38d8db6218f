#!/usr/bin/env bash
# Where approved invoices go, from the kill switch: to the agent while it is
# on, to the accounts-payable team's manual reconciliation queue while it is
# off. The rollback's downstream probe checks that switching the agent off
# leaves invoice intake working.
set -euo pipefail
# shellcheck source=lib/state.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib/state.sh"

flag="$("$(dirname -- "${BASH_SOURCE[0]}")/flag.sh" status)"
if [[ "$flag" == off ]]; then
  echo "ap:invoice.approved -> manual-reconciliation-queue (agent off)"
else
  echo "ap:invoice.approved -> finance-ledger agent"
fi
