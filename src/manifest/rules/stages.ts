import { reachesEveryone } from '../access.js';
import type { Manifest } from '../types.js';
import type { Finding } from './rule.js';
import { pointer } from '../../json/pointer.js';
import { plural } from '../../text/plural.js';

/** AR108, AR109, AR110, AR120: the shape of the staged rollout. */
export function checkStages(manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  const { stages } = manifest;
  if (stages.length < 3) {
    findings.push({
      rule: 'AR120',
      pointer: pointer('stages'),
      message: `the rollout has ${plural(stages.length, 'stage')}; the practice is at least three`,
    });
  }
  stages.forEach((stage, i) => {
    const isLast = i === stages.length - 1;
    const criteria = stage.exitCriteria ?? [];
    if (!isLast && !criteria.some((criterion) => criterion.observe !== true)) {
      findings.push({
        rule: 'AR108',
        pointer: pointer('stages', i),
        message:
          criteria.length === 0
            ? `stage "${stage.id}" has no exit criteria, so nothing decides whether to advance to "${stages[i + 1]?.id}"`
            : `every exit criterion of stage "${stage.id}" is observe-only, so nothing decides whether to advance to "${stages[i + 1]?.id}"`,
      });
    }
    if (reachesEveryone(stage) && stage.governanceMode !== 'enforce') {
      findings.push({
        rule: 'AR109',
        pointer: pointer('stages', i, 'governanceMode'),
        message: `stage "${stage.id}" reaches 100% of its audience in ${stage.governanceMode} mode`,
      });
    } else if (i > 0 && stage.governanceMode === 'observe') {
      findings.push({
        rule: 'AR110',
        pointer: pointer('stages', i, 'governanceMode'),
        message: `stage "${stage.id}" (stage ${i + 1} of ${stages.length}) is still in observe mode`,
      });
    }
  });
  const current = stages.find((stage) => stage.id === manifest.state.stage);
  if (current && reachesEveryone(current) && manifest.state.governanceMode === 'observe') {
    findings.push({
      rule: 'AR109',
      pointer: pointer('state', 'governanceMode'),
      message: `the rollout is in stage "${current.id}", which reaches 100% of its audience, but state.governanceMode is observe`,
      hint: 'set state.governanceMode to enforce with `agent-rollout mode enforce`',
    });
  }
  return findings;
}
