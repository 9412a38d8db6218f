import { readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';
import { sendJson, startHttpServer } from '../helpers/http-server.js';
import type { LoopbackServer } from '../helpers/http-server.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';

/**
 * The recipes of docs/signals.md ("HTTP sources for real APIs") against local servers that answer
 * as the APIs document: Datadog's v1 query API (GET, seconds in, a pointlist in milliseconds
 * out), Datadog's v2 timeseries API (POST, milliseconds in, times and values as separate arrays)
 * and Langfuse's metrics API (GET with URL-encoded JSON in `query=`, counts written as strings).
 */

interface Check {
  id: string;
  status: string;
  observed: unknown;
  reason: string;
}
interface GateJson {
  verdict: string;
  criteria: Check[];
  prerequisites: Check[];
  inputs: { metrics: { signal: string; origin: { url?: string } }[] };
}

const DD_API_KEY = 'dd-api-3c1f9a7e52b04d18a6e0c2f4b9d7e1a3';
const DD_APP_KEY = 'dd-app-8e2d4b6a0c9f1e3d5b7a9c1e3f5d7b9a0c2e4f6a';
const LANGFUSE_AUTH = 'Basic cGstbGYtMTIzOnNrLWxmLTQ1Ng==';
const SINCE = '2026-10-01T00:00:00Z';
const AT = '2026-10-08T00:00:00Z';
const FROM_S = Date.parse(SINCE) / 1000;
const TO_S = Date.parse(AT) / 1000;

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** What each API was asked, for the assertions: the last request, and every Datadog v1 query and Langfuse query in order. */
const asked: {
  datadogV1?: URLSearchParams;
  datadogV2?: unknown;
  langfuse?: unknown;
  datadogV1Queries: string[];
  langfuseQueries: { dimensions?: { field: string }[] }[];
} = { datadogV1Queries: [], langfuseQueries: [] };

/** The two triggers the Datadog answers group by, and the two users Langfuse's do. */
const TRIGGERS = { 'ticket-created': 0.079, 'hourly-sweep': 0.09 };
const USERS = { 'alice@example.com': '90', 'bob@example.com': '50' };

let dir: string;
let cleanup: () => Promise<void>;
let server: LoopbackServer;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-http-apis-'));
  server = await startHttpServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname.startsWith('/api/v1/') || url.pathname.startsWith('/api/v2/')) {
        if (request.headers['dd-api-key'] !== DD_API_KEY || request.headers['dd-application-key'] !== DD_APP_KEY)
          return sendJson(response, 403, { errors: ['Forbidden'] });
      }
      switch (url.pathname) {
        case '/api/v1/query': {
          // https://docs.datadoghq.com/api/latest/metrics/#query-timeseries-points
          asked.datadogV1 = url.searchParams;
          const query = url.searchParams.get('query') ?? '';
          asked.datadogV1Queries.push(query);
          const from = Number(url.searchParams.get('from'));
          const to = Number(url.searchParams.get('to'));
          // One series for the whole scope; one per trigger only when the query groups by it, with the tag on each.
          const grouped = / by \{trigger\}/.test(query);
          const series = (last: number, trigger?: string) => ({
            metric: 'agent.cost.usd',
            display_name: 'agent.cost.usd',
            aggr: 'sum',
            scope: trigger ? `agent:support-triage,trigger:${trigger}` : 'agent:support-triage',
            tag_set: trigger ? [`trigger:${trigger}`] : [],
            expression: query,
            start: from * 1000,
            end: to * 1000,
            interval: 86400,
            length: 3,
            query_index: 0,
            unit: null,
            pointlist: [
              [(to - 3 * 86400) * 1000, 0.09],
              [(to - 2 * 86400) * 1000, 0.083],
              [(to - 86400) * 1000, last],
            ],
          });
          return sendJson(response, 200, {
            status: 'ok',
            res_type: 'time_series',
            query,
            from_date: from * 1000,
            to_date: to * 1000,
            group_by: grouped ? ['trigger'] : [],
            message: '',
            error: null,
            series: grouped ? Object.entries(TRIGGERS).map(([trigger, last]) => series(last, trigger)) : [series(0.081)],
          });
        }
        case '/api/v2/query/timeseries': {
          // https://docs.datadoghq.com/api/latest/metrics/#query-timeseries-data-across-multiple-products
          if (request.method !== 'POST') return sendJson(response, 405, { errors: ['Method Not Allowed'] });
          const body = JSON.parse(await bodyOf(request)) as {
            data: { attributes: { from: number; to: number; queries: { query: string }[] } };
          };
          asked.datadogV2 = body;
          const { to, queries } = body.data.attributes;
          // group_tags name the groups of a query grouped with "by {...}"; an ungrouped query has none.
          const groupedBy = queries[0]?.query.match(/ by \{(\w+)\}/)?.[1];
          return sendJson(response, 200, {
            data: {
              type: 'timeseries_response',
              attributes: {
                series: [{ group_tags: groupedBy ? [`${groupedBy}:ticket-created`] : [], query_index: 0, unit: null }],
                times: [to - 2 * 3_600_000, to - 3_600_000, to],
                values: [[0, 0, 0]],
              },
            },
          });
        }
        case '/api/public/metrics': {
          // https://langfuse.com/docs/metrics/features/metrics-api: counts come back as strings.
          if (request.headers.authorization !== LANGFUSE_AUTH) return sendJson(response, 401, { message: 'Unauthorized' });
          const query = JSON.parse(url.searchParams.get('query') ?? 'null') as {
            fromTimestamp: string;
            toTimestamp: string;
            dimensions?: { field: string }[];
          };
          asked.langfuse = query;
          asked.langfuseQueries.push(query);
          // A row per value of each dimension asked for, with that field; no dimension: one row, the total.
          if (query.dimensions?.some((d) => d.field === 'userId'))
            return sendJson(response, 200, {
              data: Object.entries(USERS).map(([userId, count]) => ({ userId, count_count: count })),
            });
          return sendJson(response, 200, { data: [{ count_count: '140' }] });
        }
        case '/violations':
          return sendJson(response, 200, { value: 0, text: 'zero', ok: true });
      }
      return sendJson(response, 404, { error: 'not found' });
    })();
  });
});
afterAll(async () => {
  await server?.close();
  await cleanup?.();
});

