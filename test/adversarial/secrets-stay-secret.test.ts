/**
 * Promise: secrets stay secret everywhere. A metric source or a command that echoes a secret
 * (as it is, URL-encoded, base64 or base64url at any alignment, hex in either case) or prints a
 * provider token nobody declared never gets it onto the terminal, into a report or into the
 * append-only audit trail; a careless operator's secret in --actor is refused; a source URL with
 * credentials is refused before any request, and by validate.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, runCli, runInProcess, tempDir } from '../helpers/cli.js';
import { startHttpServer } from '../helpers/http-server.js';
import type { LoopbackServer } from '../helpers/http-server.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';

const SINCE = '2026-10-01T00:00:00Z';
const AT = '2026-10-08T00:00:00Z';
/** A token of a provider's shape (GitHub) that no manifest names. */
const STRAY_TOKEN = `ghp_${'Zq7Xw2Lm9Rt4Yp8Kd3Nf6Hs1Jb5Vc0Ga2Ue4'}`;

/** Every way the secret must not appear: as it is, JSON-escaped, URL-encoded, base64(url) of it alone, hex. */
function leakedForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    bytes.toString('base64').replace(/=+$/, '').slice(0, -1),
    bytes.toString('base64url').slice(0, -1),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
  ];
}

/** How a hostile source echoes the secret: `prefix` bytes before it move its base64 alignment. */
function echoes(secret: string, prefix: string): string[] {
  const framed = Buffer.from(`${prefix}${secret}!`, 'utf8');
  return [
    `raw=${secret}`,
    `url=${encodeURIComponent(secret)}`,
    `b64=${framed.toString('base64')}`,
    `b64url=${framed.toString('base64url')}`,
    `hex=${Buffer.from(secret).toString('hex')}`,
    `HEX=${Buffer.from(secret).toString('hex').toUpperCase()}`,
  ];
}

let dir: string;
let cleanup: () => Promise<void>;
let server: LoopbackServer;
/** What the source answers next (set per run). */
let answer = '';

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  server = await startHttpServer((_request, response) => {
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end(answer);
  });
});
afterAll(async () => {
  await server?.close();
  await cleanup?.();
});

const SCRIPT = `if [ "$1" = echo ]; then printf '%s\\n' "$ECHO_LINE" >&2; exit 1; fi
echo 0
`;

let count = 0;
async function project(edit: (manifest: any) => void = () => undefined): Promise<{ folder: string; path: string }> {
  const folder = await copyExample('support-triage', join(dir, `s${++count}`));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.metrics.sources = {
    api: { type: 'http', url: server.url, headers: { 'X-Api-Key': 'env:METRICS_API_KEY' }, timeout: '5s' },
    cmd: { type: 'command', run: ['sh', 'scripts/metric.sh'], timeout: '10s' },
  };
  for (const signal of Object.values(manifest.metrics.signals) as any[]) {
    delete signal.query;
    signal.source = 'cmd';
    signal.args = ['zero'];
  }
  manifest.metrics.signals.cost_per_invocation_usd = { source: 'api', path: '/cost', pointer: '/usd' };
  manifest.metrics.signals.security_events = { source: 'cmd', args: ['echo'] };
  manifest.state.since = SINCE;
  edit(manifest);
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(folder, 'scripts', 'metric.sh'), SCRIPT);
  await recordRefusalTestsPassed(path);
  return { folder, path };
}

