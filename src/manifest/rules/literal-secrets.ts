import type { JsonValue } from '../json-parse.js';
import { findSecret } from '../secrets.js';
import type { Finding } from './rule.js';

function where(segments: readonly string[]): string {
  return segments.length === 0 ? 'the manifest' : segments.join('.');
}

/**
 * AR103: no literal secret anywhere in the document, in values or in keys. Works on the raw
 * document, so it also runs on a manifest that does not match the schema. The message names
 * the kind of secret, never the secret.
 */
export function checkLiteralSecrets(document: JsonValue): Finding[] {
  const findings: Finding[] = [];
  const report = (segments: string[], description: string): void => {
    findings.push({
      rule: 'AR103',
      pointer: segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join(''),
      message: `${where(segments)} holds ${description} (value not shown)`,
    });
  };
  // Iterative walk: the document's depth is bounded by the parser, but keep the stack flat anyway.
  const stack: { value: JsonValue; segments: string[]; key?: string }[] = [{ value: document, segments: [] }];
  while (stack.length > 0) {
    const { value, segments, key } = stack.pop() as (typeof stack)[number];
    if (typeof value === 'string') {
      const match = findSecret(value, key);
      if (match) report(segments, match.description);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, segments: [...segments, String(i)], ...(key === undefined ? {} : { key }) }));
    } else if (value !== null && typeof value === 'object') {
      for (const [name, item] of Object.entries(value)) {
        const match = findSecret(name);
        if (match) report([...segments, name], `a property name that is ${match.description}`);
        stack.push({ value: item, segments: [...segments, name], key: name });
      }
    }
  }
  return findings.reverse();
}
