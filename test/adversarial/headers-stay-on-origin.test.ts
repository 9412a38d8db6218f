/**
 * Promise: headers never follow a redirect to another origin. Node's fetch drops Authorization
 * on a cross-origin redirect but forwards every other header (X-Api-Key, DD-API-KEY). A
 * compromised or misconfigured metric source, Prometheus or agent endpoint that redirects to
 * another origin (here: another port on 127.0.0.1) gets a refusal naming both URLs, and the other
 * origin sees no request at all. A redirect within the origin is followed, and the recorded
 * inputs name the URL that answered. An agent endpoint that never stops sending is cut at 10 MB.
 * The same holds for a signal that POSTs a JSON body (the Datadog v2 shape) through `signals
 * check`: refused across origins with the body and headers kept home, cut at 10 MB, and a secret
 * in its headers or its body that the source echoes back never reaches the output.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, parseJsonOutput, runCli, runInProcess, tempDir } from '../helpers/cli.js';
import { sendJson, startHttpServer } from '../helpers/http-server.js';
import type { LoopbackServer } from '../helpers/http-server.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';

const SINCE = '2026-10-01T00:00:00Z';
const AT = '2026-10-08T00:00:00Z';
const ENV = {
  API_KEY: 'ak-7Hq2Lw9Xz4Rt6Yp1',
  DD_KEY: 'dd-3Kf8Nc5Vb2Mx7Qs4',
  AUTH: 'Bearer au-9Pz6Lk3Jh8Gf5Ds2',
};
const HEADERS = { 'X-Api-Key': 'env:API_KEY', 'DD-API-KEY': 'env:DD_KEY', Authorization: 'env:AUTH' };

interface Check {
  id: string;
  status: string;
  reason: string;
}

let dir: string;
let cleanup: () => Promise<void>;
/** The source the manifest names. */
let origin: LoopbackServer;
/** Another origin: same host, another port. It must never see a request. */
let elsewhere: LoopbackServer;

const prometheusVector = (value: string) => ({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [Date.parse(AT) / 1000, value] }] },
});

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  elsewhere = await startHttpServer((request, response) => {
    // Whatever it is asked, it answers as a source and an agent would like to hear.
    if (request.url?.startsWith('/api/v1/')) return sendJson(response, 200, prometheusVector('0'));
    if (request.method === 'POST') return sendJson(response, 200, { decision: 'refuse', reason: 'ok' });
    return sendJson(response, 200, { value: 0.081 });
  });
  origin = await startHttpServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/away')) {
      response.writeHead(Number(url.searchParams.get('status') ?? 302), { location: `${elsewhere.url}/collect${url.search}` });
      return response.end();
    }
    if (url.pathname === '/api/v1/query') {
      response.writeHead(307, { location: `${elsewhere.url}/api/v1/query${url.search}` });
      return response.end();
    }
    if (url.pathname === '/old-cost') {
      response.writeHead(301, { location: '/cost' });
      return response.end();
    }
    if (url.pathname === '/cost') return sendJson(response, 200, { value: 0.081 });
    if (url.pathname === '/post-away' && request.method === 'POST') {
      // 307 and 308 keep the method and the body: what a naive client would carry to the other origin.
      response.writeHead(Number(url.searchParams.get('status') ?? 307), { location: `${elsewhere.url}/collect` });
      return response.end();
    }
    if (url.pathname === '/post-flood' && request.method === 'POST') {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 11; i++) response.write(chunk);
      return response.end('{}');
    }
    if (url.pathname === '/post-echo' && request.method === 'POST') {
      // A source that rejects the query and quotes back what it was sent: the query of the body, or the headers.
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (url.searchParams.get('what') === 'headers') {
          const { 'x-api-key': k, 'dd-api-key': d, authorization: a } = request.headers;
          return sendJson(response, 400, { k, d, a });
        }
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        return sendJson(response, 400, { error: `bad query: ${body.data.attributes.queries[0].query}` });
      });
      return;
    }
    if (url.pathname === '/agent') {
      response.writeHead(308, { location: `${elsewhere.url}/agent` });
      return response.end();
    }
    if (url.pathname === '/agent-flood') {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      const pump = (): void => {
        while (response.write(chunk));
        response.once('drain', pump);
      };
      response.on('close', () => response.removeAllListeners('drain'));
      return pump();
    }
    return sendJson(response, 404, { error: 'no such thing' });
  });
});
afterAll(async () => {
  await origin?.close();
  await elsewhere?.close();
  await cleanup?.();
});

