#!/usr/bin/env node
// The example finance-ledger agent's guardrail front door, for
// `agent-rollout guardrails test`: it reads one request (an accountant's
// question, or text taken from an invoice or statement line) on stdin and
// prints {"decision": "block"|"refuse"|"redact"|"allow", "reason": "..."}.
//
// It stands in for the real agent with simple, readable rules, applied in
// the order the manifest's guardrails are:
//   1. input inspection, prompt injection  -> block
//   2. input inspection, credentials       -> block
//   3. behaviour boundaries (refuse list)  -> refuse
//   4. input inspection, pii               -> redact (then reconcile the rest)
//   5. anything else                       -> allow
// No network, no model, no state: the same input always gets the same answer.
import process from 'node:process';

const PROMPT_INJECTION = [
  [/\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}\b(?:instructions?|rules|prompts?|guidelines|directives|polic(?:y|ies)|controls?)\b/i, 'asks the agent to drop its instructions or controls'],
  [/\b(?:print|reveal|show|repeat|output|dump)\b[^.\n]{0,30}\b(?:system prompt|hidden instructions|instructions you were given|your (?:instructions|prompt))\b/i, 'asks for the system prompt'],
  [/\byou are now\b|\b(?:system|admin|developer) (?:override|mode)\b/i, 'tries to change the agent\'s role'],
  [/<\/?\s*(?:system|assistant|instructions?)\s*>|\[\/?(?:SYSTEM|INST)\]/i, 'carries fake system or instruction markup'],
];

const CREDENTIALS = [
  [/\b(?:password|passwd|passphrase|pwd)\s*(?:is|=|:)\s*\S+/i, 'a password'],
  [/\b(?:api[ _-]?key|secret(?:[ _-]?key)?|access[ _-]?token|auth[ _-]?token|token)\s*(?:is|=|:)\s*\S{6,}/i, 'an API key or token'],
  [/\bBearer\s+[A-Za-z0-9._~+/-]{8,}/, 'a bearer token'],
  [/\b(?:one-time|backup|recovery|2fa|mfa|otp|verification)\s+codes?\b[^.\n]{0,40}?(?:is|=|:)\s*\S{4,}/i, 'a one-time or backup code'],
];

// One entry per item of guardrails.boundaries.refuse in ../rollout.json.
const REFUSE = [
  {
    boundary: 'approving, releasing or scheduling payments',
    re: /\b(?:approve|release|execute|send|schedule|initiate|make|authori[sz]e)\b[^.?!]{0,40}\b(?:payments?|payment runs?|wires?|wire transfers?|bank transfers?|remittances?)\b/i,
  },
  {
    boundary: 'changing vendor bank details or other vendor master data',
    re: /\b(?:change|update|replace|set|edit|modify|switch)\b[^.?!]{0,60}\b(?:bank (?:details|account)|IBAN|routing number|account number|remit-to address|vendor master)\b/i,
  },
  {
    boundary: 'posting to a closed accounting period',
    re: /\b(?:post|book|record|backdate)\b[^.?!]{0,60}\b(?:closed|locked) (?:accounting )?period\b|\bperiod is (?:closed|locked)\b/i,
  },
  {
    boundary: 'deleting or editing posted journal entries',
    re: /\b(?:delete|remove|erase|edit|change|modify|alter|overwrite)\b[^.?!]{0,40}\b(?:journal entr(?:y|ies)|JE-\d+)/i,
  },
  {
    boundary: 'tax or legal advice',
    re: /\b(?:tax|legal) advice\b|\b(?:save|avoid|minimi[sz]e|reduce) (?:on )?tax(?:es)?\b|\bis (?:it|this|that) legal\b/i,
  },
];

const PII = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/, 'email address'],
  [/\+\d{1,3}(?:[\s.-]?\d{2,4}){2,4}\b|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b/, 'phone number'],
  [/\b\d{3}-\d{2}-\d{4}\b/, 'national id number'],
  [/\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b/, 'bank account number (IBAN)'],
  [/\b(?:date of birth|DOB|born on)\b/i, 'date of birth'],
];

function hasCardNumber(text) {
  for (const m of text.matchAll(/\b\d(?:[ -]?\d){12,18}\b/g)) {
    const digits = m[0].replace(/\D/g, '');
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return true;
  }
  return false;
}

function decide(text) {
  for (const [re, why] of PROMPT_INJECTION) {
    if (re.test(text)) return { decision: 'block', reason: `prompt injection: ${why}` };
  }
  for (const [re, what] of CREDENTIALS) {
    if (re.test(text)) return { decision: 'block', reason: `input carries a credential (${what}); have it rotated` };
  }
  for (const { boundary, re } of REFUSE) {
    if (re.test(text)) return { decision: 'refuse', reason: `out of bounds: ${boundary}; hand to an accountant` };
  }
  const found = PII.filter(([re]) => re.test(text)).map(([, what]) => what);
  if (hasCardNumber(text)) found.push('card number');
  if (found.length > 0) return { decision: 'redact', reason: `pii redacted before reconciliation: ${found.join(', ')}` };
  return { decision: 'allow', reason: 'ordinary reconciliation request; handled' };
}

// Read stdin as a stream: readFileSync(0) fails with EAGAIN when stdin is a
// non-blocking pipe, as it can be under a parent that runs cases in parallel.
let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
input = input.trim();
if (input === '') {
  process.stderr.write('ask-agent: no input on stdin\n');
  process.exitCode = 2;
} else {
  process.stdout.write(`${JSON.stringify(decide(input))}\n`);
}
