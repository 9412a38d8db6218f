/**
 * The one redactor: every writer of text that quotes the outside world (a metric source's answer,
 * a command's output, a URL, an agent's reply, a drill step) puts it through a Redactor before it
 * reaches the terminal, a report or the append-only audit trail.
 *
 * It removes two things:
 * - the known secrets of the run (every `env:` value the manifest references, at least
 *   MIN_KNOWN_SECRET_LENGTH characters), exactly and in the encodings a source or a command may
 *   echo them in: URL-encoded, base64 and base64url (at each of the three byte alignments a
 *   secret can have inside a longer encoded text) and hex in either case;
 * - any text with one of the named token shapes of the secret detector (`ghp_…`, `xoxb-…`,
 *   `sk-…`, `AKIA…`, private key blocks, JWTs, passwords in URLs), whether or not the manifest
 *   names it. Not the detector's high-entropy tier: that would hide hashes and ids.
 *
 * Pure module: no fs, no process, no console.
 */
import type { Manifest } from './types.js';
import { findTokenShapes, parseSecretRef } from './secrets.js';

export const REDACTED = '[REDACTED]';

/** Shorter known values are not redacted: they would hide ordinary words and numbers. */
export const MIN_KNOWN_SECRET_LENGTH = 8;

/** An encoded form shorter than this is not looked for (a few base64 characters match by chance). */
const MIN_FORM_LENGTH = 6;

export interface Redactor {
  /** `text` with every secret replaced by [REDACTED]. */
  text(text: string): string;
  /** Every string inside a JSON-like value (keys included) redacted; other values as they are. */
  deep<T>(value: T): T;
}

/**
 * The base64 text that encodes `bytes` wherever they sit, for each alignment: with `pad` bytes
 * (0, 1 or 2) before them, the characters whose six bits all come from `bytes`.
 */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (const pad of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(pad), bytes]).toString('base64');
    const first = Math.ceil((8 * pad) / 6);
    const end = Math.floor((8 * (pad + bytes.length)) / 6);
    cores.push(encoded.slice(first, end));
  }
  return cores;
}

/** The forms a secret may take in output: itself, URL-encoded, base64, base64url, hex. */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const bytes = Buffer.from(secret, 'utf8');
  forms.add(encodeURIComponent(secret));
  forms.add(encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (percent) => percent.toLowerCase()));
  forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
  for (const core of base64Cores(bytes)) {
    forms.add(core);
    forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  const hex = bytes.toString('hex');
  forms.add(hex);
  forms.add(hex.toUpperCase());
  return [...forms].filter((form) => form.length >= MIN_FORM_LENGTH);
}

/** The secret values a known value stands for: itself, and the token after an auth scheme (`Bearer x`). */
function knownValues(value: string): string[] {
  const values = [value];
  const token = /^(?:Bearer|Basic|Token)\s+(\S.*)$/i.exec(value)?.[1];
  if (token !== undefined) values.push(token);
  return values.filter((v) => v.length >= MIN_KNOWN_SECRET_LENGTH);
}

type Span = [number, number];

/** `text` with each span (sorted, not overlapping) replaced by the marker. */
function replaceSpans(text: string, spans: readonly Span[]): string {
  let out = '';
  let pos = 0;
  for (const [start, end] of spans) {
    out += text.slice(pos, start) + REDACTED;
    pos = end;
  }
  return out + text.slice(pos);
}

/** Whether a list holds only numbers, or lists of numbers (a series of samples): nothing to redact. Loops, no closures: a series may hold a million samples. */
function holdsNoText(list: readonly unknown[]): boolean {
  for (const item of list) {
    if (typeof item === 'number') continue;
    if (!Array.isArray(item)) return false;
    for (const inner of item as unknown[]) if (typeof inner !== 'number') return false;
  }
  return true;
}

/** A Redactor for the run's known secret values (shorter ones are ignored) and every token shape. */
export function createRedactor(secrets: readonly string[] = []): Redactor {
  const forms = [
    ...new Set(
      secrets
        .filter((s) => typeof s === 'string')
        .flatMap(knownValues)
        .flatMap(secretForms),
    ),
  ].sort((a, b) => b.length - a.length);
  const text = (input: string): string => {
    if (typeof input !== 'string' || input.length === 0) return input;
    const spans: Span[] = [];
    for (const form of forms) {
      for (let at = input.indexOf(form); at !== -1; at = input.indexOf(form, at + 1)) spans.push([at, at + form.length]);
    }
    for (const match of findTokenShapes(input)) spans.push([match.start, match.end]);
    if (spans.length === 0) return input;
    // Merge overlaps first, so no fragment of either secret survives between two markers.
    spans.sort((a, b) => a[0] - b[0]);
    const merged: Span[] = [];
    for (const span of spans) {
      const last = merged.at(-1);
      if (last && span[0] <= last[1] - 1) last[1] = Math.max(last[1], span[1]);
      else merged.push([span[0], span[1]]);
    }
    return replaceSpans(input, merged);
  };
  const deep = <T>(value: T): T => {
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return text(v);
      // A series (a list of [time, value] samples) holds no text: kept as it is, not copied.
      if (Array.isArray(v)) return holdsNoText(v) ? v : v.map(walk);
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), walk(x)]));
      return v;
    };
    return walk(value) as T;
  };
  return { text, deep };
}

const ENV_REFERENCE = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * The names of the environment variables that hold secrets: every `env:NAME` secretRef in the
 * inventory, and every `env:NAME` header of a probe, a metric source or the guardrail endpoint.
 */
export function secretVariableNames(manifest: Manifest): string[] {
  const names = new Set<string>();
  for (const credential of manifest.inventory?.credentials ?? []) {
    const ref = credential.secretRef === undefined ? undefined : parseSecretRef(credential.secretRef);
    if (ref?.scheme === 'env') names.add(ref.target);
  }
  const headerSets = [
    ...(manifest.rollback?.verify ?? []).map((probe) => probe.http?.headers),
    manifest.guardrails?.boundaries?.tests?.http?.headers,
    ...Object.values(manifest.metrics?.sources ?? {}).map((source) => source?.headers),
  ];
  for (const headers of headerSets) {
    for (const value of Object.values(headers ?? {})) {
      const name = typeof value === 'string' ? ENV_REFERENCE.exec(value)?.[1] : undefined;
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

/** The values those variables hold in this environment: what must never be recorded or printed. */
export function secretValues(manifest: Manifest, env: NodeJS.ProcessEnv): string[] {
  return secretVariableNames(manifest)
    .map((name) => env[name])
    .filter((value): value is string => typeof value === 'string' && value !== '');
}

/** The redactor of a run on `manifest` in `env`. */
export function runRedactor(manifest: Manifest, env: NodeJS.ProcessEnv): Redactor {
  return createRedactor(secretValues(manifest, env));
}
