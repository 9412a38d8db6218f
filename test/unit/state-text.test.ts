import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/manifest/load.js';
import type { State } from '../../src/manifest/types.js';
import { manifestTextWithState } from '../../src/state/state-text.js';

const NEXT: State = { enabled: false, stage: 'beta', orgs: { acme: { enabled: true } } };

function rewrite(text: string, state: State = NEXT): string {
  const loaded = parseManifest('rollout.json', new TextEncoder().encode(text));
  return manifestTextWithState(loaded, state);
}

describe('manifestTextWithState: only the state section changes', () => {
  it('keeps compact arrays and everything else byte for byte; a one-line state stays on one line', () => {
    const before = '{\n  "version": 1,\n  "scopes": ["a", "b"],\n  "state": { "enabled": true, "stage": "pilot" },\n  "after": [1, 2]\n}\n';
    expect(rewrite(before)).toBe(
      '{\n  "version": 1,\n  "scopes": ["a", "b"],\n  "state": { "enabled": false, "stage": "beta", "orgs": { "acme": { "enabled": true } } },\n  "after": [1, 2]\n}\n',
    );
  });

  it('keeps CRLF, tabs, a BOM and a missing final newline', () => {
    const before = '\uFEFF{\r\n\t"version": 1,\r\n\t"state": {\r\n\t\t"enabled": true,\r\n\t\t"stage": "pilot"\r\n\t}\r\n}';
    expect(rewrite(before, { enabled: true, stage: 'beta' })).toBe(
      '\uFEFF{\r\n\t"version": 1,\r\n\t"state": {\r\n\t\t"enabled": true,\r\n\t\t"stage": "beta"\r\n\t}\r\n}',
    );
  });

  it('a minified document stays minified: only the changed values are rewritten', () => {
    expect(rewrite('{"version":1,"state":{"enabled":true,"stage":"pilot"}}', { enabled: true, stage: 'beta' })).toBe(
      '{"version":1,"state":{"enabled":true,"stage":"beta"}}',
    );
    expect(JSON.parse(rewrite('{"version":1,"state":{"enabled":true,"stage":"pilot"}}'))).toEqual({ version: 1, state: NEXT });
  });

  it('falls back to the whole document when there is no state to replace', () => {
    expect(JSON.parse(rewrite('{\n  "version": 1\n}\n'))).toEqual({ version: 1, state: NEXT });
  });
});
