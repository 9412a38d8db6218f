import type { Place } from '../../json/place.js';
import { segmentsOf } from '../../json/place.js';
import { toPointer } from '../../json/pointer.js';
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
  const report = (place: Place | undefined, description: string): void => {
    const segments = segmentsOf(place);
    findings.push({
      rule: 'AR103',
      pointer: toPointer(segments),
      message: `${where(segments)} holds ${description} (value not shown)`,
    });
  };
  // Iterative walk: the document's depth is bounded by the parser, but keep the stack flat anyway.
  // `key` is the nearest property name above the value (an array's items keep their array's).
  const stack: { value: JsonValue; place: Place | undefined; key: string | undefined }[] = [
    { value: document, place: undefined, key: undefined },
  ];
  while (stack.length > 0) {
    const { value, place, key } = stack.pop() as (typeof stack)[number];
    if (typeof value === 'string') {
      const match = findSecret(value, key);
      if (match) report(place, match.description);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++)
        stack.push({ value: value[i] as JsonValue, place: { parent: place, segment: String(i) }, key });
    } else if (value !== null && typeof value === 'object') {
      for (const name of Object.keys(value)) {
        const child: Place = { parent: place, segment: name };
        const match = findSecret(name);
        if (match) report(child, `a property name that is ${match.description}`);
        stack.push({ value: value[name] as JsonValue, place: child, key: name });
      }
    }
  }
  return findings.reverse();
}
