import { describe, expect, it } from 'vitest';
import { findSecret, parseSecretRef } from '../../src/manifest/secrets.js';
import type { SecretMatch } from '../../src/manifest/secrets.js';
import { seededRandom } from '../helpers/seeded-random.js';

// ---------------------------------------------------------------------------
// Test tokens are generated at run time from a seeded PRNG and split prefixes,
// so this file contains no literal that a secret scanner would flag.
// ---------------------------------------------------------------------------

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const B64URL = ALNUM + '_-';
const B64 = ALNUM + '+/';

const prng = seededRandom;

/** A random string of `n` chars from `alphabet`, guaranteed to contain an upper, a lower and a digit when the alphabet has them. */
function rand(n: number, seed: number, alphabet: string = ALNUM): string {
  const next = prng(seed);
  for (;;) {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
    const needsMix = /[A-Z]/.test(alphabet) && /[a-z]/.test(alphabet) && /[0-9]/.test(alphabet) && n >= 8;
    if (!needsMix || (/[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s))) return s;
  }
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const T3B = 'T3Blbk' + 'FJ'; // base64 of "OpenAI"

const tokens = {
  anthropic: 'sk-' + 'ant-api03-' + rand(91, 1, B64URL) + 'AA',
  anthropicAdmin: 'sk-' + 'ant-admin01-' + rand(91, 2, B64URL) + 'AA',
  openaiProject: 'sk-' + 'proj-' + rand(74, 3, B64URL) + T3B + rand(74, 4, B64URL),
  openaiServiceAccount: 'sk-' + 'svcacct-' + rand(64, 5, B64URL),
  openaiLegacy: 'sk-' + rand(48, 6),
  openaiLegacyMarker: 'sk-' + rand(20, 7) + T3B + rand(20, 8),
  openaiMarkerOnly: rand(20, 9) + T3B + rand(20, 10),
  awsAccessKeyId: 'AK' + 'IA' + rand(16, 11, UPPER + DIGITS),
  awsSessionKeyId: 'AS' + 'IA' + rand(16, 12, UPPER + DIGITS),
  awsSecret: rand(18, 13, B64) + '/' + rand(21, 14, B64),
  githubPat: 'gh' + 'p_' + rand(36, 15),
  githubFineGrained: 'github' + '_pat_' + rand(82, 16, ALNUM + '_'),
  githubOauth: 'gh' + 'o_' + rand(36, 17),
  githubUser: 'gh' + 'u_' + rand(36, 18),
  githubServer: 'gh' + 's_' + rand(36, 19),
  githubRefresh: 'gh' + 'r_' + rand(36, 20),
  gitlab: 'gl' + 'pat-' + rand(20, 21, B64URL),
  slackBot: 'xo' + 'xb-' + rand(12, 22, DIGITS) + '-' + rand(13, 23, DIGITS) + '-' + rand(24, 24),
  slackUser:
    'xo' + 'xp-' + rand(12, 25, DIGITS) + '-' + rand(12, 26, DIGITS) + '-' + rand(12, 27, DIGITS) + '-' + rand(32, 28, LOWER + DIGITS),
  slackWebhook:
    'https://hooks.slack' + '.com/services/T' + rand(10, 29, UPPER + DIGITS) + '/B' + rand(10, 30, UPPER + DIGITS) + '/' + rand(24, 31),
  google: 'AI' + 'za' + rand(35, 32, B64URL),
  stripeSecret: 'sk' + '_live_' + rand(24, 33),
  stripeRestricted: 'rk' + '_live_' + rand(24, 34),
  npm: 'np' + 'm_' + rand(36, 35),
  huggingface: 'h' + 'f_' + rand(34, 36, UPPER + LOWER),
  sendgrid: 'S' + 'G.' + rand(22, 37, B64URL) + '.' + rand(43, 38, B64URL),
  jwt: b64url({ alg: 'HS256', typ: 'JWT' }) + '.' + b64url({ sub: 'agent', iat: 1_700_000_000 }) + '.' + rand(43, 39, B64URL),
  privateKey:
    '-----BEGIN RSA ' +
    'PRIVATE KEY-----\n' +
    [rand(64, 40, B64), rand(64, 41, B64), rand(40, 42, B64) + '=='].join('\n') +
    '\n-----END RSA ' +
    'PRIVATE KEY-----',
  urlPassword: rand(14, 43),
  generic: rand(24, 44),
  highEntropy: rand(48, 45),
};

interface Positive {
  name: string;
  rule: string;
  secret: string;
  /** builds the scanned text around the secret */
  wrap: (s: string) => string;
  key?: string;
}

const positives: Positive[] = [
  {
    name: 'Anthropic key in an env assignment',
    rule: 'anthropic-api-key',
    secret: tokens.anthropic,
    wrap: (s) => `ANTHROPIC_API_KEY=${s}`,
  },
  { name: 'Anthropic admin key alone', rule: 'anthropic-admin-api-key', secret: tokens.anthropicAdmin, wrap: (s) => s },
  { name: 'OpenAI project key in argv', rule: 'openai-api-key', secret: tokens.openaiProject, wrap: (s) => `--api-key=${s}` },
  { name: 'OpenAI service-account key', rule: 'openai-api-key', secret: tokens.openaiServiceAccount, wrap: (s) => `key ${s} here` },
  { name: 'OpenAI legacy key', rule: 'openai-api-key', secret: tokens.openaiLegacy, wrap: (s) => `"${s}"` },
  { name: 'OpenAI legacy key with marker', rule: 'openai-api-key', secret: tokens.openaiLegacyMarker, wrap: (s) => `OPENAI_API_KEY=${s}` },
  { name: 'OpenAI marker without prefix', rule: 'openai-api-key', secret: tokens.openaiMarkerOnly, wrap: (s) => `token: ${s}` },
  {
    name: 'AWS access key id in a presigned URL',
    rule: 'aws-access-key-id',
    secret: tokens.awsAccessKeyId,
    wrap: (s) => `https://bucket.s3.amazonaws.com/x?X-Amz-Credential=${s}%2F20240101%2Fus-east-1`,
  },
  { name: 'AWS session key id', rule: 'aws-access-key-id', secret: tokens.awsSessionKeyId, wrap: (s) => `id ${s}` },
  {
    name: 'AWS secret under an aws key name',
    rule: 'aws-secret-access-key',
    secret: tokens.awsSecret,
    wrap: (s) => s,
    key: 'aws_secret_access_key',
  },
  {
    name: 'AWS secret in an env assignment',
    rule: 'aws-secret-access-key',
    secret: tokens.awsSecret,
    wrap: (s) => `AWS_SECRET_ACCESS_KEY=${s}`,
  },
  {
    name: 'GitHub PAT inside a clone URL (beats url-credentials)',
    rule: 'github-pat',
    secret: tokens.githubPat,
    wrap: (s) => `https://x-access-token:${s}@github.com/acme/agent.git`,
  },
  { name: 'GitHub PAT in argv', rule: 'github-pat', secret: tokens.githubPat, wrap: (s) => `--token=${s}` },
  { name: 'GitHub fine-grained PAT', rule: 'github-fine-grained-pat', secret: tokens.githubFineGrained, wrap: (s) => `GH_TOKEN=${s}` },
  { name: 'GitHub OAuth token', rule: 'github-oauth-token', secret: tokens.githubOauth, wrap: (s) => `Bearer ${s}` },
  { name: 'GitHub user-to-server token', rule: 'github-app-token', secret: tokens.githubUser, wrap: (s) => s },
  { name: 'GitHub server-to-server token', rule: 'github-app-token', secret: tokens.githubServer, wrap: (s) => `(${s})` },
  { name: 'GitHub refresh token', rule: 'github-refresh-token', secret: tokens.githubRefresh, wrap: (s) => s },
  { name: 'GitLab PAT', rule: 'gitlab-pat', secret: tokens.gitlab, wrap: (s) => `PRIVATE-TOKEN: ${s}` },
  { name: 'Slack bot token', rule: 'slack-token', secret: tokens.slackBot, wrap: (s) => `--slack-token ${s}` },
  { name: 'Slack user token', rule: 'slack-token', secret: tokens.slackUser, wrap: (s) => s },
  { name: 'Slack webhook URL', rule: 'slack-webhook-url', secret: tokens.slackWebhook, wrap: (s) => `notify ${s} on failure` },
  {
    name: 'Google API key in a query string',
    rule: 'gcp-api-key',
    secret: tokens.google,
    wrap: (s) => `https://maps.example/api?key=${s}&q=1`,
  },
  { name: 'Stripe live secret key', rule: 'stripe-secret-key', secret: tokens.stripeSecret, wrap: (s) => `STRIPE_KEY=${s}` },
  { name: 'Stripe live restricted key', rule: 'stripe-restricted-key', secret: tokens.stripeRestricted, wrap: (s) => s },
  { name: 'npm token', rule: 'npm-access-token', secret: tokens.npm, wrap: (s) => `//registry.npmjs.org/:_authToken=${s}` },
  { name: 'Hugging Face token', rule: 'huggingface-access-token', secret: tokens.huggingface, wrap: (s) => `HF_TOKEN=${s}` },
  { name: 'SendGrid key', rule: 'sendgrid-api-key', secret: tokens.sendgrid, wrap: (s) => s },
  { name: 'JWT in an Authorization header', rule: 'jwt', secret: tokens.jwt, wrap: (s) => `Authorization: Bearer ${s}` },
  { name: 'private key block', rule: 'private-key', secret: tokens.privateKey, wrap: (s) => `key:\n${s}\n` },
  {
    name: 'password in a database URL',
    rule: 'url-credentials',
    secret: tokens.urlPassword,
    wrap: (s) => `postgres://agent:${s}@db.internal:5432/app`,
  },
  {
    name: 'password in an https URL',
    rule: 'url-credentials',
    secret: 'hunter2-Rollout',
    wrap: (s) => `https://user:${s}@host.example/path`,
  },
  { name: 'password with empty user', rule: 'url-credentials', secret: tokens.urlPassword, wrap: (s) => `redis://:${s}@cache:6379` },
  { name: 'generic secret under apiKey', rule: 'generic-secret', secret: tokens.generic, wrap: (s) => s, key: 'apiKey' },
  {
    name: 'generic secret after a Bearer scheme',
    rule: 'generic-secret',
    secret: tokens.generic,
    wrap: (s) => `Bearer ${s}`,
    key: 'authorization',
  },
  { name: 'generic secret in an argv flag', rule: 'generic-secret', secret: tokens.generic, wrap: (s) => `--password=${s}` },
  {
    name: 'generic secret in a query string',
    rule: 'generic-secret',
    secret: tokens.generic,
    wrap: (s) => `https://api.example/v1?access_token=${s}&x=1`,
  },
  { name: 'generic secret in a header string', rule: 'generic-secret', secret: tokens.generic, wrap: (s) => `X-Api-Key: ${s}` },
  {
    name: 'high-entropy string in prose',
    rule: 'high-entropy-string',
    secret: tokens.highEntropy,
    wrap: (s) => `use ${s} for now`,
    key: 'description',
  },
  { name: 'high-entropy string with no key', rule: 'high-entropy-string', secret: tokens.highEntropy, wrap: (s) => s },
];

function expectMatch(m: SecretMatch | undefined, text: string, rule: string, secret: string): void {
  expect(m, `expected ${rule}`).toBeDefined();
  if (!m) return;
  expect(m.rule).toBe(rule);
  const start = text.indexOf(secret);
  expect(m.start).toBe(start);
  expect(m.end).toBe(start + secret.length);
  expect(text.slice(m.start, m.end)).toBe(secret);
}

describe('findSecret: rules fire', () => {
  it.each(positives)('$name → $rule', ({ rule, secret, wrap, key }) => {
    const text = wrap(secret);
    expectMatch(findSecret(text, key), text, rule, secret);
  });

  it('matches the bare secret with the same rule', () => {
    for (const { rule, secret, key } of positives) {
      if (rule === 'url-credentials') continue; // only meaningful inside a URL
      if (rule === 'generic-secret' && key === undefined) continue; // needs a key or k=v context
      const fallbackKey =
        rule === 'aws-secret-access-key' ? 'awsSecretAccessKey' : rule === 'high-entropy-string' ? 'description' : 'token';
      const m = findSecret(secret, key ?? fallbackKey);
      expect(m?.rule, rule).toBe(rule);
      expect(m?.start).toBe(0);
      expect(m?.end).toBe(secret.length);
    }
  });

  it('never puts the secret into the description', () => {
    for (const { secret, wrap, key } of positives) {
      const text = wrap(secret);
      const m = findSecret(text, key);
      expect(m).toBeDefined();
      if (!m) continue;
      expect(m.description.length).toBeGreaterThan(0);
      expect(m.description).not.toContain(secret);
      expect(m.description).not.toContain(text.slice(m.start, m.end));
    }
  });

  it('reports the first secret when there are several', () => {
    const text = `${tokens.githubPat} then ${tokens.awsAccessKeyId}`;
    expect(findSecret(text)?.rule).toBe('github-pat');
    const reversed = `${tokens.awsAccessKeyId} then ${tokens.githubPat}`;
    expect(findSecret(reversed)?.rule).toBe('aws-access-key-id');
  });

  it('prefers a specific rule to the generic ones', () => {
    expect(findSecret(tokens.githubPat, 'apiKey')?.rule).toBe('github-pat');
    expect(findSecret(tokens.jwt, 'token')?.rule).toBe('jwt');
  });

  it('treats a 40/64-char hex hash as a secret only when the key says so', () => {
    const sha1 = rand(40, 50, 'abcdef0123456789');
    const sha256 = rand(64, 51, 'abcdef0123456789');
    expect(findSecret(sha1, 'commit')).toBeUndefined();
    expect(findSecret(sha256, 'sha256')).toBeUndefined();
    expect(findSecret(sha256, 'digest')).toBeUndefined();
    expect(findSecret(sha1)).toBeUndefined();
    expect(findSecret(sha1, 'secret')?.rule).toBe('generic-secret');
    expect(findSecret(sha256, 'webhookToken')?.rule).toBe('generic-secret');
  });

  it('catches a literal pasted into secretRef', () => {
    expect(findSecret(tokens.generic, 'secretRef')?.rule).toBe('generic-secret');
    expect(findSecret(tokens.githubPat, 'secretRef')?.rule).toBe('github-pat');
  });

  it('does not flag the documented AWS example key id', () => {
    expect(findSecret('AKIA' + 'IOSFODNN7' + 'EXAMPLE')).toBeUndefined();
  });

  it('flags a truncated private key block with JSON-escaped newlines', () => {
    const header = '-----BEGIN OPENSSH ' + 'PRIVATE KEY-----';
    const block = header + '\\n' + rand(70, 54, B64) + '\\n' + rand(70, 55, B64);
    const text = `key: ${block}  `;
    expectMatch(findSecret(text, 'description'), text, 'private-key', block);
  });

  it('does not flag private-key headers that carry no key material', () => {
    expect(findSecret('never paste a -----BEGIN PRIVATE ' + 'KEY----- block here', 'description')).toBeUndefined();
  });

  it('ignores base64 inside a certificate (public) block', () => {
    const cert = '-----BEGIN CERTIFICATE-----\n' + rand(64, 52, B64) + '\n' + rand(64, 53, B64) + '\n-----END CERTIFICATE-----';
    expect(findSecret(cert, 'caBundle')).toBeUndefined();
  });

  it('flags the plain user:password form', () => {
    const text = 'https://user:password@host';
    expect(findSecret(text, 'url')).toEqual({
      rule: 'url-credentials',
      description: expect.any(String),
      start: text.indexOf('password'),
      end: text.indexOf('@'),
    });
  });

  it('does not flag URL credentials that are placeholders', () => {
    expect(findSecret('https://${USER}:${PASSWORD}@host.example/x', 'url')).toBeUndefined();
    expect(findSecret('postgres://agent:$DB_PASSWORD@db:5432/app', 'url')).toBeUndefined();
    expect(findSecret('https://user:<password>@host.example', 'url')).toBeUndefined();
    expect(findSecret('https://user@host.example/x', 'url')).toBeUndefined();
  });
});

describe('findSecret: false positives', () => {
  const negatives: Array<[string, string | undefined]> = [
    ['sum(increase(agent_invocations_total{agent="support-triage"}[$window]))', 'query'],
    ['histogram_quantile(0.95, sum by (le) (rate(agent_latency_seconds_bucket{agent="support-triage",env="prod"}[5m]))) > 2.5', 'query'],
    ['http://127.0.0.1:9090', 'url'],
    ['http://127.0.0.1:9090', 'endpoint'],
    ['https://mcp.internal.example/zendesk', 'endpoint'],
    ['https://mcp.internal.example/zendesk/v2/tickets?status=open&per_page=100', 'url'],
    ['./scripts/revoke.sh', 'run'],
    ['--dry-run', 'run'],
    ['/usr/local/bin/agent-rollout', 'run'],
    ['0 */6 * * 1-5', 'schedule'],
    ['*/5 * * * *', 'cron'],
    ['oncall-support@example.com', 'owner'],
    ['platform.team+rollouts@corp.example.co.uk', 'email'],
    ['zendesk-ro', 'id'],
    ['zendesk-ro', 'credential'],
    ['github-app-token', 'credential'],
    ['github-app-token', 'id'],
    ['github-app-token', 'credentialRef'],
    ['github-app-token', 'secretRef'],
    ['support-triage-agent-prod-eu-west-1', 'credential'],
    ['ZENDESK_API_TOKEN', 'tokenEnv'],
    ['ZENDESK_API_TOKEN', 'token'],
    ['Roll the support triage agent out to 5% of tickets, then 25%, then everyone.', 'description'],
    ['If the error rate exceeds 2% for 10 minutes, revoke the token and page the on-call engineer.', 'description'],
    ['da39a3ee5e6b4b0d3255bfef95601890afd80709', 'commit'],
    ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'sha256'],
    ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', undefined],
    ['sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'digest'],
    ['3f2a9c1e-8b4d-4e6f-9a7b-2c5d8e1f0a3b', 'id'],
    ['3f2a9c1e-8b4d-4e6f-9a7b-2c5d8e1f0a3b', 'credential'],
    ['anthropic/claude-sonnet-4-5', 'model'],
    ['claude-sonnet-4-5-20250929', 'model'],
    ['openai/gpt-4o-mini-2024-07-18', 'model'],
    ['tickets:read', 'scopes'],
    ['tickets:write', 'scopes'],
    ['secrets:read', 'scopes'],
    ['env:ZENDESK_TOKEN', 'secretRef'],
    ['vault:secret/data/agent#token', 'secretRef'],
    ['vault:secret/data/support-triage/production/zendesk-api-credentials#token', 'secretRef'],
    ['op://vault/item/field', 'secretRef'],
    ['op://Engineering/Zendesk API Token/credential', 'secretRef'],
    ['file:./secrets/token', 'secretRef'],
    ['file:/run/secrets/zendesk_api_token', 'secretRef'],
    ['env:ZENDESK_TOKEN', 'apiKey'],
    ['./secrets/token', 'secret'],
    ['secret/data/agent', 'secretPath'],
    ['${ZENDESK_API_TOKEN}', 'token'],
    ['Bearer ${ZENDESK_API_TOKEN}', 'authorization'],
    ['{{ secrets.ZENDESK_TOKEN }}', 'password'],
    ['https://auth.example.com/oauth2/token', 'tokenUrl'],
    ['https://auth.example.com/oauth2/token', 'auth'],
    ['client_credentials', 'auth'],
    ['Jane Developer', 'author'],
    ['cl100k_base', 'tokenizer'],
    ['--token-file=./secrets/zendesk.txt', 'run'],
    ['--token=${ZENDESK_TOKEN}', 'run'],
    ['--token=env:ZENDESK_TOKEN', 'run'],
    ['https://user@host.example/path', 'url'],
    ['git@github.com:acme/support-agent.git', 'repo'],
    ['ssh://git@github.com/acme/support-agent.git', 'repo'],
    ['support-triage', 'agent'],
    ['v1.4.2', 'version'],
    ['2025-01-31T12:00:00Z', 'startAt'],
    ['P7D', 'window'],
    ['us-east-1', 'awsRegion'],
    ['123456789012', 'awsAccountId'],
    ['arn:aws:iam::123456789012:role/support-agent-readonly', 'roleArn'],
    ['agent-rollout validate examples/support-triage/rollout.json --strict', 'run'],
    ['src/manifest/secrets.ts', 'path'],
    ['', 'token'],
    ['short', 'password'],
  ];

  it.each(negatives)('%j under key %s does not match', (value, key) => {
    expect(findSecret(value, key)).toBeUndefined();
  });

  it('none of them match without a key either', () => {
    for (const [value] of negatives) expect(findSecret(value), value).toBeUndefined();
  });
});

describe('findSecret: the key-sensitive generic rule', () => {
  const value = tokens.generic; // 24 chars: too short for the key-independent rule

  it.each([
    'apiKey',
    'api_key',
    'X-Api-Key',
    'clientSecret',
    'client_secret',
    'token',
    'accessToken',
    'refresh_token',
    'password',
    'db_passwd',
    'pwd',
    'privateKey',
    'private-key',
    'accessKey',
    'auth',
    'authorization',
    'credentials_json',
    'bearerToken',
    'secretRef',
  ])('fires under %s', (key) => {
    const m = findSecret(value, key);
    expect(m?.rule).toBe('generic-secret');
    expect(m?.start).toBe(0);
    expect(m?.end).toBe(value.length);
  });

  it.each([
    undefined,
    'id',
    'name',
    'description',
    'credential',
    'credentialId',
    'secretName',
    'tokenUrl',
    'author',
    'tokenizer',
    'model',
    'query',
  ])('does not fire under %s', (key) => {
    expect(findSecret(value, key)).toBeUndefined();
  });

  it('needs 16+ chars, no spaces and enough entropy', () => {
    expect(findSecret(rand(15, 60), 'token')).toBeUndefined();
    expect(findSecret('aaaaaaaaaaaaaaaaaaaaaaaa', 'token')).toBeUndefined();
    expect(findSecret('abababababababababababab', 'password')).toBeUndefined();
    expect(findSecret(`${rand(12, 61)} ${rand(12, 62)}`, 'token')).toBeUndefined();
  });

  it('does not fire on references, URLs, paths or emails under a secret key', () => {
    expect(findSecret('vault:secret/data/agent#token', 'token')).toBeUndefined();
    expect(findSecret('op://Private/Zendesk/token', 'apiKey')).toBeUndefined();
    expect(findSecret('https://mcp.internal.example/zendesk', 'token')).toBeUndefined();
    expect(findSecret('/var/run/secrets/agent/token', 'secret')).toBeUndefined();
    expect(findSecret('agent-oncall@example.com', 'auth')).toBeUndefined();
  });
});

describe('findSecret: the key-independent high-entropy rule', () => {
  it('needs 32+ chars with upper, lower and digits', () => {
    expect(findSecret(rand(31, 70))).toBeUndefined();
    expect(findSecret(rand(48, 71, LOWER + DIGITS))).toBeUndefined();
    expect(findSecret(rand(48, 72, UPPER + LOWER))).toBeUndefined();
    expect(findSecret(rand(48, 73))?.rule).toBe('high-entropy-string');
  });

  it('finds the token inside an argv entry', () => {
    const secret = rand(40, 74);
    const text = `--key-material=${secret}`;
    expectMatch(findSecret(text, 'run'), text, 'high-entropy-string', secret);
  });
});

describe('parseSecretRef', () => {
  it.each([
    ['env:ZENDESK_TOKEN', { scheme: 'env', target: 'ZENDESK_TOKEN' }],
    ['env:_private', { scheme: 'env', target: '_private' }],
    ['env:a1', { scheme: 'env', target: 'a1' }],
    ['vault:secret/data/agent#token', { scheme: 'vault', target: 'secret/data/agent#token' }],
    ['vault:secret/data/agent', { scheme: 'vault', target: 'secret/data/agent' }],
    ['op://a/b/c', { scheme: 'op', target: 'a/b/c' }],
    ['op://vault/item/section/field', { scheme: 'op', target: 'vault/item/section/field' }],
    ['op://Engineering/Zendesk API/token', { scheme: 'op', target: 'Engineering/Zendesk API/token' }],
    ['file:./secrets/token', { scheme: 'file', target: './secrets/token' }],
    ['file:/run/secrets/token', { scheme: 'file', target: '/run/secrets/token' }],
  ] as const)('accepts %s', (ref, expected) => {
    expect(parseSecretRef(ref)).toEqual(expected);
  });

  it.each([
    'env:',
    'env:1BAD',
    'env:BAD-NAME',
    'env:WITH SPACE',
    'ENV:UPPER_SCHEME',
    'vault:',
    'vault:#token',
    'vault:secret/data/agent#',
    'vault:secret data#token',
    'op://a/b',
    'op://a/b/c/d/e',
    'op://a//c',
    'op:///b/c',
    'op://a/b/',
    'file:',
    'file: ./leading-space',
    'https://vault.example/secret',
    'http://127.0.0.1:9090',
    '',
    'ZENDESK_TOKEN',
    ' env:ZENDESK_TOKEN',
  ])('rejects %j', (ref) => {
    expect(parseSecretRef(ref)).toBeUndefined();
  });

  it('rejects a bare token', () => {
    expect(parseSecretRef(tokens.generic)).toBeUndefined();
    expect(parseSecretRef(tokens.githubPat)).toBeUndefined();
  });
});
