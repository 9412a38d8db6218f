/**
 * Literal-secret detection and secret-reference parsing for rollout manifests.
 *
 * A manifest must only ever hold *references* to secrets (`env:NAME`,
 * `vault:path#field`, `op://vault/item/field`, `file:path`); a literal key
 * pasted anywhere in it is a validation error. The rules below are modelled on
 * the public gitleaks rule set (prefixes, lengths, entropy thresholds), written
 * independently and tuned for the strings a rollout manifest actually holds
 * (PromQL, URLs, argv entries, ids, prose, hashes, model names, scopes).
 *
 * Pure module: no fs, no process, no console.
 */

export interface SecretMatch {
  /** stable rule name, e.g. 'github-pat' */
  rule: string;
  /** what it looks like, for a message: e.g. 'a GitHub personal access token' */
  description: string;
  /** UTF-16 offsets of the secret inside the scanned string */
  start: number;
  end: number;
}

export type SecretRefScheme = 'env' | 'vault' | 'op' | 'file';

export interface SecretRef {
  scheme: SecretRefScheme;
  target: string;
}

// ---------------------------------------------------------------------------
// Secret references
// ---------------------------------------------------------------------------

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function hasOuterWhitespace(s: string): boolean {
  return s.trim() !== s;
}

/**
 * Parses a secretRef; undefined when it is not a well-formed reference.
 * `target` is the text after the scheme prefix (`env:`, `vault:`, `op://`, `file:`).
 */
