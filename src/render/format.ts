import { escapeJsonOutput } from './safe-text.js';

/** The output formats, a closed list; each command accepts the subset it renders. */
export const FORMATS = ['text', 'json', 'markdown', 'sarif', 'github', 'html'] as const;
export type Format = (typeof FORMATS)[number];

/** JSON output's own version, independent of the tool's. */
export const FORMAT_VERSION = 1;

/**
 * Serializes a report as JSON output: formatVersion first, two-space indent, trailing newline.
 * Control, bidirectional and invisible characters in strings are written as `\uXXXX` escapes
 * (`escapeJsonOutput`), so the data is kept and printing it is safe.
 */
export function toJson(report: object): string {
  return escapeJsonOutput(`${JSON.stringify({ formatVersion: FORMAT_VERSION, ...report }, null, 2)}\n`);
}