describe('secrets stay secret everywhere', () => {
  it('a source and a command that echo the run’s secrets in any encoding, or a stray token, leave no trace in output, reports or the audit trail', async () => {
    const secretChars = fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-._~!*'.split(''));
    await fc.assert(
      fc.asyncProperty(
        fc.array(secretChars, { minLength: 12, maxLength: 28 }).map((chars) => chars.join('')),
        fc.array(secretChars, { minLength: 12, maxLength: 28 }).map((chars) => chars.join('')),
        fc.constantFrom('', 'a', 'ab'),
        fc.constantFrom('text', 'json', 'markdown'),
        async (apiKey, zendeskToken, prefix, format) => {
          const { folder } = await project();
          // The http source echoes its own header; the command echoes the inventory's secret (env:ZENDESK_TOKEN_RO).
          answer = `upstream rejected ${echoes(apiKey, prefix).join(' ')}`;
          const env = {
            METRICS_API_KEY: apiKey,
            ZENDESK_TOKEN_RO: zendeskToken,
            ECHO_LINE: `denied ${echoes(zendeskToken, prefix).join(' ')} ${STRAY_TOKEN}`,
          };
          const result = await runInProcess(['gate', '--at', AT, '--format', format, '--record', '--actor', 'ops@example.com'], {
            cwd: folder,
            env,
          });
          expect(result.code, result.stderr).toBe(2); // both sources failed: an error, never a go
          const trail = await readFile(join(folder, 'rollout.audit.jsonl'), 'utf8');
          const everything = [result.stdout, result.stderr, trail].join('\n');
          for (const secret of [apiKey, zendeskToken]) {
            for (const form of leakedForms(secret)) expect(everything).not.toContain(form);
          }
          expect(everything).not.toContain(STRAY_TOKEN);
          expect(everything).not.toContain(STRAY_TOKEN.slice(4));
          expect(trail).toContain('[REDACTED]');
          // The audit trail still verifies: redaction happened before the entry was hashed.
          const verify = await runInProcess(['audit', 'verify'], { cwd: folder });
          expect(verify.code, verify.stdout + verify.stderr).toBe(0);
        },
      ),
      { numRuns: 4 },
    );
  }, 300_000);

  it('a secret in --actor, AGENT_ROLLOUT_ACTOR or the stored actor is refused with one line, and nothing is recorded', async () => {
    const { folder, path } = await project();
    const trailBefore = await readFile(join(folder, 'rollout.audit.jsonl'), 'utf8');
    const manifestBefore = await readFile(path, 'utf8');
    const configDir = join(folder, '.config');
    const cases: { args: string[]; env: Record<string, string>; names: string }[] = [
      { args: ['--actor', STRAY_TOKEN], env: {}, names: '--actor' },
      { args: [], env: { AGENT_ROLLOUT_ACTOR: `deploy ${STRAY_TOKEN}` }, names: 'AGENT_ROLLOUT_ACTOR' },
    ];
    for (const { args, env, names } of cases) {
      for (const command of [
        ['gate', '--at', AT, '--no-sources', '--set', 'security_events=0', '--record', ...args],
        ['pause', '--reason', 'looking into INC-1', ...args],
      ]) {
        const result = await runInProcess(command, { cwd: folder, env: { ...env, AGENT_ROLLOUT_CONFIG_DIR: configDir } });
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(new RegExp(`^error: ${names} holds what looks like a GitHub personal access token`));
        expect(result.stderr.trim().split('\n')).toHaveLength(2); // the error and its hint
        expect(result.stdout + result.stderr).not.toContain(STRAY_TOKEN);
      }
    }
    const set = await runCli(['config', 'set', 'actor', STRAY_TOKEN], { cwd: folder, env: { AGENT_ROLLOUT_CONFIG_DIR: configDir } });
    expect(set.code).toBe(2);
    expect(set.stderr).toMatch(/^error: the stored actor \(agent-rollout config set actor\) holds what looks like/);
    expect(set.stdout + set.stderr).not.toContain(STRAY_TOKEN);
    expect(await readFile(join(folder, 'rollout.audit.jsonl'), 'utf8')).toBe(trailBefore);
    expect(await readFile(path, 'utf8')).toBe(manifestBefore);
  });

  it('a source URL with credentials is refused before any request, and by validate (AR122)', async () => {
    const withCredentials = server.url.replace('http://', 'http://reader:example-pass-4d9c@');
    const { folder } = await project((manifest) => {
      manifest.metrics.sources.api.url = withCredentials;
    });
    const before = server.requests.length;
    const validate = await runCli(['validate'], { cwd: folder });
    expect(validate.code).toBe(1);
    expect(validate.stdout + validate.stderr).toContain('AR122');
    expect(validate.stdout + validate.stderr).not.toContain('example-pass-4d9c');
    const gate = await runCli(['gate', '--at', AT, '--format', 'json'], { cwd: folder, env: { METRICS_API_KEY: 'k'.repeat(16) } });
    expect(gate.code).toBe(2);
    const report = JSON.parse(gate.stdout);
    const cost = report.criteria.find((c: { id: string }) => c.id === 'cost-within-estimate');
    expect(cost.status).toBe('error');
    expect(cost.reason).toContain('has a user name or password in it');
    expect(gate.stdout + gate.stderr).not.toContain('example-pass-4d9c');
    expect(server.requests.length).toBe(before);
  });
});
