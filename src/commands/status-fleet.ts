import { CliError, ExitCode, UsageError } from '../errors.js';
import { orgAccess } from '../export/org-view.js';
import { createRedactor } from '../manifest/redactor.js';
import { buildPlan } from '../plan/model.js';
import { renderBoardHtml } from '../render/status/board-html.js';
import { renderFleetMarkdown, renderOrgMarkdown } from '../render/status/fleet-markdown.js';
import { renderFleetText, renderOrgText } from '../render/status/fleet-text.js';
import { toJson } from '../render/format.js';
import { createStyle } from '../render/style.js';
import type { Manifest } from '../manifest/types.js';
import type { FleetRow, OrgRow } from '../state/fleet.js';
import { filterFleet, fleetAgent, isFleetError, sortFleet, sortOrgRows } from '../state/fleet.js';
import { isOrgName } from '../state/transitions.js';
import type { Io } from '../ui/io.js';
import type { StatusFormat } from './formats.js';
import { STATUS_FORMATS } from './formats.js';
import { preferredFormat } from '../state/operator-config.js';
import { expandManifestPatterns } from './manifest-files.js';
import { readStatus } from './read-status.js';

export interface FleetStatusOptions {
  files: string[];
  manifest?: string[];
  format?: StatusFormat;
  owner?: string;
  stage?: string;
  org?: string;
}

/** How many manifests are read at once: reading overlaps the work on the ones already read. */
const AT_ONCE = 8;

/** `items` mapped by `work`, at most `limit` at a time, in their order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One manifest's fleet row: its status (as `status` computes it for one agent) and its plan's blockers; or why it cannot be read. */
async function fleetRow(
  path: string,
  io: Io,
  now: number,
  redact: (text: string) => string,
): Promise<{ row: FleetRow; manifest?: Manifest }> {
  try {
    const read = await readStatus(path, io, now);
    const { opened, trail, evidence, status } = read;
    const plan = buildPlan({
      path,
      manifest: opened.manifest,
      diagnostics: opened.validation.diagnostics,
      trail: trail.entries,
      trailProblems: trail.problems.length,
      now: new Date(now),
      ...(evidence ? { guardrailEvidence: evidence } : {}),
    });
    return { row: fleetAgent(path, opened.manifest, status, plan.blockedBy.length, now), manifest: opened.manifest };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { row: { manifest: path, error: redact(`${error.message}${error.hint ? ` (${error.hint})` : ''}`) } };
  }
}

/**
 * `agent-rollout status` over several manifests: one row per agent, attention first, or with
 * `--org` what that org gets of each agent. Exit 2 when any manifest could not be read (its row says why).
 */
export async function fleetStatusCommand(options: FleetStatusOptions, io: Io): Promise<number> {
  if (options.org !== undefined && !isOrgName(options.org)) {
    throw new UsageError(
      `--org ${JSON.stringify(options.org)} is not an org name`,
      'org names are letters, digits and . _ @ - (up to 128, starting with a letter or digit), as in stages[].audience.orgs',
    );
  }
  const format = await preferredFormat(options.format, io.env, STATUS_FORMATS);
  if (options.org !== undefined && format === 'html') {
    throw new UsageError('the board (--format html) shows the fleet, not one org', 'drop --org, or use --format text, json or markdown');
  }
  const paths = await expandManifestPatterns([...options.files, ...(options.manifest ?? [])], io.cwd);
  const now = Date.now();
  const redactor = createRedactor();
  const read = await mapLimited(paths, AT_ONCE, (path) => fleetRow(path, io, now, (text) => redactor.text(text)));
  const rows = read.map((r) => r.row);
  const manifests = new Map(read.flatMap((r) => (r.manifest ? [[r.row, r.manifest] as const] : [])));
  const listed = filterFleet(rows, {
    ...(options.owner ? { owner: options.owner } : {}),
    ...(options.stage ? { stage: options.stage } : {}),
  });
  const failed = rows.some(isFleetError);
  const style = createStyle(io.color);

  if (options.org !== undefined) {
    const org = options.org;
    const orgRows = sortOrgRows(
      listed.map((row): OrgRow => {
        if (isFleetError(row)) return row;
        return { manifest: row.manifest, agent: row.agent, ...orgAccess(manifests.get(row) as Manifest, org) };
      }),
    );
    const renderers: Record<Exclude<StatusFormat, 'html'>, () => string> = {
      text: () => renderOrgText(org, orgRows, style),
      json: () =>
        toJson({
          org,
          agents: orgRows.map((row) =>
            'error' in row ? row : { manifest: row.manifest, agent: row.agent, on: row.on, why: row.why, mode: row.mode },
          ),
        }),
      markdown: () => renderOrgMarkdown(org, orgRows),
    };
    io.out(renderers[format as Exclude<StatusFormat, 'html'>]());
    return failed ? ExitCode.failure : ExitCode.ok;
  }

  const sorted = sortFleet(listed);
  const renderers: Record<StatusFormat, () => string> = {
    text: () => renderFleetText(sorted, style, now),
    json: () => toJson({ agents: sorted }),
    markdown: () => renderFleetMarkdown(sorted, now),
    html: () => renderBoardHtml(sorted, now),
  };
  io.out(renderers[format]());
  return failed ? ExitCode.failure : ExitCode.ok;
}
