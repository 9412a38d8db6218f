import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ValidationReport } from '../../manifest/report.js';
import { RULES } from '../../manifest/rules/catalog.js';
import { escapeJsonOutput } from '../safe-text.js';
import { TOOL_NAME, TOOL_URL, TOOL_VERSION } from '../../version.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

function artifactLocation(file: string, baseDir: string): Record<string, string> {
  const absolute = isAbsolute(file) ? file : `${baseDir}${sep}${file}`;
  const fromBase = relative(baseDir, absolute);
  if (fromBase.startsWith('..') || isAbsolute(fromBase)) return { uri: pathToFileURL(absolute).href };
  return { uri: fromBase.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/**
 * `validate --format sarif`: SARIF 2.1.0 for code scanning, with every rule's metadata and help,
 * and each finding on its file, line and column.
 */
export function renderValidationSarif(report: ValidationReport, baseDir: string): string {
  const ruleIndex = new Map<string, number>(RULES.map((rule, i) => [rule.id, i]));
  const results = report.files.flatMap((file) =>
    file.diagnostics.map((d) => ({
      ruleId: d.rule,
      ruleIndex: ruleIndex.get(d.rule) ?? -1,
      level: d.severity,
      message: { text: `${d.message}. Hint: ${d.hint}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(file.file, baseDir),
            region: { startLine: d.line, startColumn: d.column },
          },
          logicalLocations: d.pointer === '' ? undefined : [{ fullyQualifiedName: d.pointer, kind: 'member' }],
        },
      ],
    })),
  );
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: TOOL_VERSION,
            semanticVersion: TOOL_VERSION,
            informationUri: TOOL_URL,
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: rule.name,
              shortDescription: { text: rule.summary },
              fullDescription: { text: `${rule.summary} ${rule.help}` },
              help: { text: rule.help, markdown: `**${rule.summary}**\n\n${rule.help}\n\nSee docs/rules.md#${rule.id.toLowerCase()}.` },
              helpUri: `${TOOL_URL}/blob/main/docs/rules.md#${rule.id.toLowerCase()}`,
              defaultConfiguration: { level: rule.severity },
              properties: { tags: ['agent-rollout', rule.id.startsWith('AR0') ? 'syntax' : 'rollout-safety'] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(`${baseDir}${sep}`).href } },
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return escapeJsonOutput(`${JSON.stringify(sarif, null, 2)}\n`);
}
