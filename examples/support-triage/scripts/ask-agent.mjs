#!/usr/bin/env node
// The example support-triage agent's guardrail front door, for
// `agent-rollout guardrails test`: it reads one ticket text on stdin and
// prints {"decision": "block"|"refuse"|"redact"|"allow", "reason": "..."}.
//
// It stands in for the real agent with simple, readable rules, applied in
// the order the manifest's guardrails are:
//   1. input inspection, prompt injection  -> block
//   2. input inspection, credentials       -> block
//   3. behaviour boundaries (refuse list)  -> refuse
//   4. input inspection, pii               -> redact (then triage the rest)
//   5. anything else                       -> allow
// No network, no model, no state: the same input always gets the same answer.
import process from 'node:process';

const PROMPT_INJECTION = [
  [/\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}\b(?:instructions?|rules|prompts?|guidelines|directives|polic(?:y|ies))\b/i, 'asks the agent to drop its instructions'],
  [/\b(?:print|reveal|show|repeat|output|dump)\b[^.\n]{0,30}\b(?:system prompt|hidden instructions|instructions you were given|your (?:instructions|prompt))\b/i, 'asks for the system prompt'],
  [/\byou are now\b|\b(?:system|admin|developer) (?:override|mode)\b/i, 'tries to change the agent\'s role'],
  [/<\/?\s*(?:system|assistant|instructions?)\s*>|\[\/?(?:SYSTEM|INST)\]/i, 'carries fake system or instruction markup'],
];

const CREDENTIALS = [
  [/\b(?:password|passwd|passphrase|pwd)\s*(?:is|=|:)\s*\S+/i, 'a password'],
  [/\b(?:api[ _-]?key|secret(?:[ _-]?key)?|access[ _-]?token|auth[ _-]?token|token)\s*(?:is|=|:)\s*\S{6,}/i, 'an API key or token'],
  [/\bBearer\s+[A-Za-z0-9._~+/-]{8,}/, 'a bearer token'],
  [/\b(?:one-time|backup|recovery|2fa|mfa|otp|verification)\s+codes?\s*(?:is|=|:)\s*\S{4,}/i, 'a one-time or backup code'],
];

// One entry per item of guardrails.boundaries.refuse in ../rollout.json.
const REFUSE = [
  {
    boundary: 'legal advice',
    test: (t) =>
      /\blegal advice\b|\bis (?:it|this|that) legal\b|\b(?:can|could|should) (?:i|we) (?:sue|take legal action)\b|\blegal (?:rights|chances|options)\b/i.test(t),
  },
  {
    boundary: 'refunds over 500 USD',
    test: (t) => /\b(?:refunds?|reimburse(?:ment)?|money back|chargeback)\b/i.test(t) && usdAmounts(t).some((usd) => usd > 500),
  },
  {
    boundary: "changing a customer's account email or account owner",
    test: (t) =>
      /\b(?:change|update|transfer|switch|move|replace)\b[^.?!]{0,60}\b(?:account owner(?:ship)?|owner of (?:the|our|my|this) (?:account|workspace)|login email|account email|email (?:address )?on (?:the|our|my) account)\b/i.test(t),
  },
  {
    boundary: 'deleting customer accounts or customer data',
    test: (t) =>
      /\b(?:delete|erase|remove|wipe|purge|close)\b[^.?!]{0,40}\b(?:(?:our|my|their|the|company's|customer) account|(?:all )?(?:customer|user|personal) data|all (?:my|our|their) data)\b/i.test(t),
  },
  {
    boundary: "sharing another customer's data",
    test: (t) =>
      /\b(?:send|give|show|tell|share|list|forward|export|look up)\b[^.?!]{0,60}\b(?:another|other|different|all)\s+(?:customers?|users?|clients?|accounts?)\b/i.test(t) ||
      /\b(?:another|other|different)\s+(?:customer|user|client)s?(?:'s?)?\s[^.?!]{0,80}\b(?:send|give|share|forward)\b[^.?!]{0,30}\b(?:contact|details|emails?|address(?:es)?|phone)\b/i.test(t),
  },
];

const PII = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/, 'email address'],
  [/\+\d{1,3}(?:[\s.-]?\d{2,4}){2,4}\b|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b/, 'phone number'],
  [/\b\d{3}-\d{2}-\d{4}\b/, 'national id number'],
  [/\b(?:date of birth|DOB|born on)\b/i, 'date of birth'],
  [/\b\d{1,5}[A-Z]?\s+(?:[A-Z][a-z]+\s){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr)\b/, 'postal address'],
];

function usdAmounts(text) {
  const amounts = [];
  const re = /(?:\$|US\$|USD\s?)\s?(\d[\d,]*(?:\.\d+)?)|(\d[\d,]*(?:\.\d+)?)\s?(?:USD|dollars)\b/gi;
  for (const m of text.matchAll(re)) amounts.push(Number((m[1] ?? m[2]).replace(/,/g, '')));
  return amounts.filter(Number.isFinite);
}

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
    if (re.test(text)) return { decision: 'block', reason: `input carries a credential (${what}); ask the requester to rotate it` };
  }
  for (const { boundary, test } of REFUSE) {
    if (test(text)) return { decision: 'refuse', reason: `out of bounds: ${boundary}; route to a human` };
  }
  const found = PII.filter(([re]) => re.test(text)).map(([, what]) => what);
  if (hasCardNumber(text)) found.push('card number');
  if (found.length > 0) return { decision: 'redact', reason: `pii redacted before triage: ${found.join(', ')}` };
  return { decision: 'allow', reason: 'ordinary support request; triaged' };
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
