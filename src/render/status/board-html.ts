import type { FleetAgent, FleetError, FleetRow } from '../../state/fleet.js';
import { isFleetError } from '../../state/fleet.js';
import { formatTime } from '../../time/timestamp.js';
import type { Html } from '../html.js';
import { html, htmlRaw } from '../html.js';
import { advanceCell, drillCell, gateCell, guardrailsCell, modeCell, pausedCell, stageCell, trailCell } from './fleet-cells.js';
import { fleetCounts } from './fleet-text.js';

/**
 * The board: `status --format html`, one self-contained page that shows the fleet at a glance.
 * No script, no external request (styles inline, no fonts or images fetched), readable from a
 * file or a CI artifact. Each agent is a card coloured by what needs attention, with its stage
 * track and the same facts as the text listing. Every outside string goes through src/render/html.ts.
 */

const STYLE = `
:root { color-scheme: light; --act: #c62828; --watch: #b26a00; --ok: #2e7d32; --ink: #1d1d1f; --muted: #5f6368; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f4f5f7; }
h1 { margin: 0 0 4px; font-size: 22px; }
.summary { margin: 0 0 20px; color: var(--muted); }
.legend span { display: inline-block; margin-right: 12px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; vertical-align: middle; }
.dot.act { background: var(--act); } .dot.watch { background: var(--watch); } .dot.ok { background: var(--ok); }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; }
.card { background: #fff; border-radius: 8px; border-left: 8px solid var(--ok); padding: 14px 16px; box-shadow: 0 1px 3px rgba(0,0,0,.12); overflow-wrap: anywhere; }
.card.act { border-left-color: var(--act); background: #fff5f5; } .card.watch { border-left-color: var(--watch); background: #fffaf0; }
.card.not-shown { border-left-color: var(--act); background: #fff0f0; }
.card h2 { margin: 0; font-size: 17px; } .card h2 code { font-size: 13px; color: var(--muted); font-weight: normal; margin-left: 6px; }
.meta { margin: 2px 0 8px; color: var(--muted); font-size: 12px; }
.desc { margin: 0 0 10px; }
.track { display: flex; gap: 3px; list-style: none; margin: 0 0 12px; padding: 0; }
.track li { flex: 1; min-width: 0; padding: 4px 6px; font-size: 11px; text-align: center; border-radius: 3px; background: #e3e6ea; color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.track li.passed { background: #9ccc9f; color: #12361a; } .track li.current { background: #1565c0; color: #fff; font-weight: 600; }
.card.act .track li.current { background: var(--act); } .card.watch .track li.current { background: var(--watch); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; }
.bad { color: var(--act); font-weight: 600; } .warn { color: var(--watch); font-weight: 600; } .good { color: var(--ok); }
.needs { margin: 10px 0 0; font-weight: 600; }
.card.act .needs { color: var(--act); } .card.watch .needs { color: var(--watch); }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
`;

type Tone = 'bad' | 'warn' | 'good' | '';

function fact(label: string, value: string, tone: Tone = ''): Html {
  return tone === ''
    ? html`<dt>${label}</dt>
        <dd>${value}</dd>`
    : html`<dt>${label}</dt>
        <dd class="${tone}">${value}</dd>`;
}

function track(row: FleetAgent): Html {
  const current = row.stage.position === undefined ? -1 : row.stage.position - 1;
  const items = row.stages.map((stage, index) => {
    const where = index < current ? 'passed' : index === current ? 'current' : 'later';
    const label = stage.percent === undefined ? stage.id : `${stage.id} ${stage.percent}%`;
    return html`<li class="${where}" title="${label}">${label}</li>`;
  });
  return html`<ol class="track" aria-label="stages">
    ${items}
  </ol>`;
}

function agentCard(row: FleetAgent, now: number): Html {
  const gateTone: Tone = !row.lastGate
    ? ''
    : row.lastGate.verdict === 'go'
      ? 'good'
      : row.lastGate.verdict === 'inconclusive'
        ? 'warn'
        : 'bad';
  const drillTone: Tone = row.drill === 'current' ? 'good' : row.drill === 'failed' ? 'bad' : 'warn';
  const evidence = row.guardrailTests;
  const guardrailsTone: Tone = !evidence ? '' : evidence.state === 'current' ? (evidence.run?.passed ? 'good' : 'bad') : 'warn';
  const trailTone: Tone = row.trailHealth === 'ok' ? 'good' : row.trailHealth === 'none' ? '' : 'bad';
  const name = row.agent.name ?? row.agent.id;
  return html`<section class="card ${row.attention.level}" id="${`agent-${row.agent.id}`}">
    <h2>${name}<code>${row.agent.id}</code></h2>
    <p class="meta">owner ${row.owner} · ${row.manifest}</p>
    ${row.description === undefined ? htmlRaw('') : html`<p class="desc">${row.description}</p>`} ${track(row)}
    <dl>
      ${fact('switch', row.enabled ? 'on' : 'OFF (kill switch)', row.enabled ? 'good' : 'bad')} ${fact('stage', stageCell(row))}
      ${fact('mode', modeCell(row))}
      ${fact('paused', row.paused ? `${pausedCell(row)}: ${row.paused.reason}` : 'no', row.paused ? 'warn' : '')}
      ${fact('last gate', gateCell(row), gateTone)} ${fact('drill', drillCell(row), drillTone)}
      ${fact('guardrails', guardrailsCell(row), guardrailsTone)} ${fact('may advance', advanceCell(row, now))}
      ${fact('trail', trailCell(row), trailTone)} ${fact('blockers', String(row.blockers), row.blockers > 0 ? 'warn' : 'good')}
    </dl>
    ${row.attention.reasons.length > 0 ? html`<p class="needs">needs attention: ${row.attention.reasons.join(', ')}</p>` : htmlRaw('')}
  </section>`;
}

function errorCard(row: FleetError): Html {
  return html`<section class="card not-shown">
    <h2>not shown</h2>
    <p class="meta">${row.manifest}</p>
    <p class="bad">${row.error}</p>
  </section>`;
}

/** The whole page, for the rows in the order given (attention first). */
export function renderBoardHtml(rows: readonly FleetRow[], now: number): string {
  const cards = rows.map((row) => (isFleetError(row) ? errorCard(row) : agentCard(row, now)));
  const page = html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'" />
        <title>Rollout board</title>
        <style>
          ${htmlRaw(STYLE)}
        </style>
      </head>
      <body>
        <h1>Rollout board</h1>
        <p class="summary">${fleetCounts(rows)} · as of ${formatTime(now)}</p>
        <p class="legend">
          <span><i class="dot act"></i>needs action</span><span><i class="dot watch"></i>to watch</span
          ><span><i class="dot ok"></i>ok</span>
        </p>
        <main class="grid">${cards}</main>
        <footer>Written by agent-rollout status --format html. The same facts as agent-rollout status; no script, nothing fetched.</footer>
      </body>
    </html> `;
  return page.html;
}
