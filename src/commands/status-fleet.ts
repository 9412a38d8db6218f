import { ExitCode, UsageError } from '../errors.js';
import { orgAccess } from '../export/org-view.js';
import { createRedactor } from '../manifest/redactor.js';
import { renderBoardHtml } from '../render/status/board-html.js';
import { renderFleetMarkdown, renderOrgMarkdown } from '../render/status/fleet-markdown.js';
import { renderFleetText, renderOrgText } from '../render/status/fleet-text.js';
import { toJson } from '../render/format.js';
import { createStyle } from '../render/style.js';
import type { Manifest } from '../manifest/types.js';
import type { OrgRow } from '../state/fleet.js';
import { filterFleet, isFleetError, sortFleet, sortOrgRows } from '../state/fleet.js';
import { isOrgName } from '../state/transitions.js';
import type { Io } from '../ui/io.js';
import type { StatusFormat } from './formats.js';
import { STATUS_FORMATS } from './formats.js';
import { preferredFormat } from '../state/operator-config.js';
import { expandManifestPatterns } from './manifest-files.js';
import { readFleet } from './fleet-read.js';

export interface FleetStatusOptions {
  files: string[];
  manifest?: string[];
  format?: StatusFormat;
  owner?: string;
  stage?: string;
  org?: string;
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
  const read = await readFleet(paths, io, now, (text) => redactor.text(text));
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
