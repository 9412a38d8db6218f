import type { Chalk, ChalkInstance } from 'chalk';

export type Style = ChalkInstance;

let ChalkClass: typeof Chalk | undefined;

/**
 * Loads chalk, once. The program calls this before a command runs, and only when colour is on:
 * most runs (CI, pipes, NO_COLOR) never load it, which saves about 15 ms of every start.
 */
export async function loadColor(): Promise<void> {
  ChalkClass ??= (await import('chalk')).Chalk;
}

/** Text as it is: any chain of styles (`style.red.bold`) and any call returns its input unchanged. */
const PLAIN: Style = new Proxy(() => undefined, {
  get: () => PLAIN,
  apply: (_target, _this, texts: unknown[]) => texts.join(' '),
}) as unknown as Style;

/** A chalk instance that colours only when asked to (the caller decides, from ui/io.ts). */
export function createStyle(color: boolean): Style {
  if (!color) return PLAIN;
  if (!ChalkClass) throw new Error('createStyle(true) before loadColor(): load colour support first');
  return new ChalkClass({ level: 1 });
}
