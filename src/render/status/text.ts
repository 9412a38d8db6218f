import { renderTable } from '../table.js';
import { safeData } from '../safe-text.js';
import type { Audience } from '../../manifest/types.js';
import type { GuardrailEvidence } from '../../guardrails/evidence.js';
import type { RolloutStatus } from '../../state/status.js';
import { evidenceText } from '../plan/parts.js';
import type { Style } from '../style.js';
import { ageText } from '../../time/duration.js';
import { formatTime } from '../../time/timestamp.js';
import { lastSignalsCheckText } from '../signals/last-check.js';

function audienceText(audience: Audience | undefined): string | undefined {
  if (!audience) return undefined;
  const parts: string[] = [];
  if (audience.percent !== undefined) parts.push(`${audience.percent}%`);
  if (audience.orgs?.length) parts.push(`orgs ${audience.orgs.join(', ')}`);
  if (audience.users?.length) parts.push(`${audience.users.length} ${audience.users.length === 1 ? 'user' : 'users'}`);
  return parts.length > 0 ? parts.join(' + ') : undefined;
}

function stageLine(status: RolloutStatus): string {
  const { stage } = status;
  const where = stage.position !== undefined ? `stage ${stage.position} of ${stage.of}` : 'not one of the manifest stages';
  const audience = audienceText(stage.audience);
  const since = stage.since
    ? ` since ${formatTime(stage.since.at)} (${ageText(stage.since.ageMs)}${stage.since.source === 'audit' ? `, from audit seq ${stage.since.seq}` : ''})`
    : ', since an unknown time (no state.since, no advance in the trail)';
  return `${stage.id} (${where}${audience ? `, audience ${audience}` : ''})${since}`;
}

function gateLine(gate: RolloutStatus['lastGate'], stage: string): string {
  if (!gate) return `none recorded for ${stage}`;
  const what = `${gate.verdict ?? 'no verdict'}${gate.stage ? ` for ${gate.stage}` : ''}`;
  const via = gate.via === 'advance' ? `; advanced${gate.advancedTo ? ` to ${gate.advancedTo}` : ''}` : '';
  return `${what}, ${ageText(gate.ageMs)} (${formatTime(gate.at)}, seq ${gate.seq} by ${gate.actor}${via})`;
}

function drillLine(drill: RolloutStatus['lastDrill'], style: Style): string {
  if (!drill) return 'none recorded';
  const result = drill.passed === true ? style.green('passed') : drill.passed === false ? style.red('failed') : 'ran';
  const covers = drill.coversCurrentRollback
    ? 'covers the current rollback section'
    : style.yellow('the rollback section changed since: drill again');
  return `${result} ${ageText(drill.ageMs)} (${formatTime(drill.at)}, seq ${drill.seq} by ${drill.actor}); ${covers}`;
}

function evidenceLine(evidence: GuardrailEvidence, style: Style): string {
  const text = evidenceText(evidence);
  if (evidence.state === 'current' && evidence.run?.passed) return style.green(text);
  return evidence.state === 'current' ? style.red(text) : style.yellow(text);
}

function trailLine(trail: RolloutStatus['trail'], style: Style): string {
  if (!trail.exists || trail.entries + trail.problems === 0) return 'no audit trail yet';
  const count = `${trail.entries} ${trail.entries === 1 ? 'entry' : 'entries'}`;
  const notes: string[] = [];
  if (trail.problems > 0) notes.push(style.red(`${trail.problems} chain ${trail.problems === 1 ? 'problem' : 'problems'}`));
  if (trail.state === 'drift') notes.push(style.red(`state differs from seq ${trail.driftSeq}`));
  if (notes.length > 0) return `${count}; ${notes.join('; ')}: run \`agent-rollout audit verify\``;
  return trail.state === 'match' ? `${count}; state matches the trail` : count;
}

/**
 * `status` for a person, a few aligned lines to paste into chat: the agent, on or off, the stage
 * and since when, the governance mode, the pause, the last gate and drill, org overrides, the trail.
 */
export function renderStatusText(status: RolloutStatus, manifestPath: string, style: Style): string {
  status = safeData(status);
  manifestPath = safeData(manifestPath);
  const mode = status.governanceMode
    ? `${status.governanceMode.mode}${status.governanceMode.source === 'stage' ? ' (the stage default)' : ''}`
    : 'unknown (no state.governanceMode and the stage is not declared)';
  const orgModes = status.orgs.filter((o) => o.governanceMode).map((o) => `${o.org} ${o.governanceMode}`);
  const paused = status.paused
    ? style.yellow(
        `yes, since ${formatTime(status.paused.at)} (${ageText(status.paused.ageMs)})${status.paused.by ? ` by ${status.paused.by}` : ''}: ${JSON.stringify(status.paused.reason)}`,
      )
    : 'no';
  const orgs =
    status.orgs.length === 0
      ? 'no overrides'
      : status.orgs
          .map((o) => {
            const parts = [o.enabled === undefined ? undefined : o.enabled ? 'enabled' : 'disabled', o.governanceMode].filter(Boolean);
            return `${o.org} ${parts.length > 0 ? parts.join(', ') : '(empty override)'}`;
          })
          .join('; ');
  const rows: [string, string][] = [
    ['enabled', status.enabled ? style.green('yes') : style.red('no: the kill switch is off (state.enabled false)')],
    ['stage', stageLine(status)],
    ['mode', mode + (orgModes.length > 0 ? `; per org: ${orgModes.join(', ')}` : '')],
    ['paused', paused],
    ['last gate', gateLine(status.lastGate, status.stage.id)],
    ...(status.guardrailTests ? ([['guardrails', evidenceLine(status.guardrailTests, style)]] as [string, string][]) : []),
    ['last drill', drillLine(status.lastDrill, style)],
    ...(status.lastSignalsCheck ? ([['signals', lastSignalsCheckText(status.lastSignalsCheck)]] as [string, string][]) : []),
    ['orgs', orgs],
    ['audit', trailLine(status.trail, style)],
  ];
  const title = `${style.bold(status.agent.id)}${status.agent.name ? ` (${status.agent.name})` : ''} ${style.dim(manifestPath)}`;
  return `${title}\n${renderTable([], rows, { headless: true, indent: '  ' })}`;
}
