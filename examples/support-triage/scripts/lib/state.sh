# shellcheck shell=bash
# Sourced by this example's scripts; not run on its own.
#
# Everything the scripts change lives in one local folder:
#   ${AGENT_ROLLOUT_STATE_DIR:-<example folder>/.state}
#     flag            "on" or "off": the agent's kill switch (missing means on)
#     tokens.active   credential ids that are issued, one a line
#     tokens.revoked  credential ids that are revoked, one a line
#     events.log      one timestamped line per change
#     credentials.N   the manifest's credential ids, kept per manifest checksum N
# The credential ids are the manifest's inventory.credentials[].id. On first
# use every one of them is issued (tokens.active); nothing outside the state
# folder is touched.

EXAMPLE_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)"
MANIFEST="$EXAMPLE_DIR/rollout.json"
STATE_DIR="${AGENT_ROLLOUT_STATE_DIR:-$EXAMPLE_DIR/.state}"
ACTIVE="$STATE_DIR/tokens.active"
REVOKED="$STATE_DIR/tokens.revoked"
FLAG="$STATE_DIR/flag"
EVENTS="$STATE_DIR/events.log"

die() {
  printf '%s: %s\n' "$(basename -- "$0")" "$*" >&2
  exit "${DIE_CODE:-1}"
}

mkdir -p -- "$STATE_DIR" || die "cannot create state folder $STATE_DIR"

# Serialise changes when flock is available (it is on Linux; optional elsewhere).
lock_state() {
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$STATE_DIR/.lock"
    flock -w 10 9 || die "state folder $STATE_DIR is locked"
  fi
}

log_event() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$EVENTS"
}

# The credential ids the manifest declares, one a line. Node reads them once per
# version of the manifest (by its checksum); later calls read the list it kept.
known_credentials() {
  local sum cache
  sum="$(cksum <"$MANIFEST")" || die "cannot read $MANIFEST"
  cache="$STATE_DIR/credentials.${sum%% *}"
  if [[ ! -e "$cache" ]]; then
    node -e '
      const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      for (const c of (m.inventory && m.inventory.credentials) || []) console.log(c.id);
    ' "$MANIFEST" >"$cache.tmp.$$" || die "cannot read credential ids from $MANIFEST"
    mv -f -- "$cache.tmp.$$" "$cache"
  fi
  cat -- "$cache"
}

require_known_credential() {
  local id="$1"
  [[ -n "$id" ]] || DIE_CODE=2 die "usage: $(basename -- "$0") CREDENTIAL_ID"
  known_credentials | grep -qxF -- "$id" ||
    DIE_CODE=2 die "unknown credential '$id' (not in inventory.credentials of $MANIFEST)"
}

# First use: every credential in the manifest starts out issued.
seed_tokens() {
  if [[ ! -e "$ACTIVE" && ! -e "$REVOKED" ]]; then
    known_credentials >"$ACTIVE.tmp" && mv -f -- "$ACTIVE.tmp" "$ACTIVE"
    : >"$REVOKED"
    log_event "seeded tokens.active from $MANIFEST"
  fi
  [[ -e "$ACTIVE" ]] || : >"$ACTIVE"
  [[ -e "$REVOKED" ]] || : >"$REVOKED"
}

list_has() { grep -qxF -- "$2" "$1"; }

list_add() {
  list_has "$1" "$2" || printf '%s\n' "$2" >>"$1"
}

list_remove() {
  local tmp="$1.tmp.$$"
  grep -vxF -- "$2" "$1" >"$tmp" || true
  mv -f -- "$tmp" "$1"
}

# A credential is revoked when it is listed in tokens.revoked; otherwise it is issued.
token_status() {
  if list_has "$REVOKED" "$1"; then echo revoked; else echo active; fi
}
