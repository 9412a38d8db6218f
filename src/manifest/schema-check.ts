import type { Diagnostic } from './diagnostic.js';
import { diagnosticAt } from './diagnostic.js';
import type { JsonValue, Locations } from './json-parse.js';
import { childPointer, fromPointer } from '../json/pointer.js';
import { locate } from './json-parse.js';
import { ruleMeta } from './rules/catalog.js';
import type { RuleId } from './rules/catalog.js';
import { describeValue } from './value-text.js';
import { plural } from '../text/plural.js';

/** The subset of an ajv error (with `verbose: true`) that the translation reads. */
export interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  parentSchema?: Record<string, unknown>;
  data?: unknown;
  propertyName?: string;
}

/** A compiled validator of schemas/rollout.v1.schema.json, as ajv produces it. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

type SchemaNode = Record<string, unknown>;

/** The name a person sees for a pointer: `stages/1/audience` rather than an escaped pointer. */
function where(pointer: string): string {
  const segments = fromPointer(pointer);
  return segments.length === 0 ? 'the manifest' : segments.join('.');
}

function lastSegment(pointer: string): string {
  return fromPointer(pointer).at(-1) ?? '';
}

/** Edit distance, for "did you mean" on unknown keys and enum values. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * What a required property holds where the schema requires it without describing it there (in an
 * if/then, or through a $ref): a test checks that every such property of the schema is here.
 */
export const REQUIRED_PROPERTY_DOCS: Readonly<Record<string, string>> = {
  agent: 'the agent: { "id", "name", "owner", "model" }',
  inventory: 'what the agent holds and reaches: { "credentials", "tools", "dataClasses", "triggers", "costEnvelope" }',
  state: 'where the rollout stands: { "enabled": false, "stage": "<first stage id>", "governanceMode": "observe" }',
  audience: 'who gets the stage, e.g. { "percent": 5 } or { "users": ["alice@example.com"] }',
  governanceMode: 'the governance mode, "observe" or "enforce"',
  cron: 'the schedule as five cron fields, e.g. "0 * * * *"',
  source: 'where the trigger comes from, e.g. "zendesk:ticket.created" (for another agent: its id)',
  url: 'the base URL of the source, e.g. "http://127.0.0.1:9090"',
  run: 'the command as an argument vector, e.g. ["./scripts/metric.sh", "errors"]',
  signal: 'the id of the signal the criterion reads (from metrics.signals), e.g. "error_rate"',
  of: 'what the value is measured against: a dotted path to a number, e.g. "inventory.costEnvelope.usdPerInvocation"',
  withinPercent: 'how far from "of" the value may be, in percent, e.g. 20',
};

