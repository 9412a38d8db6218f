import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';

export type Style = ChalkInstance;

/** A chalk instance that colours only when asked to (the caller decides, from ui/io.ts). */
export function createStyle(color: boolean): Style {
  return new Chalk({ level: color ? 1 : 0 });
}
