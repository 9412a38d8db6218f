import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editedText, textWithValue } from '../../src/manifest/edit-text.js';
import { parseManifest } from '../../src/manifest/load.js';
import { FUZZ_RUNS as RUNS, fuzzTimeout } from '../helpers/run-counts.js';

function edit(text: string, change: (document: any) => void): string {
  const loaded = parseManifest('rollout.json', new TextEncoder().encode(text));
  const next = structuredClone(loaded.value);
  change(next);
  return editedText(loaded, next);
}

const HAND = [
  '{',
  '  "version": 1,',
  '  "credentials": [',
  '    { "id": "ro", "scopes": ["tickets:read", "users:read"] },',
  '    {',
  '      "id": "bot",',
  '      "scopes": ["chat:write"]',
  '    }',
  '  ],',
  '  "cost": {"usd": 0.08, "perDay": 1200}',
  '}',
  '',
].join('\n');

describe('textWithValue: only what changed is rewritten', () => {
  it('a changed scalar is replaced where it stands; compact arrays elsewhere stay compact', () => {
    expect(edit(HAND, (d) => (d.cost.usd = 0.09))).toBe(HAND.replace('0.08', '0.09'));
    expect(edit(HAND, (d) => (d.credentials[1].id = 'slack-bot'))).toBe(HAND.replace('"bot"', '"slack-bot"'));
  });

  it('an element added to a one-line array stays on that line; to a multi-line array, on its own line', () => {
    expect(edit(HAND, (d) => d.credentials[0].scopes.push('orgs:read'))).toBe(HAND.replace('"users:read"]', '"users:read", "orgs:read"]'));
    const added = edit(HAND, (d) => d.credentials.push({ id: 'kb', scopes: ['kb:read'] }));
    expect(added).toBe(
      HAND.replace(
        '      "scopes": ["chat:write"]\n    }\n',
        '      "scopes": ["chat:write"]\n    },\n    {\n      "id": "kb",\n      "scopes": [\n        "kb:read"\n      ]\n    }\n',
      ),
    );
  });

  it('a new member goes after its neighbour in the new order; a removed one leaves with its comma', () => {
    expect(edit(HAND, (d) => (d.credentials[1] = { id: 'bot', owner: 'chat-team', scopes: ['chat:write'] }))).toBe(
      HAND.replace('      "id": "bot",\n', '      "id": "bot",\n      "owner": "chat-team",\n'),
    );
    expect(edit(HAND, (d) => delete d.cost.perDay)).toBe(HAND.replace(', "perDay": 1200', ''));
    expect(edit(HAND, (d) => delete d.cost.usd)).toBe(HAND.replace('"usd": 0.08, ', ''));
    expect(edit(HAND, (d) => d.credentials.splice(1, 1))).toBe(
      HAND.replace(',\n    {\n      "id": "bot",\n      "scopes": ["chat:write"]\n    }', ''),
    );
  });

  it('keeps CRLF, tabs and a BOM; a minified file stays minified', () => {
    const crlf = '\uFEFF{\r\n\t"a": [1, 2],\r\n\t"b": {\r\n\t\t"c": 1\r\n\t}\r\n}';
    expect(edit(crlf, (d) => (d.b.d = [3]))).toBe(
      '\uFEFF{\r\n\t"a": [1, 2],\r\n\t"b": {\r\n\t\t"c": 1,\r\n\t\t"d": [\r\n\t\t\t3\r\n\t\t]\r\n\t}\r\n}',
    );
    expect(edit('{"a":1,"b":[1,2]}', (d) => d.b.push(3))).toBe('{"a":1,"b":[1,2,3]}');
  });

  it(
    'any edit of a document reads back as the edited document, and unchanged text is kept',
    () => {
      const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
        value: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
        array: fc.array(tie('value'), { maxLength: 4 }),
        object: fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 4 }),
      })).value;
      const layouts = [
        (v: unknown) => JSON.stringify(v, null, 2),
        (v: unknown) => JSON.stringify(v),
        (v: unknown) => JSON.stringify(v, null, '\t').replace(/\n/g, '\r\n'),
      ];
      fc.assert(
        fc.property(
          fc.dictionary(fc.string({ maxLength: 4 }), json, { maxKeys: 5 }),
          fc.dictionary(fc.string({ maxLength: 4 }), json, { maxKeys: 5 }),
          fc.nat(2),
          fc.nat(),
          (before, after, layout, drop) => {
            const text = layouts[layout]!(before);
            const loaded = parseManifest('x.json', new TextEncoder().encode(text));
            const next: Record<string, unknown> = { ...before, ...after };
            Object.keys(before).forEach((key, i) => (drop >> i) & 1 && delete next[key]);
            const written = editedText(loaded, next); // throws rather than falling back
            expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(next)));
            expect(editedText(loaded, before)).toBe(text);
          },
        ),
        { numRuns: RUNS },
      );
    },
    fuzzTimeout(5),
  );
});

describe('textWithValue', () => {
  it('falls back to the whole document in the file style when the text has no value', () => {
    expect(textWithValue({ text: '{\n\t"a": 1\n}\n', locations: new Map() }, { a: 2 })).toBe('{\n\t"a": 2\n}\n');
  });
});
