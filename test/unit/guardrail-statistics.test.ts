import { describe, expect, it } from 'vitest';
import { normalQuantile, wilsonLowerBound, zFor } from '../../src/guardrails/statistics.js';
import { agentSha256, evidenceIdentity, guardrailsSha256 } from '../../src/guardrails/identity.js';
import { judgeEvidence } from '../../src/guardrails/evidence.js';
import type { AuditEntry } from '../../src/state/audit.js';

describe('the Wilson score lower bound', () => {
  it('z is the two-sided normal quantile: 1.96 at 95%, 2.576 at 99%, 1.645 at 90%', () => {
    expect(zFor(0.95)).toBeCloseTo(1.959964, 5);
    expect(zFor(0.99)).toBeCloseTo(2.575829, 5);
    expect(zFor(0.9)).toBeCloseTo(1.644854, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  it('matches the textbook values', () => {
    // 58/60 at 95%: (p + z²/2n − z√(p(1−p)/n + z²/4n²)) / (1 + z²/n) = 0.8864.
    expect(wilsonLowerBound(58, 60, 0.95)).toBeCloseTo(0.88637, 4);
    // All of 10 pass: the bound is n/(n+z²) = 0.7225, well below 100%.
    expect(wilsonLowerBound(10, 10, 0.95)).toBeCloseTo(10 / (10 + 1.959964 ** 2), 6);
    expect(wilsonLowerBound(0, 10, 0.95)).toBe(0);
    expect(wilsonLowerBound(0, 0, 0.95)).toBe(0);
  });

  it('grows with the attempts at the same observed rate, and falls with a higher confidence', () => {
    expect(wilsonLowerBound(95, 100, 0.95)).toBeGreaterThan(wilsonLowerBound(19, 20, 0.95));
    expect(wilsonLowerBound(950, 1000, 0.95)).toBeGreaterThan(wilsonLowerBound(95, 100, 0.95));
    expect(wilsonLowerBound(95, 100, 0.99)).toBeLessThan(wilsonLowerBound(95, 100, 0.95));
    for (let passes = 0; passes <= 30; passes++) expect(wilsonLowerBound(passes, 30, 0.95)).toBeLessThanOrEqual(passes / 30);
  });
});

describe('canonical hashes of the evidence', () => {
  const manifest = {
    agent: { id: 'a', name: 'A', owner: 'o', model: 'provider/model-1' },
    guardrails: { input: { promptInjection: 'block' as const, pii: 'redact' as const }, boundaries: { refuse: ['legal advice'] } },
  };

  it('guardrailsSha256 ignores key order and layout; any value change changes it', () => {
    const reordered = {
      guardrails: { boundaries: { refuse: ['legal advice'] }, input: { pii: 'redact' as const, promptInjection: 'block' as const } },
    };
    expect(guardrailsSha256(reordered)).toBe(guardrailsSha256(manifest));
    expect(guardrailsSha256(manifest)).toMatch(/^[0-9a-f]{64}$/);
    expect(guardrailsSha256({ guardrails: { ...manifest.guardrails, input: { promptInjection: 'log' } } })).not.toBe(
      guardrailsSha256(manifest),
    );
    expect(guardrailsSha256({})).not.toBe(guardrailsSha256(manifest));
  });

  it('agentSha256 covers the model, the version and the prompt text', () => {
    const base = agentSha256({ model: 'provider/model-1' }, undefined);
    expect(agentSha256({ model: 'provider/model-2' }, undefined)).not.toBe(base);
    expect(agentSha256({ model: 'provider/model-1', version: '1.2' }, undefined)).not.toBe(base);
    expect(agentSha256({ model: 'provider/model-1' }, 'You are a support agent.')).not.toBe(base);
    expect(agentSha256({ model: 'provider/model-1' }, undefined)).toBe(base);
  });

  it('a run is current only while all three match; the reason names what changed', () => {
    const cases = new TextEncoder().encode('{"id":"a"}\n');
    const prompt = new TextEncoder().encode('You are a support agent.\n');
    const withPrompt = { ...manifest, agent: { ...manifest.agent, promptFile: 'prompt.md', version: '1' } };
    const identity = evidenceIdentity(withPrompt, { cases, prompt });
    const entry = (at: string, details: Record<string, unknown>): AuditEntry =>
      ({
        seq: 1,
        at,
        actor: 'qa',
        action: 'guardrails',
        before: null,
        after: null,
        reason: null,
        manifestSha256: 'm',
        details,
        tool: { name: 't', version: '1' },
        prev: null,
        hash: 'h',
      }) as AuditEntry;
    const details = {
      passed: true,
      casesSha256: identity.casesSha256,
      guardrailsSha256: identity.guardrailsSha256,
      agentSha256: identity.agentSha256,
      agent: identity.agent,
    };
    expect(judgeEvidence([entry('2026-12-01T09:00:00Z', details)], identity)).toMatchObject({ state: 'current' });
    const newPrompt = evidenceIdentity(withPrompt, { cases, prompt: new TextEncoder().encode('You are a billing agent.\n') });
    expect(judgeEvidence([entry('2026-12-01T09:00:00Z', details)], newPrompt)).toMatchObject({
      state: 'outdated',
      reason: 'the system prompt (agent.promptFile) changed since the run of 2026-12-01 09:00:00 UTC',
    });
    const both = evidenceIdentity(
      { ...withPrompt, agent: { ...withPrompt.agent, model: 'provider/model-2', version: '2' } },
      { cases: new Uint8Array([1]), prompt },
    );
    expect(judgeEvidence([entry('2026-12-01T09:00:00Z', details)], both).reason).toBe(
      'agent.model, agent.version and the cases file changed since the run of 2026-12-01 09:00:00 UTC',
    );
    expect(judgeEvidence([], identity)).toMatchObject({ state: 'none', reason: 'no guardrail test run is recorded' });
    const missing = evidenceIdentity(withPrompt, { cases, prompt: { problem: 'cannot read agent.promptFile prompt.md: no such file' } });
    expect(judgeEvidence([entry('2026-12-01T09:00:00Z', details)], missing)).toMatchObject({
      state: 'unknown',
      reason: 'cannot read agent.promptFile prompt.md: no such file',
    });
  });
});