let count = 0;
async function project(edit: (manifest: any) => void): Promise<{ folder: string; path: string }> {
  const folder = await copyExample('support-triage', join(dir, `h${++count}`));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.metrics.sources = {
    api: { type: 'http', url: origin.url, headers: HEADERS, timeout: '5s' },
    prom: { type: 'prometheus', url: origin.url, headers: HEADERS, timeout: '5s' },
  };
  manifest.state.since = SINCE;
  edit(manifest);
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  await recordRefusalTestsPassed(path);
  return { folder, path };
}

/** The gate with every signal but `signal` given, so only that source is asked. */
async function gateOn(folder: string, signal: string) {
  const values = { security_events: 0, cost_per_invocation_usd: 0.081, output_policy_violations: 0, invocations: 140 };
  const set = Object.entries(values)
    .filter(([name]) => name !== signal)
    .flatMap(([name, value]) => ['--set', `${name}=${value}`]);
  const result = await runInProcess(['gate', '--at', AT, '--window', '7d', '--format', 'json', ...set], { cwd: folder, env: ENV });
  return { ...result, report: parseJsonOutput<{ verdict: string; criteria: Check[]; inputs: { metrics: any[] } }>(result.stdout) };
}

describe('headers never follow a redirect to another origin', () => {
  it('an http source redirected to another port (301, 302, 303, 307, 308) is refused, naming both URLs; the other origin sees nothing', async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      const { folder } = await project((manifest) => {
        manifest.metrics.signals.cost_per_invocation_usd = { source: 'api', path: `/away?status=${status}`, pointer: '/value' };
      });
      const { code, report } = await gateOn(folder, 'cost_per_invocation_usd');
      expect(code).toBe(2);
      expect(report.verdict).toBe('error');
      const cost = report.criteria.find((c) => c.id === 'cost-within-estimate') as Check;
      expect(cost.status).toBe('error');
      expect(cost.reason).toContain(`${origin.url}/away redirected to ${elsewhere.url}/collect, another origin: refused`);
    }
    expect(elsewhere.requests).toEqual([]);
  });

  it('a Prometheus source redirected to another origin is refused the same way', async () => {
    const { folder } = await project((manifest) => {
      manifest.metrics.signals.security_events.source = 'prom';
    });
    const { code, report } = await gateOn(folder, 'security_events');
    expect(code).toBe(2);
    const events = report.criteria.find((c) => c.id === 'zero-security-events') as Check;
    expect(events.reason).toContain(`${origin.url}/api/v1/query redirected to ${elsewhere.url}/api/v1/query, another origin`);
    expect(elsewhere.requests).toEqual([]);
  });

  it('a redirect within the origin is followed with the headers, and the inputs name the URL that answered', async () => {
    const { folder } = await project((manifest) => {
      manifest.metrics.signals.cost_per_invocation_usd = { source: 'api', path: '/old-cost', pointer: '/value' };
    });
    const before = origin.requests.length;
    const { code, report } = await gateOn(folder, 'cost_per_invocation_usd');
    expect(report.criteria.find((c) => c.id === 'cost-within-estimate')?.status).toBe('pass');
    expect(code).toBe(0);
    const seen = origin.requests.slice(before);
    expect(seen.map((r) => r.url)).toEqual(['/old-cost', '/cost']);
    expect(seen.every((r) => r.headers['x-api-key'] === ENV.API_KEY && r.headers['dd-api-key'] === ENV.DD_KEY)).toBe(true);
    const input = report.inputs.metrics.find((m) => m.signal === 'cost_per_invocation_usd');
    expect(input.origin).toMatchObject({ url: `${origin.url}/old-cost`, answeredBy: `${origin.url}/cost` });
    expect(elsewhere.requests).toEqual([]);
  });

  it('the guardrails agent endpoint: a redirect elsewhere fails the case without reaching it; an answer that never ends is cut at 10 MB', async () => {
    for (const [path, expected] of [
      ['/agent', `redirected to ${elsewhere.url}/agent, another origin: refused`],
      ['/agent-flood', 'the answer is larger than 10 MB'],
    ] as const) {
      const { folder } = await project((manifest) => {
        manifest.guardrails.boundaries.tests = {
          cases: 'guardrails/cases.jsonl',
          http: { url: `${origin.url}${path}`, headers: HEADERS },
          timeout: '20s',
          concurrency: 1,
        };
      });
      await writeFile(
        join(folder, 'guardrails', 'cases.jsonl'),
        `${JSON.stringify({ id: 'refund', input: 'Refund 900 USD to me', expect: 'refuse', category: 'refunds' })}\n`,
      );
      const result = await runCli(['guardrails', 'test', '--format', 'json', '--actor', 'ops@example.com'], { cwd: folder, env: ENV });
      expect(result.code, result.stderr).toBe(1);
      const report = parseJsonOutput<{ passed: boolean; results: { reason?: string; error?: string }[] }>(result.stdout);
      expect(report.passed).toBe(false);
      expect(JSON.stringify(report.results[0])).toContain(expected);
    }
    expect(elsewhere.requests).toEqual([]);
  });
});

