import type { Position } from './json-parse.js';

export type Severity = 'error' | 'warning';

/** One finding about a manifest, placed on the value it is about. */
export interface Diagnostic {
  /** Stable rule id, e.g. AR101 (see docs/rules.md). */
  rule: string;
  severity: Severity;
  message: string;
  /** How to fix it. */
  hint: string;
  /** RFC 6901 pointer of the value the finding is about ('' is the whole document). */
  pointer: string;
  line: number;
  column: number;
  /** The source text at this position holds a secret: renderers must not print the line. */
  sensitive?: boolean;
}

/** Builds a diagnostic at a position. */
export function diagnosticAt(position: Pick<Position, 'line' | 'column'>, fields: Omit<Diagnostic, 'line' | 'column'>): Diagnostic {
  return { ...fields, line: position.line, column: position.column };
}

/** Orders diagnostics by place in the file, then by rule. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule);
}
