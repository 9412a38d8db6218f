import { toPointer } from '../json/pointer.js';

/** The value a dotted path (inventory.costEnvelope.usdPerInvocation) names in a document, if any. */
export function resolveDottedPath(document: unknown, path: string): unknown {
  let node: unknown = document;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    if (!Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** The JSON pointer of a dotted path. */
export function dottedPathToPointer(path: string): string {
  return toPointer(path.split('.'));
}