const langfuseQuery = (dimensions: { field: string }[]) =>
  JSON.stringify({
    view: 'traces',
    metrics: [{ measure: 'count', aggregation: 'count' }],
    dimensions,
    filters: [{ column: 'name', operator: '=', value: 'support-triage', type: 'string' }],
    fromTimestamp: '$start',
    toTimestamp: '$end',
  });
/** URL-encoded, but for the placeholders, which are encoded when they are replaced. */
const langfusePath = (dimensions: { field: string }[]) =>
  `/api/public/metrics?query=${encodeURIComponent(langfuseQuery(dimensions)).replace(/%24(start|end)/g, '$$$1')}`;
const datadogV1Path = (by: string) =>
  `/api/v1/query?from=$startEpoch&to=$endEpoch&query=${encodeURIComponent(`sum:agent.cost.usd{agent:support-triage}${by}.rollup(sum, 86400) / sum:agent.invocations{agent:support-triage}${by}.rollup(sum, 86400)`)}`;

/** The signals of the recipes; `override` replaces some, for the bad-input cases. */
function recipeSignals(): Record<string, unknown> {
  return {
    invocations: {
      source: 'langfuse',
      measures: 'invocations',
      attribution: 'userId',
      path: langfusePath([]),
      attributionPath: langfusePath([{ field: 'userId' }]),
      pointer: '/data/0/count_count',
      stringNumbers: true,
    },
    cost_per_invocation_usd: {
      source: 'datadog',
      measures: 'cost-per-invocation',
      attribution: 'trigger',
      path: datadogV1Path(''),
      attributionPath: datadogV1Path(' by {trigger}'),
      pointer: '/series/0/pointlist',
      unit: 'USD',
    },
    security_events: {
      source: 'datadog',
      method: 'POST',
      path: '/api/v2/query/timeseries',
      body: {
        data: {
          type: 'timeseries_request',
          attributes: {
            from: '$startMs',
            to: '$endMs',
            queries: [{ data_source: 'metrics', name: 'a', query: 'sum:agent.security_events{agent:support-triage}.as_count()' }],
            formulas: [{ formula: 'a' }],
          },
        },
      },
      timesPointer: '/data/attributes/times',
      valuesPointer: '/data/attributes/values/0',
    },
    output_policy_violations: { source: 'plain', path: '/violations', pointer: '/value' },
  };
}

