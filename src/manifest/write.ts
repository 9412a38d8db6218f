import { createHash } from 'node:crypto';
import { CliError, ExitCode } from '../errors.js';

/** How a JSON file is laid out, so a rewrite looks like the original. */
export interface JsonStyle {
  indent: string;
  eol: '\n' | '\r\n';
  finalNewline: boolean;
  bom: boolean;
}

/** Reads the layout of existing JSON text: indentation, line endings, final newline, BOM. */
export function detectStyle(text: string): JsonStyle {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return {
    indent,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    finalNewline: /\n$/.test(text) || text.trim() === '',
    bom: text.startsWith('\uFEFF'),
  };
}

/**
 * Serializes a document in a given style. Key order is the document's own (the parser keeps
 * source order), so an edit shows in a diff as the lines it changed.
 */
export function serializeJson(document: unknown, style: JsonStyle): string {
  let text = JSON.stringify(document, null, style.indent);
  if (style.eol === '\r\n') text = text.replace(/\n/g, '\r\n');
  return (style.bom ? '\uFEFF' : '') + text + (style.finalNewline ? style.eol : '');
}

/** SHA-256 of text as UTF-8, hex. */
export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The file changed on disk since it was read: nothing was written. */
export class ConcurrentChangeError extends CliError {
  constructor(path: string) {
    super(
      `${path} changed on disk since it was read; nothing was written`,
      ExitCode.failure,
      'another command or an editor changed it: run the command again on the current file',
    );
    this.name = 'ConcurrentChangeError';
  }
}