function propertyDoc(parent: SchemaNode | undefined, name: string): string | undefined {
  const properties = parent?.['properties'] as Record<string, SchemaNode> | undefined;
  const description = properties?.[name]?.['description'];
  return typeof description === 'string' ? description : REQUIRED_PROPERTY_DOCS[name];
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

/** "A Prometheus-style duration: …, e.g. 30s." → "a Prometheus-style duration: …, e.g. 30s". */
function sentence(description: string): string {
  const text = description.trim().replace(/\.$/, '');
  return /^[A-Z](?![A-Z0-9])/.test(text) ? `${text[0]?.toLowerCase()}${text.slice(1)}` : text;
}

/** A short example of a value of a schema node's type, for a node whose description gives none. */
function example(node: SchemaNode | undefined): string {
  const type = node?.['type'];
  const format = node?.['format'];
  if (format === 'date-time') return '"2026-12-01T09:00:00Z"';
  if (format === 'uri') return '"https://prometheus.example:9090"';
  if (Array.isArray(node?.['enum'])) return JSON.stringify((node['enum'] as unknown[])[0]);
  switch (Array.isArray(type) ? type[0] : type) {
    case 'integer':
      return typeof node?.['minimum'] === 'number' ? String(Math.max(1, node['minimum'] as number)) : '10';
    case 'number':
      return typeof node?.['maximum'] === 'number' && (node['maximum'] as number) <= 1 ? '0.05' : '20';
    case 'boolean':
      return 'true';
    case 'array':
      return '[ … ]';
    case 'object':
      return '{ … }';
    default:
      return '"…"';
  }
}

/** What a field takes, in words with an example: its schema description, else its type. */
function takes(node: SchemaNode | undefined): string {
  const description = node?.['description'];
  if (typeof description === 'string' && description.trim() !== '') {
    const text = sentence(description);
    // An example where the description has none and one helps: numbers, flags, times, URLs.
    const type = node?.['type'];
    const worthAnExample = ['number', 'integer', 'boolean'].includes(String(type)) || node?.['format'] !== undefined;
    return /e\.g\.|such as/.test(text) || !worthAnExample ? `it takes ${text}` : `it takes ${text}, e.g. ${example(node)}`;
  }
  const type = node?.['type'];
  const names = (Array.isArray(type) ? type : [type]).map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(' or ');
  return `write ${names || 'a value'}, e.g. ${example(node)}`;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number';
  return TYPE_NAMES[typeof value] ?? typeof value;
}

interface Translated {
  pointer: string;
  /** Place the finding on the property name rather than its value. */
  onKey?: boolean;
  message: string;
  hint?: string;
  rule?: RuleId;
}

/** Turns one ajv error into words a person can act on; undefined to drop it. */
function translate(error: SchemaError): Translated | undefined {
  const pointer = error.instancePath;
  const parent = error.parentSchema;
  const params = error.params;
  const custom = (parent?.['x-messages'] as Record<string, string> | undefined)?.[error.keyword];
  const rule = parent?.['x-rule'] as RuleId | undefined;
  if (custom) {
    // The message already names what is wrong; the hint says what the object takes, where the schema says.
    const hint =
      typeof parent?.['description'] === 'string'
        ? takes(parent)
        : `keep only the properties the message names for this kind; docs/manifest.md shows a complete ${fromPointer(pointer)[0] ?? 'manifest'} section`;
    return { pointer, message: `${where(pointer)}: ${custom}`, hint };
  }
  switch (error.keyword) {
    case 'required': {
      const name = String(params['missingProperty']);
      const doc = propertyDoc(parent, name);
      return {
        pointer,
        message: `${where(pointer)} is missing the required property "${name}"`,
        hint: doc ? `add "${name}": ${sentence(doc)}` : `add "${name}"`,
      };
    }
    case 'additionalProperties': {
      const name = String(params['additionalProperty']);
      const known = Object.keys((parent?.['properties'] as SchemaNode | undefined) ?? {});
      const suggestion = closest(name, known);
      return {
        pointer: childPointer(pointer, name),
        onKey: true,
        message: `unknown property "${name}" in ${where(pointer)}`,
        hint: suggestion ? `did you mean "${suggestion}"?` : known.length > 0 ? `allowed here: ${known.join(', ')}` : 'remove it',
      };
    }
    case 'type': {
      const expected = String(params['type'])
        .split(',')
        .map((t) => TYPE_NAMES[t] ?? t)
        .join(' or ');
      const numeric = typeof error.data === 'string' && error.data.trim() !== '' && Number.isFinite(Number(error.data));
      const wantsNumber = /number/.test(expected);
      return {
        pointer,
        message: `${where(pointer)} must be ${expected}, not ${typeOf(error.data)}`,
        hint: numeric && wantsNumber ? `write ${String(error.data).trim()} without the quotes: it is a number` : takes(parent),
      };
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(String);
      const suggestion = typeof error.data === 'string' ? closest(error.data, allowed) : undefined;
      return {
        pointer,
        message: `${where(pointer)} is ${describeValue(error.data, lastSegment(pointer))}, which is not one of: ${allowed.join(', ')}`,
        hint: suggestion ? `did you mean "${suggestion}"?` : `use one of: ${allowed.join(', ')}`,
      };
    }
    case 'const':
      return {
        pointer,
        message: `${where(pointer)} must be ${JSON.stringify(params['allowedValue'])}`,
        hint: `write ${JSON.stringify(params['allowedValue'])}`,
      };
    case 'pattern': {
      const doc = typeof parent?.['description'] === 'string' ? (parent['description'] as string) : undefined;
      const subject = error.propertyName === undefined ? where(pointer) : `the name "${error.propertyName}" in ${where(pointer)}`;
      const shown =
        rule === 'AR104'
          ? 'is not a secret reference'
          : `is ${describeValue(error.data, lastSegment(pointer))}, which is not ${parent?.['format'] === 'duration' ? 'a duration' : 'valid here'}`;
      const translated: Translated = {
        pointer: error.propertyName === undefined ? pointer : childPointer(pointer, error.propertyName),
        onKey: error.propertyName !== undefined,
        message: `${subject} ${shown}`,
      };
      translated.hint = doc ? takes(parent) : `write a value that matches ${String(params['pattern'])}`;
      if (rule) translated.rule = rule;
      return translated;
    }
    case 'format': {
      // A value its pattern already refuses (a malformed duration) has that finding; the format
      // adds one only for what the pattern lets through (a well-formed duration over 100 years).
      const pattern = parent?.['pattern'];
      if (typeof pattern === 'string' && typeof error.data === 'string' && !new RegExp(pattern, 'u').test(error.data)) return undefined;
      return {
        pointer,
        hint: takes(parent),
        message:
          params['format'] === 'duration'
            ? `${where(pointer)} is ${describeValue(error.data, lastSegment(pointer))}, which is longer than 100 years`
            : `${where(pointer)} is ${describeValue(error.data, lastSegment(pointer))}, which is not a valid ${String(params['format'])}`,
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'more than', exclusiveMaximum: 'less than' }[
        error.keyword
      ];
      return {
        pointer,
        message: `${where(pointer)} must be ${words} ${String(params['limit'])}, not ${describeValue(error.data, lastSegment(pointer))}`,
        hint: `write a number ${words} ${String(params['limit'])}; ${takes(parent)}`,
      };
    }
    case 'minItems':
      return {
        pointer,
        message: `${where(pointer)} must have at least ${plural(Number(params['limit']), 'item')}`,
        hint: `add ${params['limit'] === 1 ? 'one' : `at least ${String(params['limit'])}`}: ${takes(parent)}`,
      };
    case 'maxItems':
      return {
        pointer,
        message: `${where(pointer)} must have at most ${plural(Number(params['limit']), 'item')}`,
        hint: `keep at most ${plural(Number(params['limit']), 'item')}`,
      };
    case 'minLength':
      return { pointer, message: `${where(pointer)} must not be empty`, hint: takes(parent) };
    case 'maxLength':
      return {
        pointer,
        message: `${where(pointer)} is longer than ${String(params['limit'])} characters`,
        hint: `shorten it to at most ${String(params['limit'])} characters`,
      };
    case 'minProperties':
      return { pointer, message: `${where(pointer)} must not be empty`, hint: `add at least one entry: ${takes(parent)}` };
    case 'propertyNames':
    case 'if':
      // Reported through the errors they wrap.
      return undefined;
    case 'false schema':
      return {
        pointer,
        onKey: true,
        message: `"${lastSegment(pointer)}" is not allowed in ${where(pointer.slice(0, pointer.lastIndexOf('/')))}`,
        hint: `remove "${lastSegment(pointer)}"`,
      };
    default:
      return { pointer, message: `${where(pointer)} ${error.message ?? 'is invalid'}`, hint: takes(parent) };
  }
}

/** Errors of a combinator's branches repeat what its x-messages text says; keep only that text. */
function dropBranchErrors(errors: readonly SchemaError[]): SchemaError[] {
  const explained = errors.filter(
    (error) => (error.parentSchema?.['x-messages'] as Record<string, string> | undefined)?.[error.keyword] !== undefined,
  );
  return errors.filter(
    (error) =>
      !explained.some(
        (owner) =>
          owner !== error && error.schemaPath.startsWith(`${owner.schemaPath}/`) && error.instancePath.startsWith(owner.instancePath),
      ),
  );
}

/**
 * Validates a parsed manifest against the schema and returns AR100 findings (AR104 for a
 * secretRef that is not a reference), each placed on the value it is about.
 */
export function checkSchema(validate: SchemaValidator, value: JsonValue, locations: Locations): Diagnostic[] {
  if (validate(value)) return [];
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const error of dropBranchErrors(validate.errors ?? [])) {
    // The version check runs before the schema and says it better.
    if (error.instancePath === '/version') continue;
    if (error.instancePath === '' && error.keyword === 'required' && error.params['missingProperty'] === 'version') continue;
    const translated = translate(error);
    if (!translated) continue;
    const key = `${translated.pointer}\u0000${translated.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const location = locate(locations, translated.pointer);
    const position = translated.onKey && location.key ? location.key : location.value;
    const rule = translated.rule ?? 'AR100';
    const meta = ruleMeta(rule);
    diagnostics.push(
      diagnosticAt(position, {
        rule,
        severity: meta.severity,
        message: translated.message,
        hint: translated.hint ?? meta.help,
        pointer: translated.pointer,
      }),
    );
  }
  return diagnostics;
}
