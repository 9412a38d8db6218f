import { safeData } from '../safe-text.js';
import type { DataClassReach, StageBlastRadius, ToolPath, TriggerPath } from '../../inventory/blast-radius.js';
import type { Style } from '../style.js';
import type { Markdown } from '../markdown.js';
import { md, mdCode, mdJoin, mdText } from '../markdown.js';
import { renderMarkdownTable, tableLines } from '../table.js';

function via(path: ToolPath): string {
  return `${path.tool} [${path.credential ?? 'no credential'}]`;
}

function reach(item: DataClassReach): string {
  const notes = [item.sensitive ? 'sensitive' : '', item.declared ? '' : 'undeclared'].filter(Boolean);
  return `${item.dataClass}${notes.length ? ` (${notes.join(', ')})` : ''} via ${item.via.map(via).join(', ')}`;
}

/** A trigger in words: `ticket-created (webhook zendesk:ticket.created, owner support-operations)`. */
export function triggerText(trigger: TriggerPath): string {
  const what = [trigger.kind, trigger.source ?? trigger.cron].filter(Boolean).join(' ');
  const owner = trigger.owner ? `owner ${trigger.owner}` : trigger.kind === 'agent' ? 'no owner' : '';
  const detail = [trigger.label === what ? '' : what, owner].filter(Boolean).join(', ');
  return detail ? `${trigger.label} (${detail})` : trigger.label;
}

/** Write tools that no written data class accounts for: they can change something the inventory does not name. */
function unaccountedWriteTools(radius: StageBlastRadius): ToolPath[] {
  const writing = new Set(radius.write.flatMap((w) => w.via.map((p) => p.tool)));
  const unknown = new Set(radius.unknownReach.map((p) => p.tool));
  return radius.writeTools.filter((p) => !writing.has(p.tool) && !unknown.has(p.tool));
}

/** The facts of one stage's blast radius as label/value rows, shared by the text and markdown renderers. */
export function blastRadiusRows(radius: StageBlastRadius): [string, string[]][] {
  const writes = radius.write.map(reach);
  for (const path of unaccountedWriteTools(radius)) writes.push(`${path.access} access through ${via(path)}, naming no data class`);
  const rows: [string, string[]][] = [
    ['reads', radius.read.length ? radius.read.map(reach) : ['no data class']],
    ['writes', writes.length ? writes : ['nothing']],
  ];
  if (radius.unknownReach.length)
    rows.push(['unknown', radius.unknownReach.map((p) => `${via(p)} does not say which data classes it reaches`)]);
  rows.push(['credentials', [radius.credentials.length ? radius.credentials.join(', ') : 'none']]);
  if (radius.toolsWithoutCredential.length) {
    rows.push(['not usable', [radius.toolsWithoutCredential.map((p) => `${p.tool} (needs ${p.credential ?? '?'})`).join(', ')]]);
  }
  rows.push(['triggers', radius.triggers.length ? radius.triggers.map(triggerText) : ['none declared']]);
  return rows;
}

/** `Blast radius` as indented text lines, one block per stage. */
export function renderBlastRadiusText(radii: readonly StageBlastRadius[], style: Style): string[] {
  radii = safeData(radii);
  const lines: string[] = [];
  const width = Math.max(...['credentials', 'not usable'].map((l) => l.length));
  let previous: { stage: string; rows: string } | undefined;
  for (const radius of radii) {
    const rows = blastRadiusRows(radius);
    const key = JSON.stringify([radius.dataAccess, rows]);
    const same = previous?.rows === key ? style.dim(`: the same as ${previous.stage}`) : '';
    lines.push(`  ${style.bold(radius.stage)}${radius.dataAccess ? style.dim(` (${radius.dataAccess} data)`) : ''}${same}`);
    const sameAs = previous?.rows === key;
    previous = { stage: sameAs && previous ? previous.stage : radius.stage, rows: key };
    if (sameAs) continue;
    const cells = rows.flatMap(([label, values]) =>
      values.map((value, i) => [
        i === 0 ? label : '',
        label === 'writes' && value !== 'nothing' ? style.yellow(value) : label === 'unknown' ? style.red(value) : value,
      ]),
    );
    lines.push(...tableLines(cells, { indent: '    ', minWidths: [width] }));
  }
  return lines;
}

/** `Blast radius` as a markdown table: one row per stage. */
export function renderBlastRadiusMarkdown(radii: readonly StageBlastRadius[]): string {
  radii = safeData(radii);
  const rows = radii.map((radius) => {
    const facts = new Map(blastRadiusRows(radius));
    const cell = (label: string): Markdown => mdJoin((facts.get(label) ?? []).map(mdText), '<br>');
    return [
      md`${mdCode(radius.stage)}${radius.dataAccess ? ` (${radius.dataAccess})` : ''}`,
      cell('reads'),
      facts.has('unknown') ? md`${cell('writes')}<br>**unknown:** ${cell('unknown')}` : cell('writes'),
      cell('credentials'),
      cell('triggers'),
    ];
  });
  return renderMarkdownTable(['stage', 'reads', 'writes', 'credentials', 'triggers'], rows);
}
