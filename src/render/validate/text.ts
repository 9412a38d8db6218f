import { safeData, safeText } from '../safe-text.js';
import { visibleWidth } from '../table.js';
import type { Diagnostic } from '../../manifest/diagnostic.js';
import type { ValidationReport } from '../../manifest/report.js';
import type { Style } from '../style.js';
import { plural } from '../../text/plural.js';

export interface TextOptions {
  style: Style;
  /** Show the offending line with a caret under the column (on a terminal). */
  excerpt: boolean;
  /** The text of each file, for excerpts. */
  sources: ReadonlyMap<string, string>;
  /** Print nothing when there is no error (for --quiet). */
  quiet?: boolean;
}

function excerpt(source: string | undefined, diagnostic: Diagnostic, style: Style): string[] {
  if (source === undefined || source === '') return [];
  const lines = source.split(/\r?\n/);
  const line = lines[diagnostic.line - 1];
  if (line === undefined) return [];
  const gutter = String(diagnostic.line);
  const pad = ' '.repeat(gutter.length);
  if (diagnostic.sensitive) return [`  ${style.dim(`${gutter} |`)} ${style.dim('(line not shown: it holds a secret)')}`];
  // The line is outside text: its control and format characters are shown escaped, and the caret
  // moves right by what the escapes before the column add.
  const shown = safeText(line.replace(/\t/g, ' '));
  const before = safeText(line.slice(0, Math.max(0, diagnostic.column - 1)).replace(/\t/g, ' '));
  const caret = ' '.repeat(visibleWidth(before)) + style.red('^');
  return [`  ${style.dim(`${gutter} |`)} ${shown}`, `  ${style.dim(`${pad} |`)} ${caret}`];
}

/** `validate` for a person: one block per finding, `file:line:col severity rule message`, then a summary. */
export function renderValidationText(report: ValidationReport, options: TextOptions): string {
  report = safeData(report);
  options = safeData(options);
  const { style } = options;
  const out: string[] = [];
  for (const file of report.files) {
    for (const d of file.diagnostics) {
      const severity = d.severity === 'error' ? style.red('error') : style.yellow('warning');
      out.push(`${style.bold(`${file.file}:${d.line}:${d.column}`)} ${severity} ${style.dim(d.rule)} ${d.message}`);
      out.push(`  ${style.cyan('hint:')} ${d.hint}`);
      if (options.excerpt) out.push(...excerpt(options.sources.get(file.file), d, style));
    }
  }
  const { summary } = report;
  if (options.quiet && summary.errors === 0 && summary.unreadable === 0) return '';
  if (out.length > 0) out.push('');
  const counts = [plural(summary.errors, 'error'), plural(summary.warnings, 'warning')].join(', ');
  if (summary.unreadable > 0) {
    const newer = summary.newer > 0 ? `${plural(summary.newer, 'file')} written for a newer agent-rollout` : '';
    const other = summary.unreadable - summary.newer;
    const unread = other > 0 ? `${plural(other, 'file')} could not be read` : '';
    out.push(style.red(`✖ ${[unread, newer].filter(Boolean).join(', ')}; ${counts} in ${plural(summary.files, 'file')}`));
  } else if (summary.errors > 0) {
    out.push(style.red(`✖ ${counts} in ${summary.files - summary.valid} of ${plural(summary.files, 'file')}`));
  } else {
    const valid = summary.files === 1 ? `${report.files[0]?.file ?? 'manifest'} is valid` : `${summary.files} files are valid`;
    out.push(style.green(`✔ ${valid}`) + (summary.warnings > 0 ? style.yellow(` (${plural(summary.warnings, 'warning')})`) : ''));
  }
  return `${out.join('\n')}\n`;
}
