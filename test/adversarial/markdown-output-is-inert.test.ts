import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md, mdCode, mdFence, mdText } from '../../src/render/markdown.js';
import { renderMarkdownTable } from '../../src/render/table.js';
import { copyExample, runCli, runInProcess, tempDir } from '../helpers/cli.js';
import { fuzzRuns, fuzzTimeout } from '../helpers/run-counts.js';

/**
 * Promise: markdown output is inert. No text from outside produces emphasis, a link, an image,
 * raw HTML, a heading, a list, a table break or an @mention, or escapes its code span or fence.
 * Checked by rendering with a CommonMark renderer (markdown-it, GFM tables, linkify on) and
 * reading the HTML.
 */

const renderer = new MarkdownIt({ html: true, linkify: true });

const ATTACK =
  '*em* __strong__ ~~del~~ [link](https://evil.example) ![img](https://evil.example/x.png) <img src=x onerror=alert(1)> ' +
  '<script>alert(1)</script> @octocat @acme/security https://evil.example www.evil.example mallory@evil.example ' +
  '| cell | break | `` closes `` ``` fence &amp; &#64;x \\';
const LINE_STARTS = ['# heading', '- item', '1. item', '> quote', '---', '===', '<div>', '    code'];

/** Tags that markup from outside would produce. */
const LIVE = /<(?:em|strong|del|s|a|img|script|h[1-6]|ul|ol|li|blockquote|hr|div|iframe)\b/i;

/** Every `@` in rendered HTML that stands outside <code>, which GitHub would read as a mention. */
function mentionsOutsideCode(html: string): string[] {
  const text = html.replace(/<code>[\s\S]*?<\/code>/g, '').replace(/<[^>]+>/g, ' ');
  return [...text.matchAll(/(^|[^A-Za-z0-9_])@[A-Za-z0-9]/g)].map((m) => m[0]);
}

describe('the markdown escaper', () => {
  it('makes every attack text, in a paragraph, at a line start and in a table cell', () => {
    for (const text of [ATTACK, ...LINE_STARTS.map((start) => `${start} ${ATTACK}`)]) {
      const paragraph = renderer.render(mdText(text).markdown);
      expect(paragraph, text).not.toMatch(LIVE);
      expect(paragraph.startsWith('<p>'), paragraph).toBe(true);
      expect(mentionsOutsideCode(paragraph)).toEqual([]);
      const table = renderer.render(renderMarkdownTable(['a', 'b', 'c'], [[text, mdCode(text), 'end']]));
      expect(table).not.toMatch(LIVE);
      expect(table.match(/<td>/g)).toHaveLength(3);
      expect(mentionsOutsideCode(table)).toEqual([]);
    }
  });

  it(
    'a code span holds any run of backticks, and a fence any fence',
    () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[`~a |*@<>\n-]{0,30}$/), (text) => {
          const span = renderer.render(md`x ${mdCode(text)} y`.markdown);
          expect(span.match(/<code>/g) ?? []).toHaveLength(1);
          expect(span).not.toMatch(LIVE);
          const fence = renderer.render(`${mdFence(text).markdown}\n\nafter *this*`);
          expect(fence.match(/<pre>/g) ?? []).toHaveLength(1);
          expect(fence).toContain('<em>this</em>');
        }),
        { numRuns: fuzzRuns(0.3) },
      );
    },
    fuzzTimeout(5),
  );

  it('an @ inside a word or a protocol-relative address links nothing, however a linkifier reads it', () => {
    // Found by the property below: markdown-it's linkify reads `a@1.|` in a cell as an e-mail,
    // and `//b.c` as a link.
    for (const text of ['a@1.|', 'a@b', 'a@1.a|', 'x@y.z|w', 'team@ops', 'a@@b.c', '//b.c', '(//evil.example/x)']) {
      const html = renderer.render(renderMarkdownTable(['h'], [[text]]));
      expect(html, text).not.toMatch(LIVE);
      expect(html.match(/<td>/g) ?? [], text).toHaveLength(1);
      expect(mentionsOutsideCode(html), text).toEqual([]);
      expect(renderer.render(mdText(text).markdown), text).not.toMatch(LIVE);
    }
  });

  it(
    'arbitrary text stays text: no live markup, and the same number of cells',
    () => {
      const pieces = fc.constantFrom(
        '*',
        '_',
        '[',
        ']',
        '(',
        ')',
        '!',
        '<',
        '>',
        '&',
        '#',
        '`',
        '~',
        '|',
        '@',
        'a',
        ' ',
        '-',
        '1.',
        '\\',
        'http://x.y',
        '/',
        'b.c',
        '\n',
        '\u202e',
      );
      fc.assert(
        fc.property(fc.array(pieces, { maxLength: 25 }), (parts) => {
          const text = parts.join('');
          const html = renderer.render(renderMarkdownTable(['h'], [[text]]));
          expect(html, text).not.toMatch(LIVE);
          expect(html.match(/<td>/g) ?? [], text).toHaveLength(1);
          expect(mentionsOutsideCode(html)).toEqual([]);
        }),
        { numRuns: fuzzRuns(0.5) },
      );
    },
    fuzzTimeout(5),
  );
});

