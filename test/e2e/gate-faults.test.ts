/**
 * `gate` against metric servers that misbehave, each a real socket on 127.0.0.1, with the program
 * run in-process (on the binary where its memory is measured): a connection cut in the middle of
 * the body, an HTML page (a proxy's login page) where JSON was expected, a body that never ends, a Prometheus answer of 100,000 series, and a host
 * that does not resolve. HTTP 4xx/5xx, a server that never answers, a finite body over 10 MB and
 * commands that hang are covered by gate-sources.test.ts.
 *
 * Every manifest here is the support-triage example with two sources: `good` (http) answers the
 * sample count and the other criteria, `bad` (http or prometheus) answers only the cost per
 * invocation. The first test shows the setup is a go when `bad` behaves, so in every other test
 * the fault, and only the fault, decides the verdict.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, parseJsonOutput, runCli, runInProcess, tempDir } from '../helpers/cli.js';
import { sendJson, startHttpServer } from '../helpers/http-server.js';
import type { LoopbackServer } from '../helpers/http-server.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';

interface Check {
  id: string;
  status: string;
  observed: unknown;
  reason: string;
}
interface GateJson {
  verdict: string;
  exitCode: number;
  criteria: Check[];
  prerequisites: Check[];
}

const SINCE = '2026-10-01T00:00:00Z';
const AT = '2026-10-08T00:00:00Z';
const MB = 1024 * 1024;
/** The cap on an answer (src/metrics/read-input.ts). */
const CAP = 10 * MB;

type SourceType = 'http' | 'prometheus';

/** A Prometheus API answer with one sample per series, `count` series. */
function vectorAnswer(count: number, value = '0.081'): string {
  const series = Array.from(
    { length: count },
    (_, i) => `{"metric":{"pod":"p${String(i).padStart(6, '0')}"},"value":[1791417600,"${value}"]}`,
  );
  return `{"status":"success","data":{"resultType":"vector","result":[${series.join(',')}]}}`;
}
function matrixAnswer(count: number): string {
  const series = Array.from(
    { length: count },
    (_, i) => `{"metric":{"pod":"p${String(i).padStart(6, '0')}"},"values":[[1791417600,"0.081"]]}`,
  );
  return `{"status":"success","data":{"resultType":"matrix","result":[${series.join(',')}]}}`;
}
const MANY = 100_000;
const manyVector = vectorAnswer(MANY);
const manyMatrix = matrixAnswer(MANY);