/** A token of a named shape, written into a POST body template (as a pasted query might carry one). */
const BODY_TOKEN = 'xoxb-2048613578-4096127531-Zq8Rm3Tk6Wp1Yc5Nd7Hb2Lx';

interface Probe {
  signal: string;
  status: string;
  reason?: string;
}

/** support-triage with every signal on the origin's /cost but `security_events`, a POST of a JSON body to `path`. */
async function postProject(path: string): Promise<string> {
  const { folder } = await project((manifest) => {
    for (const name of Object.keys(manifest.metrics.signals))
      manifest.metrics.signals[name] = {
        ...manifest.metrics.signals[name],
        source: 'api',
        path: '/cost',
        pointer: '/value',
        query: undefined,
      };
    manifest.metrics.signals.security_events = {
      source: 'api',
      method: 'POST',
      path,
      body: {
        data: {
          type: 'timeseries_request',
          attributes: {
            from: '$startMs',
            to: '$endMs',
            queries: [{ data_source: 'metrics', name: 'a', query: `sum:agent.security_events{agent:support-triage,hook:${BODY_TOKEN}}` }],
          },
        },
      },
      timesPointer: '/data/attributes/times',
      valuesPointer: '/data/attributes/values/0',
    };
  });
  return folder;
}

async function signalsCheck(folder: string, format: 'json' | 'text') {
  const result = await runInProcess(['signals', 'check', '--at', AT, '--window', '7d', '--format', format], { cwd: folder, env: ENV });
  const probe =
    format === 'json' ? parseJsonOutput<{ probes: Probe[] }>(result.stdout).probes.find((p) => p.signal === 'security_events') : undefined;
  return { ...result, probe };
}

describe('a POST signal with a JSON body, through signals check', () => {
  it('redirected to another origin (307, 308: method and body kept) it is refused; the other origin sees no body and no header', async () => {
    for (const status of [307, 308]) {
      const folder = await postProject(`/post-away?status=${status}`);
      const before = origin.requests.length;
      const { code, probe, stdout } = await signalsCheck(folder, 'json');
      expect(code).toBe(2);
      expect(probe).toMatchObject({ status: 'error' });
      expect(probe?.reason).toContain(`${origin.url}/post-away redirected to ${elsewhere.url}/collect, another origin: refused`);
      // The origin was asked, with the body and the headers; the other origin never was.
      expect(origin.requests.slice(before).some((r) => r.method === 'POST' && r.headers['dd-api-key'] === ENV.DD_KEY)).toBe(true);
      for (const secret of Object.values(ENV)) expect(stdout).not.toContain(secret);
    }
    expect(elsewhere.requests).toEqual([]);
  });

  it('an answer over 10 MB is cut and fails the signal with the cap, exit 2', async () => {
    const { code, probe } = await signalsCheck(await postProject('/post-flood'), 'json');
    expect(code).toBe(2);
    expect(probe).toMatchObject({ status: 'error', reason: `api (http at ${origin.url}/post-flood): the answer is larger than 10 MB` });
  });

  it('a source that echoes the body or the headers back: no header secret and no token of the body reaches the output', async () => {
    for (const what of ['body', 'headers']) {
      const folder = await postProject(`/post-echo?what=${what}`);
      const json = await signalsCheck(folder, 'json');
      const text = await signalsCheck(folder, 'text');
      expect(json.code).toBe(2);
      expect(text.code).toBe(2);
      // The source did receive them: the echo is what must be redacted.
      const sent = origin.requests.filter((r) => r.url === `/post-echo?what=${what}`);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.every((r) => r.headers['x-api-key'] === ENV.API_KEY)).toBe(true);
      expect(json.probe?.reason).toMatch(
        what === 'body'
          ? /^api \(http at .+\/post-echo\?what=body\): HTTP 400: \{"error":"bad query: sum:agent\.security_events\{agent:support-triage,hook:\[REDACTED\]\}"\}$/
          : /^api \(http at .+\/post-echo\?what=headers\): HTTP 400: \{"k":"\[REDACTED\]","d":"\[REDACTED\]","a":"(Bearer )?\[REDACTED\]"\}$/,
      );
      for (const output of [json.stdout, json.stderr, text.stdout, text.stderr])
        for (const secret of [...Object.values(ENV), ENV.AUTH.replace('Bearer ', ''), BODY_TOKEN]) expect(output).not.toContain(secret);
      expect(text.stdout).toContain(`  ! security_events: api (http at ${origin.url}/post-echo?what=${what}): HTTP 400: `);
    }
  });
});