describe('every --format markdown of the built binary, over a hostile manifest', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let folder: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    folder = await copyExample('support-triage', dir);
    const path = join(folder, 'rollout.json');
    await writeFile(join(folder, 'base.json'), readFileSync(path));
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    manifest.agent.name = ATTACK;
    manifest.agent.owner = '@octocat';
    manifest.agent.description = `# ${ATTACK}`;
    manifest.stages[0].description = `- ${ATTACK}`;
    manifest.state.paused = {
      reason: `<b>org</b> ${ATTACK}`,
      by: '@mallory',
      at: '2026-12-01T09:00:00Z',
    };
    manifest.inventory.credentials[0].description = ATTACK;
    manifest.inventory.tools[0].description = ATTACK;
    manifest.rollback.steps[0].description = ATTACK;
    await writeFile(path, JSON.stringify(manifest, null, 2));
  });
  afterAll(async () => {
    await cleanup();
  });

  const commands: [string, string[]][] = [
    ['diff', ['diff', 'base.json', 'rollout.json', '--format', 'markdown']],
    ['plan', ['plan', '--format', 'markdown']],
    ['inventory --check', ['inventory', '--check', '--format', 'markdown']],
    ['drill --dry-run', ['drill', '--dry-run', '--format', 'markdown']],
  ];

  it.each(commands)('%s --format markdown renders no markup from the manifest', async (name, args) => {
    // diff through the built binary, the rest in-process: the markdown is the same either way.
    const result = await (name === 'diff' ? runCli : runInProcess)(args, {
      cwd: folder,
    });
    expect(result.stderr).not.toMatch(/This is a bug/);
    expect(result.stdout.length, result.stderr).toBeGreaterThan(0);
    const html = renderer.render(result.stdout);
    expect(html).not.toMatch(/<(?:em|strong|del|a|img|script|iframe)\b[^>]*>(?:[^<]*)(?:em|strong|link|img|alert|del)/i);
    expect(html).not.toMatch(/<img|<script|<a |<del>|<b>org/);
    expect(html).not.toContain('<em>em</em>');
    expect(html).not.toContain('<strong>strong</strong>');
    expect(mentionsOutsideCode(html)).toEqual([]);
    // Every table row has as many cells as its header.
    for (const table of html.split('<table>').slice(1)) {
      const head = (table.split('</thead>')[0] ?? '').match(/<th[ >]/g)?.length ?? 0;
      for (const row of (table.split('<tbody>')[1] ?? '').split('</tr>').filter((r) => r.includes('<td'))) {
        expect(row.match(/<td[ >]/g)?.length, row).toBe(head);
      }
    }
  });
});