export function parseSecretRef(ref: string): SecretRef | undefined {
  if (typeof ref !== 'string') return undefined;

  if (ref.startsWith('env:')) {
    const target = ref.slice('env:'.length);
    return ENV_VAR_NAME.test(target) ? { scheme: 'env', target } : undefined;
  }

  if (ref.startsWith('vault:')) {
    const target = ref.slice('vault:'.length);
    const hash = target.indexOf('#');
    const path = hash === -1 ? target : target.slice(0, hash);
    const field = hash === -1 ? undefined : target.slice(hash + 1);
    if (!/^[^\s#]+$/.test(path) || /^\/+$/.test(path)) return undefined;
    if (field !== undefined && !/^[^\s#]+$/.test(field)) return undefined;
    if (hasControlChar(target)) return undefined;
    return { scheme: 'vault', target };
  }

  if (ref.startsWith('op://')) {
    const target = ref.slice('op://'.length);
    const segments = target.split('/');
    if (segments.length < 3 || segments.length > 4) return undefined;
    const ok = segments.every((s) => s.length > 0 && !hasOuterWhitespace(s) && !hasControlChar(s));
    return ok ? { scheme: 'op', target } : undefined;
  }

  if (ref.startsWith('file:')) {
    const target = ref.slice('file:'.length);
    if (target.length === 0 || hasOuterWhitespace(target) || hasControlChar(target)) return undefined;
    return { scheme: 'file', target };
  }

  return undefined;
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

interface Span {
  start: number;
  end: number;
}

/** Shannon entropy in bits per character (UTF-16 code units). */
function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function hasUpperLowerDigit(s: string): boolean {
  return /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s);
}

function isUrl(s: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S*$/.test(s);
}

function isEmail(s: string): boolean {
  return /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(s);
}

/** `${VAR}`, `$VAR`, `{{ x }}`, `<your-token>`, `%s`, `****`, `xxxx`. */
function isPlaceholder(s: string): boolean {
  if (s.includes('${') || s.includes('{{') || s.includes('$(')) return true;
  if (/^\$[A-Za-z_][A-Za-z0-9_]*$/.test(s)) return true;
  if (/^<[^<>]+>$/.test(s)) return true;
  if (/^%[sdv]$/.test(s)) return true;
  if (/^(?:\*+|x+|X+|\.+)$/.test(s)) return true;
  return false;
}

/**
 * A file path: explicit `/`, `./`, `../`, `~/` or drive-letter prefix, or a
 * slash-separated value whose segments are lowercase words (`scripts/revoke.sh`,
 * `anthropic/claude-sonnet-4-5`, `secret/data/agent`) or that ends in a file
 * extension. Mixed-case slash-separated values are NOT treated as paths because
 * standard base64 secrets contain '/'.
 */
function isPathLike(s: string): boolean {
  if (/^(?:\.{1,2}[\\/]|~[\\/]|\/(?!\/)|[A-Za-z]:[\\/])/.test(s)) return true;
  if (!/[\\/]/.test(s)) return false;
  const segments = s.split(/[\\/]/).filter((seg) => seg.length > 0);
  if (segments.every((seg) => /^[a-z0-9._@-]+$/.test(seg))) return true;
  const last = segments[segments.length - 1] ?? '';
  return /^[A-Za-z0-9_-]+\.[A-Za-z][A-Za-z0-9]{0,5}$/.test(last) && !/[+=]/.test(s);
}

/**
 * An identifier made of words: `github-app-token`, `zendesk-ro`,
 * `support_triage_v2`, `ZENDESK_API_TOKEN`. Single case, 2+ segments, every
 * segment letters (optionally followed by up to 3 digits) or a short number.
 */
function isWordIdentifier(s: string): boolean {
  if (s !== s.toLowerCase() && s !== s.toUpperCase()) return false;
  const segments = s.split(/[-_.:]/);
  if (segments.length < 2) return false;
  return segments.every((seg) => /^(?:[A-Za-z]+[0-9]{0,3}|[0-9]{1,4})$/.test(seg));
}

/** Splits `apiKey`, `api_key`, `X-Api-Key`, `AWS_SECRET_ACCESS_KEY` into lowercase words. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

const SECRET_KEY =
  /(api[_-]?key|secret|token(?!i[sz])|password|passwd|pwd|private[_-]?key|access[_-]?key|auth(?!or(?!i[sz]))|credential|bearer)/i;

/** Last words that make a key hold a *name* of a secret rather than the secret. */
const NON_SECRET_LAST_WORDS = new Set([
  'id',
  'ids',
  'name',
  'names',
  'type',
  'types',
  'kind',
  'mode',
  'method',
  'url',
  'urls',
  'uri',
  'endpoint',
  'env',
  'header',
  'scheme',
  'provider',
  'scope',
  'scopes',
  'ttl',
  'expiry',
  'expires',
  'length',
  'count',
  'format',
  'field',
  'path',
  'file',
  'dir',
  'version',
]);

/**
 * Whether a JSON property / argv flag / env-var name says it holds a secret.
 * `credential` (a credential id such as `zendesk-ro`) and `...Id`, `...Name`,
 * `...Url`, `...Path` style keys do not. `secretRef` does: a valid reference is
 * filtered out by value, and a literal pasted there is exactly what we want to catch
 * (an id such as `github-app-token` is filtered out by value too).
 */
/** isSecretKey's answers: a manifest repeats a few dozen keys thousands of times. Bounded. */
const secretKeyAnswers = new Map<string, boolean>();

function isSecretKey(key: string | undefined): boolean {
  if (key === undefined) return false;
  let answer = secretKeyAnswers.get(key);
  if (answer === undefined) {
    answer = judgeSecretKey(key);
    if (secretKeyAnswers.size < 10_000) secretKeyAnswers.set(key, answer);
  }
  return answer;
}

function judgeSecretKey(key: string): boolean {
  if (!SECRET_KEY.test(key)) return false;
  const words = keyWords(key);
  if (words.length === 0) return false;
  if (words.length === 1 && (words[0] === 'credential' || words[0] === 'credentials')) return false;
  return !NON_SECRET_LAST_WORDS.has(words[words.length - 1] ?? '');
}

function isAwsSecretKeyName(key: string | undefined): boolean {
  return isSecretKey(key) && /aws|secret/i.test(key ?? '');
}

// ---------------------------------------------------------------------------
// Specific (pattern) rules
// ---------------------------------------------------------------------------

interface PatternRule {
  rule: string;
  description: string;
  find(text: string): Span[];
}

/**
 * A regex rule. The secret is the named group `s` when present, else the whole
 * match. `pattern` must carry the `g` and `d` flags.
 */
function regexRule(rule: string, description: string, pattern: RegExp, validate?: (secret: string) => boolean): PatternRule {
  return {
    rule,
    description,
    find(text) {
      const spans: Span[] = [];
      for (const m of text.matchAll(pattern)) {
        const group = m.indices?.groups?.['s'];
        const start = group ? group[0] : (m.index ?? 0);
        const end = group ? group[1] : start + m[0].length;
        const secret = text.slice(start, end);
        if (validate === undefined || validate(secret)) spans.push({ start, end });
      }
      return spans;
    },
  };
}

const PRIVATE_KEY_HEADER = /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/g;
const PRIVATE_KEY_FOOTER = /-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/g;
/** First character that cannot be part of a PEM body (PEM bodies may hold `Proc-Type: 4,ENCRYPTED` and JSON-escaped `\n`). */
const NOT_PEM_BODY = /[^\sA-Za-z0-9+/=:,\\-]/g;
/** Key material: a long base64 run. */
const KEY_MATERIAL = /[A-Za-z0-9+/=]{32}/g;

/**
 * `re` (global) searched from `from`, memoised so that a sequence of
 * non-decreasing `from` values costs one pass over the text overall.
 */
function forwardSearch(re: RegExp, text: string): (from: number) => number {
  let cachedFrom = Infinity;
  let cachedAt = -1;
  return (from) => {
    if (from >= cachedFrom && from <= cachedAt) return cachedAt;
    re.lastIndex = from;
    const m = re.exec(text);
    cachedFrom = from;
    cachedAt = m === null ? text.length : m.index;
    return cachedAt;
  };
}

const privateKeyRule: PatternRule = {
  rule: 'private-key',
  description: 'a private key block',
  find(text) {
    const spans: Span[] = [];
    const bodyRegionEnd = forwardSearch(NOT_PEM_BODY, text);
    const keyMaterialAt = forwardSearch(KEY_MATERIAL, text);
    const footerAt = forwardSearch(PRIVATE_KEY_FOOTER, text);
    for (const m of text.matchAll(PRIVATE_KEY_HEADER)) {
      const start = m.index ?? 0;
      const previous = spans[spans.length - 1];
      if (previous !== undefined && start < previous.end) continue; // inside a block already reported
      const headerEnd = start + m[0].length;
      const material = keyMaterialAt(headerEnd);
      const footer = footerAt(headerEnd);
      if (footer < text.length) {
        // A header alone (e.g. in prose) leaks nothing: require key material before the footer.
        if (material >= footer) continue;
        PRIVATE_KEY_FOOTER.lastIndex = footer;
        const footerLength = PRIVATE_KEY_FOOTER.exec(text)?.[0].length ?? 0;
        spans.push({ start, end: footer + footerLength });
      } else {
        // Truncated block: the key material must follow the header directly.
        const regionEnd = bodyRegionEnd(headerEnd);
        if (material >= regionEnd) continue;
        spans.push({ start, end: headerEnd + text.slice(headerEnd, regionEnd).trimEnd().length });
      }
    }
    return spans;
  },
};

/** Password inside `scheme://user:password@host`, unless it is a placeholder. */
const urlCredentialsRule = regexRule(
  'url-credentials',
  'a password embedded in a URL',
  /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/?#@"'<>]*:(?<s>[^\s/?#@"'<>]+)@(?=[A-Za-z0-9[])/dg,
  (password) => !isPlaceholder(password) && !/^\$/.test(password),
);

function notAwsExample(secret: string): boolean {
  return !secret.endsWith('EXAMPLE') && shannonEntropy(secret) >= 3;
}

/** Ordered: on equal start offsets the earlier rule wins. */
const PATTERN_RULES: readonly PatternRule[] = [
  privateKeyRule,
  regexRule('anthropic-admin-api-key', 'an Anthropic admin API key', /(?<![A-Za-z0-9])sk-ant-admin\d{2}-[A-Za-z0-9_-]{80,}/dg),
  regexRule('anthropic-api-key', 'an Anthropic API key', /(?<![A-Za-z0-9])sk-ant-api\d{2}-[A-Za-z0-9_-]{80,}/dg),
  regexRule(
    'openai-api-key',
    'an OpenAI API key',
    /(?<![A-Za-z0-9])sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{40,}/dg,
    (s) => s.includes('T3BlbkFJ') || hasUpperLowerDigit(s.slice(s.indexOf('-', 3) + 1)),
  ),
  regexRule('openai-api-key', 'an OpenAI API key', /(?<![A-Za-z0-9])sk-[A-Za-z0-9]{48}(?![A-Za-z0-9_-])/dg),
  regexRule('openai-api-key', 'an OpenAI API key', /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{8,}T3BlbkFJ[A-Za-z0-9_-]{8,}/dg),
  regexRule(
    'aws-access-key-id',
    'an AWS access key ID',
    /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])/dg,
    notAwsExample,
  ),
  regexRule('github-pat', 'a GitHub personal access token', /(?<![A-Za-z0-9])ghp_[A-Za-z0-9]{36}(?![A-Za-z0-9])/dg),
  regexRule(
    'github-fine-grained-pat',
    'a GitHub fine-grained personal access token',
    /(?<![A-Za-z0-9])github_pat_[A-Za-z0-9_]{82}(?![A-Za-z0-9_])/dg,
  ),
  regexRule('github-oauth-token', 'a GitHub OAuth access token', /(?<![A-Za-z0-9])gho_[A-Za-z0-9]{36}(?![A-Za-z0-9])/dg),
  regexRule('github-app-token', 'a GitHub App token', /(?<![A-Za-z0-9])gh[us]_[A-Za-z0-9]{36}(?![A-Za-z0-9])/dg),
  regexRule('github-refresh-token', 'a GitHub refresh token', /(?<![A-Za-z0-9])ghr_[A-Za-z0-9]{36}(?![A-Za-z0-9])/dg),
  regexRule('gitlab-pat', 'a GitLab personal access token', /(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}/dg),
  regexRule(
    'slack-webhook-url',
    'a Slack incoming webhook URL',
    /(?:https?:\/\/)?hooks\.slack\.com\/(?:services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}|(?:workflows|triggers)\/[A-Za-z0-9+/]{20,})/dg,
  ),
  regexRule('slack-token', 'a Slack token', /(?<![A-Za-z0-9])(?:xoxe\.)?xox[abeoprs]-[A-Za-z0-9-]{10,}/dg, (s) => /[0-9]/.test(s.slice(5))),
  regexRule('slack-app-token', 'a Slack app-level token', /(?<![A-Za-z0-9])xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+/dg),
  regexRule('gcp-api-key', 'a Google API key', /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/dg),
  regexRule('stripe-secret-key', 'a Stripe secret key', /(?<![A-Za-z0-9])sk_(?:live|test|prod)_[A-Za-z0-9]{20,99}(?![A-Za-z0-9])/dg),
  regexRule(
    'stripe-restricted-key',
    'a Stripe restricted key',
    /(?<![A-Za-z0-9])rk_(?:live|test|prod)_[A-Za-z0-9]{20,99}(?![A-Za-z0-9])/dg,
  ),
  regexRule('npm-access-token', 'an npm access token', /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/dg),
  regexRule('huggingface-access-token', 'a Hugging Face access token', /(?<![A-Za-z0-9])hf_[A-Za-z]{34}(?![A-Za-z0-9])/dg),
  regexRule('sendgrid-api-key', 'a SendGrid API key', /(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/dg),
  regexRule('jwt', 'a JSON Web Token', /(?<![A-Za-z0-9_-])ey[A-Za-z0-9_-]{15,}\.ey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/dg),
  urlCredentialsRule,
];

/**
 * Every PATTERN_RULES match contains one of these: a cheap test that lets the common string (an
 * id, a query, a sentence) skip the thirty rule regexes. Keep it in step with PATTERN_RULES.
 */
// A necessary condition for at least one pattern rule, so the ~25 expressions run (and compile)
// only for a string that may hold one. Each anchor carries its rule's own lookbehind: "sk-" alone
// matched every "zendesk-ro" and "risk-review".
const PATTERN_ANCHORS =
  /-----BEGIN|T3BlbkFJ|hooks\.slack\.com|:\/\/[^\s@]*@|(?<![A-Za-z0-9])(?:sk-|AKIA|ASIA|ABIA|ACCA|A3T|gh[pousr]_|github_pat_|glpat-|xox|xapp-|[sr]k_(?:live|test|prod)_|npm_|hf_|SG\.)|(?<![A-Za-z0-9_-])(?:AIza|ey[A-Za-z0-9_-]{15,}\.ey)/;

const AWS_SECRET_ACCESS_KEY = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

function looksLikeAwsSecret(s: string): boolean {
  return /^[A-Za-z0-9/+]{40}$/.test(s) && hasUpperLowerDigit(s) && shannonEntropy(s) >= 3.5;
}

// ---------------------------------------------------------------------------
// Generic rules
// ---------------------------------------------------------------------------

const GENERIC: Pick<SecretMatch, 'rule' | 'description'> = {
  rule: 'generic-secret',
  description: 'a literal secret value (the key name says it is a credential)',
};
const AWS_SECRET: Pick<SecretMatch, 'rule' | 'description'> = {
  rule: 'aws-secret-access-key',
  description: 'an AWS secret access key',
};
const HIGH_ENTROPY: Pick<SecretMatch, 'rule' | 'description'> = {
  rule: 'high-entropy-string',
  description: 'a high-entropy string that looks like a credential',
};

/** Strips an HTTP auth scheme (`Bearer x`, `Basic x`, `Token x`) from a value. */
function stripAuthScheme(value: string): { token: string; offset: number } {
  const m = /^(?:Bearer|Basic|Token)\s+(?=\S)/i.exec(value);
  return m ? { token: value.slice(m[0].length), offset: m[0].length } : { token: value, offset: 0 };
}

/** The value is a literal secret given that its key is secret-sounding. */
function isGenericSecretValue(value: string): boolean {
  if (value.length < 16 || /\s/.test(value)) return false;
  if (shannonEntropy(value) < 3.5) return false;
  if (parseSecretRef(value) !== undefined) return false;
  if (isPlaceholder(value) || isUrl(value) || isPathLike(value) || isEmail(value)) return false;
  if (isWordIdentifier(value)) return false;
  return true;
}

/** Classifies `value` (already known to sit under `key`) as a key-sensitive secret. */
function keySensitiveMatch(key: string, value: string, offset: number): SecretMatch | undefined {
  if (!isSecretKey(key)) return undefined;
  const { token, offset: schemeOffset } = stripAuthScheme(value);
  if (isAwsSecretKeyName(key) && looksLikeAwsSecret(token)) {
    return { ...AWS_SECRET, start: offset + schemeOffset, end: offset + schemeOffset + token.length };
  }
  if (isGenericSecretValue(token)) {
    return { ...GENERIC, start: offset + schemeOffset, end: offset + schemeOffset + token.length };
  }
  return undefined;
}

/**
 * `--api-key=VALUE`, `API_TOKEN=VALUE`, `password: VALUE`, `?access_token=VALUE`,
 * `Authorization: Bearer VALUE` inside a larger string.
 */
const INLINE_ASSIGNMENT =
  /(?<![A-Za-z0-9_.-])-{0,2}(?<k>[A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*(?:=|:(?!\/\/))[ \t]*["']?(?<v>(?:(?:Bearer|Basic|Token)[ \t]+)?[^\s"'&;,?#)}\]]+)/dg;

function inlineAssignmentMatches(text: string): SecretMatch[] {
  const out: SecretMatch[] = [];
  for (const m of text.matchAll(INLINE_ASSIGNMENT)) {
    const k = m.groups?.['k'];
    const v = m.groups?.['v'];
    const vAt = m.indices?.groups?.['v'];
    if (k === undefined || v === undefined || vAt === undefined) continue;
    const found = keySensitiveMatch(k, v, vAt[0]);
    if (found) out.push(found);
  }
  return out;
}

/** Intervals covered by public PEM blocks (certificates, public keys): base64 there is not secret. */
function publicPemIntervals(text: string): Span[] {
  const spans: Span[] = [];
  const re = /-----BEGIN (?![A-Z0-9 ]*PRIVATE)[A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;
  for (const m of text.matchAll(re)) spans.push({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  return spans;
}

const WORD = /[^\s"'`()[\]{}<>,;|]+/g;
const TOKEN_RUN = /[A-Za-z0-9+/_-]+={0,2}/g;

function highEntropyMatches(text: string): SecretMatch[] {
  const out: SecretMatch[] = [];
  const publicBlocks = publicPemIntervals(text);
  for (const w of text.matchAll(WORD)) {
    const word = w[0];
    const wordStart = w.index ?? 0;
    if (word.length < 32) continue;
    if (word.includes('://') || isEmail(word) || isPlaceholder(word)) continue;
    if (parseSecretRef(word) !== undefined) continue;
    if (/^(?:sha(?:1|224|256|384|512)|md5|blake2[bs]?)[-:=]/i.test(word)) continue;
    for (const r of word.matchAll(TOKEN_RUN)) {
      let run = r[0];
      let start = wordStart + (r.index ?? 0);
      const lead = /^[-_]+/.exec(run)?.[0].length ?? 0;
      run = run.slice(lead);
      start += lead;
      if (run.length < 32) continue;
      if (parseSecretRef(run) !== undefined || isPathLike(run)) continue;
      if (!hasUpperLowerDigit(run) || shannonEntropy(run) < 4.5) continue;
      if (publicBlocks.some((b) => start >= b.start && start < b.end)) continue;
      out.push({ ...HIGH_ENTROPY, start, end: start + run.length });
    }
  }
  return out;
}

function earliest(matches: readonly SecretMatch[]): SecretMatch | undefined {
  let best: SecretMatch | undefined;
  for (const m of matches) {
    if (best === undefined || m.start < best.start) best = m;
  }
  return best;
}

// ---------------------------------------------------------------------------
// findSecret
// ---------------------------------------------------------------------------

/**
 * The first literal secret inside `text`, or undefined. `key` is the JSON
 * property name that holds the string, when there is one; it lets generic
 * rules fire on e.g. {"apiKey": "..."} but not on an arbitrary id.
 *
 * Precedence: specific rules (known token formats, private keys, URL
 * credentials, and an AWS secret key under an aws/secret key name) win over
 * key-sensitive generic matches, which win over the key-independent
 * high-entropy rule. Within a tier the match with the lowest start wins.
 */
export function findSecret(text: string, key?: string): SecretMatch | undefined {
  if (typeof text !== 'string' || text.length === 0) return undefined;
  const anchored = PATTERN_ANCHORS.test(text);
  // Most strings in a manifest are short ids and words under ordinary keys. Then no tier below can
  // match: tier 1 needs an anchor (its AWS rule 40 characters), tier 2 a secret-sounding key or an
  // `=`/`:`, tier 3 32 characters. Answering them here halves the scan of a typical manifest.
  if (!anchored && text.length < 32 && !isSecretKey(key) && !/[=:]/.test(text)) return undefined;
  const wholeValueIsRef = parseSecretRef(text.trim()) !== undefined;

  // Tier 1: specific formats.
  const specific: SecretMatch[] = [];
  for (const r of anchored ? PATTERN_RULES : []) {
    for (const span of r.find(text)) specific.push({ rule: r.rule, description: r.description, ...span });
  }
  if (!wholeValueIsRef && isAwsSecretKeyName(key)) {
    for (const m of text.matchAll(AWS_SECRET_ACCESS_KEY)) {
      const start = m.index ?? 0;
      if (looksLikeAwsSecret(m[0]) && !isPathLike(m[0])) {
        specific.push({ ...AWS_SECRET, start, end: start + m[0].length });
      }
    }
  }
  const first = earliest(specific);
  if (first) return first;

  // Tier 2: key-sensitive generic (whole value under `key`, then inline `k=v`).
  const generic: SecretMatch[] = [];
  if (key !== undefined && !wholeValueIsRef) {
    const trimmed = text.trim();
    const whole = keySensitiveMatch(key, trimmed, text.indexOf(trimmed));
    if (whole) generic.push(whole);
  }
  // An inline `k=v` counts only under a secret-sounding k, and such a k makes SECRET_KEY match
  // the whole text too: a cheap test first, before the assignment expression.
  if (/[=:]/.test(text) && SECRET_KEY.test(text)) generic.push(...inlineAssignmentMatches(text));
  const firstGeneric = earliest(generic);
  if (firstGeneric) return firstGeneric;

  // Tier 3: key-independent high entropy.
  // Length first: most values are short ids, and the regex is the costlier test.
  if (wholeValueIsRef || text.length < 32 || !/\S{32}/.test(text)) return undefined;
  return earliest(highEntropyMatches(text));
}

// ---------------------------------------------------------------------------
// findTokenShapes
// ---------------------------------------------------------------------------

/**
 * Every match of the named token shapes (tier 1 above: provider prefixes such as `ghp_`,
 * `xoxb-`, `sk-`, `AKIA`, private key blocks, JWTs, passwords in URLs) in `text`, in order. Not
 * the key-sensitive or high-entropy tiers: those need a key to judge by or would hide ordinary
 * data (hashes, ids) in output. What the redactor removes from any text, named or not.
 */
export function findTokenShapes(text: string): SecretMatch[] {
  if (typeof text !== 'string' || text.length === 0 || !PATTERN_ANCHORS.test(text)) return [];
  const found: SecretMatch[] = [];
  for (const r of PATTERN_RULES) {
    for (const span of r.find(text)) found.push({ rule: r.rule, description: r.description, ...span });
  }
  return found.sort((a, b) => a.start - b.start || b.end - a.end);
}
