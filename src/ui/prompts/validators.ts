import { parseDuration } from '../../time/duration.js';
import { findSecret, parseSecretRef } from '../../manifest/secrets.js';

/**
 * What every prompt checks before it accepts an answer. Each returns true, or the reason the
 * prompt shows while it asks again. Pure.
 */
export type Check = (value: string) => true | string;

const ID = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;
const ORG = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

/** An id: lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit; not taken. */
export function checkId(options: { taken?: readonly string[]; what?: string; optional?: boolean } = {}): Check {
  return (raw) => {
    const value = raw.trim();
    if (value === '') return options.optional ? true : `enter ${options.what ? `the ${options.what}'s` : 'an'} id`;
    if (value.length > 64) return 'an id has at most 64 characters';
    if (/[A-Z]/.test(value)) return `ids are lowercase: ${value.toLowerCase()}`;
    if (!ID.test(value)) return "use lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit";
    if (options.taken?.includes(value)) return `${options.what ?? 'an entry'} "${value}" already exists: choose another id`;
    return true;
  };
}

/** Some text, required. */
export function checkRequired(what: string): Check {
  return (value) => (value.trim() === '' ? `enter ${what}` : true);
}

/** A Prometheus-style duration: 30s, 10m, 12h, 7d, 2w, 1h30m. */
export function checkDuration(options: { optional?: boolean } = {}): Check {
  return (raw) => {
    const value = raw.trim();
    if (value === '') return options.optional ? true : 'enter a duration, e.g. 7d';
    return parseDuration(value) === undefined
      ? `"${value}" is not a duration: a number and a unit (ms, s, m, h, d, w, y), e.g. 30s, 10m, 7d, 1h30m`
      : true;
  };
}

/** A number, within bounds; empty when optional. */
export function checkNumber(options: { min?: number; max?: number; integer?: boolean; optional?: boolean; what?: string } = {}): Check {
  return (raw) => {
    const value = raw.trim();
    if (value === '') return options.optional ? true : `enter ${options.what ?? 'a number'}`;
    const number = Number(value);
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value) || !Number.isFinite(number)) return `"${value}" is not a number`;
    if (options.integer && !Number.isInteger(number)) return 'enter a whole number';
    if (options.min !== undefined && number < options.min) return `enter at least ${options.min}`;
    if (options.max !== undefined && number > options.max) return `enter at most ${options.max}`;
    return true;
  };
}

/** Where a secret lives, never the secret: env:NAME, vault:path, op://vault/item/field, file:path. */
export function checkSecretRef(options: { optional?: boolean } = {}): Check {
  return (raw) => {
    const value = raw.trim();
    if (value === '') return options.optional ? true : 'enter where the secret lives, e.g. env:AGENT_TOKEN';
    if (parseSecretRef(value)) return true;
    const secret = findSecret(value, 'secretRef');
    if (secret)
      return `this looks like a secret itself (${secret.description}): never paste a secret; write where it lives, e.g. env:AGENT_TOKEN or vault:secret/agent`;
    return 'write where the secret lives: env:NAME, vault:path, op://vault/item/field or file:path';
  };
}

/** A five-field cron expression. */
export function checkCron(): Check {
  return (raw) =>
    /^\S+(\s+\S+){4}$/.test(raw.trim())
      ? true
      : 'a cron expression has five fields: minute hour day-of-month month day-of-week, e.g. 0 * * * *';
}

/** A comma-separated list; each item checked. */
export function checkList(item: Check, options: { optional?: boolean; what?: string } = {}): Check {
  return (raw) => {
    const items = parseList(raw);
    if (items.length === 0) return options.optional ? true : `enter at least one ${options.what ?? 'item'}`;
    for (const value of items) {
      const result = item(value);
      if (result !== true) return `${value}: ${result}`;
    }
    if (new Set(items).size !== items.length) return 'an item is listed twice';
    return true;
  };
}

/** An organization name as state.orgs and audiences take it. */
export function checkOrg(): Check {
  return (value) => (ORG.test(value) ? true : "use letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
}

/** Anything that is not a literal secret (descriptions, scopes, runbooks, endpoints). */
export function checkNoSecret(): Check {
  return (value) => {
    const secret = findSecret(value);
    return secret ? `this looks like a secret (${secret.description}): the manifest must never hold one` : true;
  };
}

/** A command line, split into its arguments; quotes group, no shell. */
export function checkCommand(options: { optional?: boolean } = {}): Check {
  return (raw) => {
    if (raw.trim() === '') return options.optional ? true : 'enter a command';
    const argv = parseArgv(raw);
    if (argv === undefined) return 'a quote is not closed';
    return checkNoSecret()(raw);
  };
}

/** Combines checks: the first failure wins. */
export function all(...checks: Check[]): Check {
  return (value) => {
    for (const check of checks) {
      const result = check(value);
      if (result !== true) return result;
    }
    return true;
  };
}

/** Items of a comma-separated answer, trimmed, empties dropped. */
export function parseList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A command line as an argument vector: whitespace separates, single or double quotes group. Undefined on an open quote. */
export function parseArgv(raw: string): string[] | undefined {
  const argv: string[] = [];
  let current = '';
  let quote: string | undefined;
  let started = false;
  for (const char of raw.trim()) {
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started || current !== '') argv.push(current);
      current = '';
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (quote) return undefined;
  if (started || current !== '') argv.push(current);
  return argv;
}

/** An argument vector as a command line the parser reads back the same. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((arg) => (arg === '' || /[\s'"]/.test(arg) ? (arg.includes('"') ? `'${arg}'` : `"${arg}"`) : arg)).join(' ');
}
