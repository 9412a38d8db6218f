import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../src/render/html.js';
import { copyExample, runCli, tempDir } from '../helpers/cli.js';
import { fuzzRuns, fuzzTimeout } from '../helpers/run-counts.js';

/**
 * Promise 14 (docs/security.md): HTML output is inert. The board (`status --format html`) holds
 * a manifest's names, descriptions and owners and the trail's actors and reasons; none of it may
 * create an element, an attribute or a script. Loaded in a real browser (Debian's chromium,
 * headless, from a file): the page renders, the agents' names are in its DOM, and the injected
 * markup created nothing.
 */

const CHROMIUM = '/usr/bin/chromium';
const run = promisify(execFile);

const SCRIPT = `<script>document.body.setAttribute('data-pwned', 'script')</script>`;
const IMG = `<img src=x onerror="document.body.setAttribute('data-pwned', 'img')">`;
const ATTRIBUTE = `" onmouseover="alert(1)" x="`;

let dir: string;
let cleanup: () => Promise<void>;
let dom: string;
let page: string;
let png: Buffer;

/** The PNG's pixels, decoded (8-bit RGB or RGBA, no interlace: what chromium writes), as one colour key per pixel. */
function pngColours(data: Buffer): Set<string> {
  expect(data.subarray(1, 4).toString('latin1')).toBe('PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.subarray(offset + 4, offset + 8).toString('latin1');
    const body = data.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect(body[8]).toBe(8);
      channels = body[9] === 6 ? 4 : body[9] === 2 ? 3 : 0;
      expect(channels).toBeGreaterThan(0);
      expect(body[12]).toBe(0);
    }
    if (type === 'IDAT') idat.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0;
      const left = x >= channels ? (pixels[y * stride + x - channels] ?? 0) : 0;
      const up = y > 0 ? (pixels[(y - 1) * stride + x] ?? 0) : 0;
      const upLeft = y > 0 && x >= channels ? (pixels[(y - 1) * stride + x - channels] ?? 0) : 0;
      const paeth = (): number => {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      };
      const predictor = [0, left, up, (left + up) >> 1, paeth()][filter ?? 0] ?? 0;
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  const colours = new Set<string>();
  for (let i = 0; i < pixels.length; i += channels * 7) colours.add(pixels.subarray(i, i + 3).toString('hex'));
  return colours;
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-board-'));
  const agents = join(dir, 'agents');
  await copyExample('finance-ledger', agents);
  const support = await copyExample('support-triage', agents);
  const path = join(support, 'rollout.json');
  const doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, any>;
  doc.agent.name = `Support ${SCRIPT} triage`;
  doc.agent.description = `Reads tickets ${IMG} and ${ATTRIBUTE}`;
  doc.agent.owner = `team-${IMG}`;
  await writeFile(path, JSON.stringify(doc, null, 2));
  const env = { AGENT_ROLLOUT_ACTOR: `mallory ${IMG}`, AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config') };
  const paused = await runCli(['pause', '-m', 'agents/support-triage/rollout.json', '--reason', `INC ${SCRIPT}`], { cwd: dir, env });
  expect(paused.code).toBe(0);
  const board = await runCli(['status', 'agents/*/rollout.json', '--format', 'html'], { cwd: dir, env });
  expect(board.stderr).toBe('');
  expect(board.code).toBe(0);
  page = board.stdout;
  const file = join(dir, 'board.html');
  await writeFile(file, page);
  // One browser start for the DOM and the screenshot: a start costs seconds.
  const shot = join(dir, 'board.png');
  const { stdout } = await run(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-extensions',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      `--user-data-dir=${join(dir, 'profile')}`,
      '--window-size=1280,1000',
      `--screenshot=${shot}`,
      '--dump-dom',
      `file://${file}`,
    ],
    { timeout: 60_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'disabled:' } },
  );
  dom = stdout;
  png = await readFile(shot);
}, 90_000);
afterAll(async () => cleanup());

describe('the board in a real browser', () => {
  it('renders: the agents are in the DOM, and the screenshot is not blank', () => {
    expect(dom).toContain('<h1>Rollout board</h1>');
    expect(dom).toContain('Invoice reconciliation and ledger agent');
    expect(dom).toContain('finance-ledger');
    expect(dom).toContain('support-triage');
    expect(png.length).toBeGreaterThan(20_000);
    // Text, cards in three colours and the stage tracks: far more than a blank page's one colour.
    expect(pngColours(png).size).toBeGreaterThan(50);
  });

  it('the injected markup created no element, ran nothing, and shows as text', () => {
    // Every tag of the DOM (a text node's `<` and `>` are serialized as entities, so a tag runs to the first `>`).
    const tags = dom.match(/<[a-z][^>]*>/gi) ?? [];
    expect(tags.length).toBeGreaterThan(50);
    expect(tags.filter((tag) => /data-pwned|onerror|onmouseover|^<(script|img)/i.test(tag))).toEqual([]);
    // The browser serializes the text back with its own entities: the characters are there, as text.
    expect(dom).toContain("Support &lt;script&gt;document.body.setAttribute('data-pwned', 'script')&lt;/script&gt; triage");
    expect(dom).toContain("Reads tickets &lt;img src=x onerror=\"document.body.setAttribute('data-pwned', 'img')\"&gt;");
    expect(dom).toContain('by mallory &lt;img');
  });

  it('is self-contained: no script, and nothing it would fetch', () => {
    // The page's own markup: its text nodes (where the escaped manifest text is) left out.
    const ours = page.replace(/>[^<]*</g, '><');
    expect(ours).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(ours).not.toMatch(/\s(src|href)=/i);
    expect(page).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"/);
  });
});

/** What HTML, attributes and entities are made of, and what a terminal would act on. */
const HTML_PIECES = [
  '<',
  '>',
  '"',
  "'",
  '`',
  '&',
  '&amp;',
  '&#60;',
  '=',
  '/',
  ' ',
  'a',
  'script',
  'onerror',
  '\u202e',
  '\u001b',
  '\n',
  'é',
  '\u{1F600}',
];

describe('the HTML escaper', () => {
  it(
    'any string interpolated into an element or a quoted attribute is text',
    () => {
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom(...HTML_PIECES), { maxLength: 40 }).map((pieces) => pieces.join('')),
          (text) => {
            const escaped = escapeHtml(text);
            expect(html`<p title="${text}">${text}</p>`.html).toBe(`<p title="${escaped}">${escaped}</p>`);
            expect(escaped).not.toMatch(/[<>"'`]|&(?!(amp|lt|gt|quot|#39|#96);)/);
          },
        ),
        { numRuns: fuzzRuns(0.3) },
      );
    },
    fuzzTimeout(5),
  );

  it('controls and bidirectional characters are shown escaped, as in the terminal', () => {
    expect(escapeHtml('a\u202eb\u001b[2Jc\n')).toBe('a\\u202eb\\u001b[2Jc\\n');
    expect(escapeHtml(`<a href='x'>&amp;</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;amp;&lt;/a&gt;');
  });
});