let count = 0;
async function project(override: Record<string, unknown> = {}): Promise<string> {
  const folder = await copyExample('support-triage', join(dir, `p${++count}`));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.metrics.sources = {
    datadog: {
      type: 'http',
      url: server.url,
      headers: { 'DD-API-KEY': 'env:DD_API_KEY', 'DD-APPLICATION-KEY': 'env:DD_APP_KEY' },
    },
    langfuse: { type: 'http', url: server.url, headers: { Authorization: 'env:LANGFUSE_AUTH' } },
    plain: { type: 'http', url: server.url },
  };
  const signals = { ...recipeSignals(), ...override };
  for (const [name, signal] of Object.entries(manifest.metrics.signals) as [string, Record<string, unknown>][])
    manifest.metrics.signals[name] = signals[name] ?? {
      source: 'plain',
      path: '/violations',
      pointer: '/value',
      measures: signal.measures,
    };
  // Coverage is not what this file is about; keep it complete so validate stays quiet.
  for (const [name, signal] of Object.entries(manifest.metrics.signals) as [string, Record<string, unknown>][])
    if (!(name in signals)) signal.attribution = 'trigger';
  manifest.state.since = SINCE;
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  await recordRefusalTestsPassed(path);
  return folder;
}

const ENV = { DD_API_KEY, DD_APP_KEY, LANGFUSE_AUTH };

async function gate(folder: string) {
  const result = await runInProcess(['gate', '--at', AT, '--format', 'json'], { cwd: folder, env: ENV });
  return { ...result, report: parseJsonOutput<GateJson>(result.stdout) };
}

const check = (report: GateJson, id: string): Check => {
  const found = [...report.criteria, ...report.prerequisites].find((c) => c.id === id);
  if (!found) throw new Error(`no ${id}`);
  return found;
};