const LOGIN_PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in - Corp Access Proxy</title></head>
<body><form method="post" action="/login"><input name="user"><input name="password" type="password"><button>Sign in</button></form></body>
</html>
`;

/** Announces 1000 bytes, sends the first few, then cuts the connection. */
function cutMidBody(response: ServerResponse, partial: string): void {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
  response.write(partial, () => response.socket?.destroy());
}

/** What an endless answer did: how much it wrote, whether the client hung up before the end. */
interface Stream {
  written: number;
  closedByClient: boolean;
  writtenAtClose: number;
}
const streams: Promise<Stream>[] = [];
/** The server stops on its own after this much, so a regression cannot eat the machine's memory. */
const SAFETY_LIMIT = 512 * MB;

/**
 * A chunked answer that never ends: it writes while the client reads (honouring back-pressure)
 * and stops as soon as the connection closes.
 */
function endless(response: ServerResponse, opening: string): void {
  const chunk = Buffer.alloc(64 * 1024, '0,');
  const stream: Stream = { written: 0, closedByClient: false, writtenAtClose: 0 };
  streams.push(
    new Promise((resolve) => {
      response.on('close', () => {
        stream.closedByClient = !response.writableFinished;
        stream.writtenAtClose = stream.written;
        resolve(stream);
      });
    }),
  );
  response.writeHead(200, { 'content-type': 'application/json' });
  response.write(opening);
  const pump = (): void => {
    while (!response.destroyed && stream.written < SAFETY_LIMIT) {
      stream.written += chunk.length;
      if (!response.write(chunk)) {
        response.once('drain', pump);
        return;
      }
    }
    if (!response.destroyed) response.end('0]}');
  };
  pump();
}

let dir: string;
let cleanup: () => Promise<void>;
let server: LoopbackServer;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  server = await startHttpServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const [, kind, mode, ...rest] = url.pathname.split('/');
    // The good source: the sample count, and zero for the two event counts.
    if (kind === 'good') return sendJson(response, 200, { value: mode === 'invocations' ? 140 : 0 });
    // A login page, where a proxy in front of the metrics server redirects to.
    if (kind === 'login') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return response.end(LOGIN_PAGE);
    }
    // The bad source as an http source: /http/<mode>; as a prometheus source: /prom/<mode>/api/v1/query[_range].
    const range = rest.join('/') === 'api/v1/query_range';
    if (kind === 'prom' && !['api/v1/query', 'api/v1/query_range'].includes(rest.join('/')))
      return sendJson(response, 404, { status: 'error', error: 'not found' });
    const prom = kind === 'prom';
    switch (mode) {
      case 'ok':
        return prom ? sendJson(response, 200, JSON.parse(vectorAnswer(1))) : sendJson(response, 200, { value: 0.081 });
      case 'cut':
        return cutMidBody(response, prom ? '{"status":"success","data":{"resultType":"vector","res' : '{"value": 0.0');
      case 'html':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return response.end(LOGIN_PAGE);
      case 'redirect':
        response.writeHead(302, { location: '/login?next=%2Fapi%2Fv1%2Fquery' });
        return response.end();
      case 'endless':
        return endless(response, prom ? '{"status":"success","data":{"resultType":"vector","result":[' : '{"value": 0.081, "padding": [');
      case 'many': {
        const body = range ? manyMatrix : manyVector;
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        return response.end(body);
      }
      default:
        return sendJson(response, 404, { error: 'no such mode' });
    }
  });
});
afterAll(async () => {
  await server?.close();
  await cleanup?.();
});

/** The URL of the bad source for a mode, as the manifest says it. */
function badUrl(type: SourceType, mode: string): string {
  return type === 'prometheus' ? `${server.url}/prom/${mode}` : `${server.url}/http`;
}

let count = 0;
/**
 * A copy of the support-triage example in its pilot since SINCE, a passing refusal test run
 * recorded, every signal from `good` except the cost per invocation, which `bad` answers.
 */
async function project(type: SourceType, mode: string, options: { url?: string; edit?: (manifest: any) => void } = {}): Promise<string> {
  const folder = await copyExample('support-triage', join(dir, `p${++count}-${type}-${mode}`));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.metrics.sources = {
    good: { type: 'http', url: server.url, timeout: '10s' },
    bad: { type, url: options.url ?? badUrl(type, mode), timeout: '30s' },
  };
  for (const signal of Object.values(manifest.metrics.signals) as any[]) {
    delete signal.query;
    signal.source = 'good';
    signal.path = '/good/zero';
    signal.pointer = '/value';
  }
  manifest.metrics.signals.invocations.path = '/good/invocations';
  manifest.metrics.signals.cost_per_invocation_usd =
    type === 'prometheus'
      ? { source: 'bad', query: 'sum(agent_cost_usd_per_invocation{agent="support-triage"})', unit: 'USD' }
      : { source: 'bad', path: `/${mode}`, pointer: '/value', unit: 'USD' };
  manifest.state.since = SINCE;
  options.edit?.(manifest);
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  await recordRefusalTestsPassed(path);
  return folder;
}

async function gate(folder: string, env: Record<string, string> = {}, run = runInProcess) {
  const result = await run(['gate', '--at', AT, '--format', 'json'], { cwd: folder, env });
  return { ...result, report: parseJsonOutput<GateJson>(result.stdout) };
}

const check = (report: GateJson, id: string): Check => {
  const found = [...report.criteria, ...report.prerequisites].find((c) => c.id === id);
  if (!found) throw new Error(`no ${id}`);
  return found;
};

/** The ids of the criteria and prerequisites that did not pass. */
const notPassing = (report: GateJson): string[] =>
  [...report.criteria, ...report.prerequisites].filter((c) => c.status !== 'pass').map((c) => c.id);

/** How the bad source is named at the start of a reason. */
function sourceLabel(type: SourceType, mode: string): string {
  return type === 'prometheus' ? `bad (prometheus at ${server.url}/prom/${mode})` : `bad (http at ${server.url}/http/${mode})`;
}

const TYPES: SourceType[] = ['http', 'prometheus'];

describe('gate with a metric server that misbehaves', () => {
  it.each(TYPES)('go when the %s source behaves: the fault, and only the fault, decides every verdict below', async (type) => {
    const { code, report, stderr } = await gate(await project(type, 'ok'));
    expect(stderr).toBe('');
    expect(notPassing(report)).toEqual([]);
    expect(check(report, 'cost-within-estimate').observed).toBe(0.081);
    expect(report.verdict).toBe('go');
    expect(code).toBe(0);
  });

  it.each(TYPES)('error: a %s server that cuts the connection in the middle of the body', async (type) => {
    const { code, report } = await gate(await project(type, 'cut'));
    // How many of the sent bytes the client read before the cut depends on the kernel; the rest is exact.
    const { reason } = check(report, 'cost-within-estimate');
    expect(check(report, 'cost-within-estimate').status).toBe('error');
    expect(reason.startsWith(`${sourceLabel(type, 'cut')}: the connection was cut after `)).toBe(true);
    expect(reason).toMatch(/cut after \d+ of the 1000 bytes announced; the answer is incomplete$/);
    expect(notPassing(report)).toEqual(['cost-within-estimate']);
    expect(report.verdict).toBe('error');
    expect(code).toBe(2);
  });

  it.each(TYPES)('error: a %s source that answers 200 with an HTML page (a proxy login page) says so', async (type) => {
    const { code, report } = await gate(await project(type, 'html'));
    const expected = type === 'prometheus' ? 'not the JSON of the Prometheus API' : 'not JSON';
    expect(check(report, 'cost-within-estimate')).toMatchObject({
      status: 'error',
      reason: `${sourceLabel(type, 'html')}: answered with an HTML page ("Sign in - Corp Access Proxy"), ${expected}; a login page or a proxy may be in the way: check the URL and the credentials`,
    });
    expect(notPassing(report)).toEqual(['cost-within-estimate']);
    expect(report.verdict).toBe('error');
    expect(code).toBe(2);
  });

  it('error: a redirect to a login page names where it led (without the query)', async () => {
    const { code, report } = await gate(await project('prometheus', 'redirect'));
    expect(check(report, 'cost-within-estimate')).toMatchObject({
      status: 'error',
      reason: `${sourceLabel('prometheus', 'redirect')}: answered with an HTML page ("Sign in - Corp Access Proxy") after a redirect to ${server.url}/login, not the JSON of the Prometheus API; a login page or a proxy may be in the way: check the URL and the credentials`,
    });
    expect(code).toBe(2);
  });

  it.each(TYPES)(
    'error: a %s answer that never ends is stopped at the 10 MB cap, in bounded memory, and the server stops writing',
    async (type) => {
      const { dir: scratch, cleanup: done } = await tempDir();
      try {
        // The binary, not an in-process run: the memory measured is the command's alone. The child
        // reports its own peak resident set size (kB on Linux) as it exits; the same gate against
        // a source that behaves is the baseline (it differs between Node versions).
        const preload = join(scratch, 'peak-rss.cjs');
        const peakFile = join(scratch, 'peak-rss');
        await writeFile(
          preload,
          `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(peakFile)}, String(process.resourceUsage().maxRSS)));\n`,
        );
        const measured = async (mode: string) => {
          const result = await gate(await project(type, mode), { NODE_OPTIONS: `--require=${preload}` }, runCli);
          return { ...result, peakMb: Number(await readFile(peakFile, 'utf8')) / 1024 };
        };
        const baseline = await measured('ok');
        expect(baseline.code).toBe(0);
        const before = streams.length;
        const { code, report, peakMb } = await measured('endless');

        // Holding the whole answer would take hundreds of MB more (the server goes on to 512 MB);
        // stopping at the cap costs the 10 MB read and the buffers around it.
        expect(baseline.peakMb).toBeGreaterThan(0);
        expect(peakMb - baseline.peakMb).toBeLessThan(150);

        // The client hung up: the server had sent more than the cap, stopped short of its own
        // limit, and wrote nothing after the connection closed.
        expect(streams.length).toBe(before + 1);
        const stream = await streams[before]!;
        expect(stream.closedByClient).toBe(true);
        expect(stream.written).toBeGreaterThan(CAP);
        expect(stream.written).toBeLessThan(SAFETY_LIMIT);
        expect(stream.written).toBe(stream.writtenAtClose);

        expect(check(report, 'cost-within-estimate')).toMatchObject({
          status: 'error',
          reason: `${sourceLabel(type, 'endless')}: the answer is larger than 10 MB`,
        });
        expect(notPassing(report)).toEqual(['cost-within-estimate']);
        expect(report.verdict).toBe('error');
        expect(code).toBe(2);
      } finally {
        await done();
      }
    },
  );

  it('error: a Prometheus query answering 100,000 series is never judged on one of them: instant and range queries name the count and say to aggregate', async () => {
    expect(Buffer.byteLength(manyVector)).toBeLessThan(CAP);
    expect(Buffer.byteLength(manyMatrix)).toBeLessThan(CAP);
    const folder = await project('prometheus', 'many', {
      edit: (m) => m.stages[0].exitCriteria.push({ id: 'cost-stable', signal: 'cost_per_invocation_usd', max: 0.1, for: '7d' }),
    });
    const { code, report } = await gate(folder);
    const advice =
      'a criterion is judged on one number, never on an arbitrary series: aggregate the query to one series, e.g. sum(...) or max(...) without "by"';
    expect(check(report, 'cost-within-estimate')).toMatchObject({
      status: 'error',
      observed: null,
      reason: `${sourceLabel('prometheus', 'many')}: the query returned 100000 series ({pod="p000000"}, {pod="p000001"}, ...); ${advice}`,
    });
    expect(check(report, 'cost-stable')).toMatchObject({
      status: 'error',
      observed: null,
      reason: `${sourceLabel('prometheus', 'many')}: the range query returned 100000 series ({pod="p000000"}, {pod="p000001"}, ...); ${advice}`,
    });
    expect(notPassing(report)).toEqual(['cost-within-estimate', 'cost-stable']);
    expect(report.verdict).toBe('error');
    expect(code).toBe(2);
  });

  it.each(TYPES)('error: a %s source whose host does not resolve names the host', async (type) => {
    const url = type === 'prometheus' ? 'http://metrics.invalid:9090' : 'http://metrics.invalid/api';
    const { code, report } = await gate(await project(type, 'dns', { url }));
    const label =
      type === 'prometheus' ? 'bad (prometheus at http://metrics.invalid:9090/)' : 'bad (http at http://metrics.invalid/api/dns)';
    const criterion = check(report, 'cost-within-estimate');
    expect(criterion.status).toBe('error');
    // NXDOMAIN, or a resolver that cannot be reached (EAI_AGAIN): either way the name did not resolve.
    expect(criterion.reason).toMatch(
      new RegExp(`^${label.replace(/[.()/?]/g, '\\$&')}: the host metrics\\.invalid could not be resolved \\(DNS: `),
    );
    expect(notPassing(report)).toEqual(['cost-within-estimate']);
    expect(report.verdict).toBe('error');
    expect(code).toBe(2);
  });
});
