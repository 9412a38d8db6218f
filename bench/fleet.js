// The fleet's data for `npm run bench` (issue 14): `count` agents laid out as
// agents/<id>/rollout.json, each from the support example, with a `trail`-entry audit trail
// (a valid hash chain: pauses and resumes, recorded gates, a drill of the current rollback section
// and a guardrail test run of the current cases), its drill report and its cases file, so
// `status` computes blockers, drift and evidence for real. Built from the program's own code
// (dist/), so the chain and the hashes are the ones it checks.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const exampleDir = join(root, 'examples', 'support-triage');
const exampleText = readFileSync(join(exampleDir, 'rollout.json'), 'utf8');
const casesText = readFileSync(join(exampleDir, 'guardrails', 'cases.jsonl'));

const { chainEntry } = await import(join(root, 'dist', 'state', 'audit.js'));
const { rollbackSha256 } = await import(join(root, 'dist', 'state', 'rollback-hash.js'));
const { evidenceIdentity } = await import(join(root, 'dist', 'guardrails', 'identity.js'));
const { evidenceDetails } = await import(join(root, 'dist', 'guardrails', 'evidence.js'));

const tool = { name: 'agent-rollout', version: 'bench' };

/** The trail of one agent: `length` chained entries ending in the manifest's own state. */
function trailOf(manifest, length, identity) {
  const lines = [];
  let last;
  const start = Date.parse('2026-06-01T00:00:00Z');
  const add = (at, action, before, after, reason, details) => {
    last = chainEntry(
      {
        at: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        actor: 'bench@example.com',
        action,
        before,
        after,
        reason,
        manifestSha256: '0'.repeat(64),
        details,
        tool,
      },
      last,
    );
    lines.push(JSON.stringify(last));
  };
  const state = manifest.state;
  const paused = { ...state, paused: { reason: 'bench pause', at: '2026-06-01T00:00:00Z', by: 'bench@example.com' } };
  for (let i = 0; lines.length < length - 2; i++) {
    const at = start + i * 3_600_000;
    if (i % 4 === 0) add(at, 'pause', state, paused, 'bench pause', { actorSource: 'flag' });
    else if (i % 4 === 1) add(at, 'resume', paused, state, null, { actorSource: 'flag' });
    else
      add(at, 'gate', null, null, null, {
        stage: state.stage,
        verdict: i % 3 === 0 ? 'no-go' : 'go',
        window: { start: new Date(at - 86_400_000).toISOString(), end: new Date(at).toISOString() },
        criteria: [{ id: 'error-rate', status: 'pass', observed: 0.001 }],
      });
  }
  // The last state entry is a resume, so the manifest's state is the one the trail recorded.
  if (last.action === 'pause') add(start + lines.length * 3_600_000, 'resume', paused, state, null, { actorSource: 'flag' });
  const at = start + (lines.length + 1) * 3_600_000;
  add(at, 'drill', null, null, null, {
    passed: true,
    rollbackSha256: rollbackSha256(manifest),
    durationMs: 41_000,
    windowMs: 600_000,
    report: `drills/${at}.report.json`,
    interrupted: false,
  });
  add(at + 60_000, 'guardrails', null, null, null, {
    passed: true,
    ...evidenceDetails(identity),
    cases: 40,
    total: 120,
    failed: 0,
    failedCategories: [],
  });
  return `${lines.join('\n')}\n`;
}

/** Writes `count` agents under `dir`/agents, each with a `trail`-entry trail; returns their manifest paths. */
export function writeFleet(dir, count, trail = 200) {
  const paths = [];
  for (let i = 0; i < count; i++) {
    const id = `agent-${String(i).padStart(4, '0')}`;
    const folder = join(dir, 'agents', id);
    mkdirSync(join(folder, 'guardrails'), { recursive: true });
    mkdirSync(join(folder, 'drills'), { recursive: true });
    const manifest = JSON.parse(exampleText.replaceAll('support-triage', id));
    manifest.agent.owner = `team-${i % 7}`;
    writeFileSync(join(folder, 'rollout.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(join(folder, 'guardrails', 'cases.jsonl'), casesText);
    const identity = evidenceIdentity(manifest, { cases: casesText });
    writeFileSync(join(folder, 'rollout.audit.jsonl'), trailOf(manifest, trail, identity));
    writeFileSync(
      join(folder, 'drills', 'last.report.json'),
      `${JSON.stringify({ formatVersion: 1, agent: id, passed: true, durationMs: 41_000, steps: [], probes: [] }, null, 2)}\n`,
    );
    paths.push(join(folder, 'rollout.json'));
  }
  return paths;
}