describe('http sources for real APIs (the recipes of docs/signals.md)', () => {
  it('docs/signals.md gives exactly these recipes', async () => {
    const doc = await readFile(join(ROOT, 'docs', 'signals.md'), 'utf8');
    const recipes = recipeSignals() as Record<string, { path: string; attributionPath?: string; pointer?: string; body?: unknown }>;
    for (const name of ['invocations', 'cost_per_invocation_usd', 'security_events'] as const) {
      expect(doc).toContain(`"path": ${JSON.stringify(recipes[name]?.path)}`);
      if (recipes[name]?.pointer) expect(doc).toContain(`"pointer": ${JSON.stringify(recipes[name]?.pointer)}`);
      if (recipes[name]?.attributionPath) expect(doc).toContain(`"attributionPath": ${JSON.stringify(recipes[name]?.attributionPath)}`);
    }
    expect(doc).toContain('"timesPointer": "/data/attributes/times"');
    expect(doc).toContain('"valuesPointer": "/data/attributes/values/0"');
  });

  it('go: Datadog v1 (GET, a pointlist in ms), Datadog v2 (POST, separate arrays) and Langfuse (URL-encoded JSON)', async () => {
    const folder = await project();
    const { code, report, stdout, stderr } = await gate(folder);
    expect(stderr).toBe('');
    expect(report.verdict).toBe('go');
    expect(code).toBe(0);
    // Datadog v1: $startEpoch and $endEpoch in seconds; the last point of the pointlist is the value.
    expect(asked.datadogV1?.get('from')).toBe(String(FROM_S));
    expect(asked.datadogV1?.get('to')).toBe(String(TO_S));
    expect(asked.datadogV1?.get('query')).toBe(
      'sum:agent.cost.usd{agent:support-triage}.rollup(sum, 86400) / sum:agent.invocations{agent:support-triage}.rollup(sum, 86400)',
    );
    expect(check(report, 'cost-within-estimate')).toMatchObject({ status: 'pass', observed: 0.081 });
    // Datadog v2: $startMs and $endMs as JSON numbers in the body.
    expect(asked.datadogV2).toMatchObject({ data: { attributes: { from: FROM_S * 1000, to: TO_S * 1000 } } });
    expect(check(report, 'zero-security-events')).toMatchObject({ status: 'pass', observed: 0 });
    // Langfuse: $start and $end as RFC 3339 inside the URL-encoded JSON; "140" read as a number.
    expect(asked.langfuse).toMatchObject({ fromTimestamp: SINCE, toTimestamp: AT, view: 'traces' });
    expect(check(report, 'min-samples')).toMatchObject({ status: 'pass', observed: 140 });
    // Keys never appear in the report.
    for (const secret of [DD_API_KEY, DD_APP_KEY, LANGFUSE_AUTH]) expect(stdout).not.toContain(secret);
    const posts = server.requests.filter((r) => r.method === 'POST').map((r) => r.url);
    expect(posts).toContain('/api/v2/query/timeseries');
    // The gate asks each API for one aggregate number, never for the grouped answers: 0.081 and 140 are the totals.
    expect(asked.datadogV1Queries.filter((q) => q.includes(' by {'))).toEqual([]);
    expect(asked.langfuseQueries.filter((q) => (q.dimensions ?? []).length > 0)).toEqual([]);
  });

  it('signals check: the value from the aggregate request, the attribution from the request grouped by it', async () => {
    const folder = await project();
    asked.datadogV1Queries.length = 0;
    asked.langfuseQueries.length = 0;
    const result = await runInProcess(['signals', 'check', '--at', AT], { cwd: folder, env: ENV });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\n\* cost_per_invocation_usd +datadog \(http\) +✔ yes +0\.081 +1 +✔ trigger +\d+ms\n/);
    expect(result.stdout).toMatch(/\n\* invocations +langfuse \(http\) +✔ yes +140 +1 +✔ userId +\d+ms\n/);
    // Each API was asked the recipe's two questions: the total, then the same grouped by the attribution.
    expect(asked.datadogV1Queries).toEqual([
      'sum:agent.cost.usd{agent:support-triage}.rollup(sum, 86400) / sum:agent.invocations{agent:support-triage}.rollup(sum, 86400)',
      'sum:agent.cost.usd{agent:support-triage} by {trigger}.rollup(sum, 86400) / sum:agent.invocations{agent:support-triage} by {trigger}.rollup(sum, 86400)',
    ]);
    expect(asked.langfuseQueries.map((q) => q.dimensions)).toEqual([[], [{ field: 'userId' }]]);
    for (const secret of [DD_API_KEY, DD_APP_KEY, LANGFUSE_AUTH]) expect(result.stdout).not.toContain(secret);

    // Without the grouped request the aggregate answer carries no attribution, and signals check says so.
    const recipes = recipeSignals() as Record<string, Record<string, unknown>>;
    const { attributionPath: _cost, ...cost } = recipes.cost_per_invocation_usd ?? {};
    const { attributionPath: _users, ...invocations } = recipes.invocations ?? {};
    const ungrouped = await runInProcess(['signals', 'check', '--at', AT], {
      cwd: await project({ cost_per_invocation_usd: cost, invocations }),
      env: ENV,
    });
    expect(ungrouped.code).toBe(0);
    expect(ungrouped.stdout).toMatch(/\n\* cost_per_invocation_usd +datadog \(http\) +✔ yes +0\.081 +1 +✖ trigger +\d+ms\n/);
    expect(ungrouped.stdout).toMatch(/\n\* invocations +langfuse \(http\) +✔ yes +140 +1 +✖ userId +\d+ms\n/);
  });

  it('an unknown placeholder is an error naming the signal and the placeholders there are, never a go', async () => {
    const signal = { ...(recipeSignals().cost_per_invocation_usd as object), path: '/api/v1/query?from=$begin&to=$endEpoch&query=x' };
    const folder = await project({ cost_per_invocation_usd: signal });
    // validate says so first (AR132), and the gate refuses to read it all the same.
    const validate = await runInProcess(['validate'], { cwd: folder, env: ENV });
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain(
      'error AR132 the path of signal cost_per_invocation_usd has the placeholder $begin, which does not exist',
    );
    const { code, report } = await gate(folder);
    expect(code).toBe(2);
    expect(report.verdict).toBe('error');
    expect(check(report, 'cost-within-estimate').reason).toBe(
      'datadog (http): the path of signal cost_per_invocation_usd has the placeholder $begin, which does not exist; the placeholders are $window, $start, $end, $startEpoch, $endEpoch, $startMs, $endMs ($$ for a literal $)',
    );
  });

  it('a body that is not JSON after substitution is an error naming the signal', async () => {
    const signal = {
      ...(recipeSignals().security_events as object),
      body: '{"data": {"attributes": {"from": $start, "to": $end}}}',
    };
    const { code, report } = await gate(await project({ security_events: signal }));
    expect(code).toBe(2);
    expect(check(report, 'zero-security-events').reason).toMatch(
      /^datadog \(http\): the body of signal security_events is not JSON after its placeholders are replaced \(.+\); a placeholder belongs inside a JSON string or where a number goes$/,
    );
  });

  it('a pointer that finds nothing, or a string, object or boolean where a number should be, is an error naming the signal', async () => {
    const recipes = recipeSignals();
    const at = (pointer: string, signal: 'cost_per_invocation_usd' | 'invocations') => ({ ...(recipes[signal] as object), pointer });
    // Each signal a criterion of the first stage reads, broken its own way; a second project for the rest.
    const first = await project({
      cost_per_invocation_usd: at('/series/1/pointlist', 'cost_per_invocation_usd'),
      invocations: { ...(recipes.invocations as object), stringNumbers: false },
      security_events: { ...(recipes.security_events as object), valuesPointer: '/data/attributes/series' },
      output_policy_violations: { source: 'plain', path: '/violations', pointer: '/ok' },
    });
    const second = await project({
      cost_per_invocation_usd: at('/series/0', 'cost_per_invocation_usd'),
      security_events: { ...(recipes.security_events as object), valuesPointer: '/data/attributes' },
    });
    const datadog = (path: string) => `datadog \\(http at http://127\\.0\\.0\\.1:\\d+${path}\\): `;
    const expected = [
      {
        folder: first,
        criterion: 'cost-within-estimate',
        signal: 'cost_per_invocation_usd',
        reason: new RegExp(
          `^${datadog('/api/v1/query\\?.*')}the answer has nothing at /series/1/pointlist \\(signal cost_per_invocation_usd's pointer\\)$`,
        ),
      },
      {
        folder: first,
        criterion: 'min-samples',
        signal: 'invocations',
        reason:
          /^langfuse \(http at http:\/\/127\.0\.0\.1:\d+\/api\/public\/metrics\?.*\): \/data\/0\/count_count: the string "140" is not a number \(signal invocations's pointer\)$/,
      },
      {
        folder: first,
        criterion: 'zero-security-events',
        signal: 'security_events',
        reason: new RegExp(
          `^${datadog('/api/v2/query/timeseries')}/data/attributes/times has 3 times but /data/attributes/series has 1 value \\(signal security_events's timesPointer and valuesPointer\\)$`,
        ),
      },
      {
        folder: first,
        criterion: 'no-output-violations',
        signal: 'output_policy_violations',
        reason:
          /^plain \(http at http:\/\/127\.0\.0\.1:\d+\/violations\): \/ok: true is not a number \(signal output_policy_violations's pointer\)$/,
      },
      {
        folder: second,
        criterion: 'cost-within-estimate',
        signal: 'cost_per_invocation_usd',
        reason: new RegExp(
          `^${datadog('/api/v1/query\\?.*')}/series/0: an object is not a number \\(signal cost_per_invocation_usd's pointer\\)$`,
        ),
      },
      {
        folder: second,
        criterion: 'zero-security-events',
        signal: 'security_events',
        reason: new RegExp(
          `^${datadog('/api/v2/query/timeseries')}/data/attributes: an object is not a list of values \\(signal security_events's valuesPointer\\)$`,
        ),
      },
    ];
    for (const folder of [first, second]) {
      // The gate: never a go, the criterion that read the signal an error with the reason.
      const gated = await gate(folder);
      expect(gated.code).toBe(2);
      expect(gated.report.verdict).toBe('error');
      for (const e of expected.filter((x) => x.folder === folder)) {
        expect(check(gated.report, e.criterion)).toMatchObject({ status: 'error', reason: expect.stringMatching(e.reason) });
      }
      // signals check: exit 2, each failed signal named with the same reason, in JSON and in text.
      const text = await runInProcess(['signals', 'check', '--at', AT], { cwd: folder, env: ENV });
      expect(text.code).toBe(2);
      const json = await runInProcess(['signals', 'check', '--at', AT, '--format', 'json'], { cwd: folder, env: ENV });
      expect(json.code).toBe(2);
      const report = parseJsonOutput<{ failed: string[]; probes: { signal: string; status: string; reason?: string }[] }>(json.stdout);
      const failures = expected.filter((x) => x.folder === folder);
      expect([...report.failed].sort()).toEqual(failures.map((e) => e.signal).sort());
      for (const e of failures) {
        const probe = report.probes.find((p) => p.signal === e.signal);
        expect(probe?.reason).toMatch(e.reason);
        expect(text.stdout).toContain(`  ! ${e.signal}: ${probe?.reason}\n`);
      }
    }
  });
});
