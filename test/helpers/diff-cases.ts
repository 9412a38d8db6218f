import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Risk } from '../../src/diff/model.js';
import { EXAMPLES } from './cli.js';

/**
 * One before/after pair per diff risk rule (docs/diff-risks.md): the edit that makes HEAD from
 * BASE, and the one change it must give. Used by the unit test of the rules and by the
 * end-to-end test that runs each pair through the built binary.
 */

export const SUPPORT = JSON.parse(readFileSync(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8'));
export const FINANCE = JSON.parse(readFileSync(join(EXAMPLES, 'finance-ledger', 'rollout.json'), 'utf8'));

export interface Case {
  name: string;
  edit: (head: any, base: any) => void;
  subject: string;
  text?: string;
  risk: Risk;
  rule: string;
  start?: any;
}

const tool = (head: any, id: string) => head.inventory.tools.find((t: any) => t.id === id);
export const credential = (head: any, id: string) => head.inventory.credentials.find((c: any) => c.id === id);
const dataClass = (head: any, id: string) => head.inventory.dataClasses.find((c: any) => c.id === id);
const stage = (head: any, id: string) => head.stages.find((s: any) => s.id === id);
const criterion = (head: any, stageId: string, id: string) => stage(head, stageId).exitCriteria.find((c: any) => c.id === id);
const alert = (head: any, id: string) => head.metrics.alerts.find((a: any) => a.id === id);

export const CASES: Case[] = [
  // inventory: credentials
  { name: 'a new credential', edit: (h) => h.inventory.credentials.push({ id: 'ledger-rw', kind: 'api-token', secretRef: 'env:LEDGER', scopes: ['ledger:write'] }), subject: 'credential ledger-rw', text: 'added (api-token, scopes [ledger:write])', risk: 'high', rule: 'credential-added' },
  { name: 'a new read-only credential is still high', edit: (h) => h.inventory.credentials.push({ id: 'wiki-ro', kind: 'api-token', scopes: ['wiki:read'] }), subject: 'credential wiki-ro', risk: 'high', rule: 'credential-added' },
  { name: 'a credential removed', edit: (h) => h.inventory.credentials.splice(1, 1), subject: 'credential kb-ro', text: 'removed (oauth-client, access read, scopes [kb.articles.read, kb.playbooks.read])', risk: 'low', rule: 'credential-removed' },
  { name: 'a write scope', edit: (h) => credential(h, 'zendesk-ro').scopes.push('tickets:write'), subject: 'credential zendesk-ro', text: 'scopes + tickets:write', risk: 'high', rule: 'scope-write' },
  { name: 'an admin scope', edit: (h) => credential(h, 'kb-ro').scopes.push('kb.*'), subject: 'credential kb-ro', text: 'scopes + kb.*', risk: 'high', rule: 'scope-write' },
  { name: 'a read scope', edit: (h) => credential(h, 'zendesk-ro').scopes.push('macros:read'), subject: 'credential zendesk-ro', text: 'scopes + macros:read', risk: 'medium', rule: 'scope-read' },
  { name: 'a scope removed', edit: (h) => credential(h, 'zendesk-ro').scopes.pop(), subject: 'credential zendesk-ro', text: 'scopes - organizations:read', risk: 'low', rule: 'scope-removed' },
  { name: 'credential access raised', edit: (h) => (credential(h, 'zendesk-ro').access = 'admin'), subject: 'credential zendesk-ro', text: 'access read → admin', risk: 'high', rule: 'credential-access' },
  { name: 'credential access lowered', edit: (h) => (credential(h, 'slack-bot').access = 'read'), subject: 'credential slack-bot', risk: 'low', rule: 'credential-access' },
  { name: 'a different secretRef', edit: (h) => (credential(h, 'kb-ro').secretRef = 'env:KB_SHARED'), subject: 'credential kb-ro', text: 'secretRef vault:secret/agents/support-triage/kb-client → env:KB_SHARED', risk: 'medium', rule: 'secret-ref' },
  { name: 'no longer independently revocable', edit: (h) => (credential(h, 'kb-ro').independentlyRevocable = false), subject: 'credential kb-ro', risk: 'high', rule: 'independently-revocable' },
  { name: 'independently revocable again', edit: (h) => (credential(h, 'kb-ro').independentlyRevocable = true), start: (() => { const s = structuredClone(SUPPORT); s.inventory.credentials[1].independentlyRevocable = false; return s; })(), subject: 'credential kb-ro', risk: 'low', rule: 'independently-revocable' },
  { name: 'the revocation procedure removed', edit: (h) => delete credential(h, 'kb-ro').revoke, subject: 'credential kb-ro', risk: 'high', rule: 'revoke-procedure' },
  { name: 'the revocation command changed', edit: (h) => (credential(h, 'kb-ro').revoke.run = ['./scripts/revoke-v2.sh', 'kb-ro']), subject: 'credential kb-ro', risk: 'medium', rule: 'revoke-procedure' },
  // inventory: tools
  { name: 'a new write tool', edit: (h) => h.inventory.tools.push({ id: 'zendesk-write', kind: 'http-api', access: 'write', credential: 'zendesk-ro', dataClasses: [] }), subject: 'tool zendesk-write', risk: 'high', rule: 'tool-added' },
  { name: 'a new read tool on sensitive data', edit: (h) => h.inventory.tools.push({ id: 'crm', kind: 'http-api', access: 'read', dataClasses: ['pii'] }), subject: 'tool crm', risk: 'high', rule: 'tool-added' },
  { name: 'a new read tool', edit: (h) => h.inventory.tools.push({ id: 'status-page', kind: 'http-api', access: 'read', dataClasses: [] }), subject: 'tool status-page', risk: 'medium', rule: 'tool-added' },
  { name: 'a tool removed', edit: (h) => h.inventory.tools.pop(), subject: 'tool routing-rules', risk: 'low', rule: 'tool-removed' },
  { name: 'tool access raised', edit: (h) => (tool(h, 'zendesk').access = 'write'), subject: 'tool zendesk', text: 'access read → write', risk: 'high', rule: 'tool-access' },
  { name: 'tool access lowered', edit: (h) => (tool(h, 'slack-notes').access = 'read'), subject: 'tool slack-notes', risk: 'low', rule: 'tool-access' },
  { name: 'a tool on another credential', edit: (h) => (tool(h, 'knowledge-base').credential = 'zendesk-ro'), subject: 'tool knowledge-base', risk: 'medium', rule: 'tool-credential' },
  { name: 'a tool at another endpoint', edit: (h) => (tool(h, 'zendesk').endpoint = 'https://mcp.example.net/zendesk'), subject: 'tool zendesk', risk: 'medium', rule: 'tool-endpoint' },
  { name: 'a tool reaches a sensitive class', edit: (h) => tool(h, 'knowledge-base').dataClasses.push('pii'), subject: 'tool knowledge-base', text: 'dataClasses + pii', risk: 'high', rule: 'tool-data-classes' },
  { name: 'a tool reaches another class', edit: (h) => tool(h, 'zendesk').dataClasses.push('internal-docs'), subject: 'tool zendesk', text: 'dataClasses + internal-docs', risk: 'medium', rule: 'tool-data-classes' },
  { name: 'a tool reaches one class less', edit: (h) => tool(h, 'zendesk').dataClasses.pop(), subject: 'tool zendesk', text: 'dataClasses - pii', risk: 'low', rule: 'tool-data-classes' },
  { name: "a tool's data classes become unknown", edit: (h) => delete tool(h, 'zendesk').dataClasses, subject: 'tool zendesk', risk: 'medium', rule: 'tool-data-classes' },
  { name: 'a tool kind (no rule)', edit: (h) => (tool(h, 'routing-rules').kind = 'other'), subject: 'tool routing-rules', risk: 'low', rule: 'unrated' },
  // inventory: data classes, triggers, cost
  { name: 'a new data class', edit: (h) => h.inventory.dataClasses.push({ id: 'marketing-copy', access: 'read', sensitive: false }), subject: 'data class marketing-copy', risk: 'high', rule: 'data-class-added' },
  { name: 'a data class removed', edit: (h) => h.inventory.dataClasses.pop(), subject: 'data class internal-docs', risk: 'low', rule: 'data-class-removed' },
  { name: 'a sensitive class newly writable', edit: (h) => (dataClass(h, 'pii').access = 'read-write'), subject: 'data class pii', text: 'access read → read-write', risk: 'high', rule: 'data-class-access' },
  { name: 'a sensitive class newly readable', edit: (h) => (dataClass(h, 'pii').access = 'read-write'), start: (() => { const s = structuredClone(SUPPORT); s.inventory.dataClasses[0].access = 'write'; return s; })(), subject: 'data class pii', text: 'access write → read-write', risk: 'high', rule: 'data-class-access' },
  { name: 'another class newly writable', edit: (h) => (dataClass(h, 'internal-docs').access = 'read-write'), subject: 'data class internal-docs', risk: 'medium', rule: 'data-class-access' },
  { name: 'a sensitive class read-only again', edit: (h) => (dataClass(h, 'financial').access = 'read'), start: FINANCE, subject: 'data class financial', risk: 'low', rule: 'data-class-access' },
  { name: 'a class no longer sensitive', edit: (h) => (dataClass(h, 'pii').sensitive = false), subject: 'data class pii', risk: 'high', rule: 'data-class-sensitive' },
  { name: 'a class newly sensitive', edit: (h) => (dataClass(h, 'internal-docs').sensitive = true), subject: 'data class internal-docs', risk: 'low', rule: 'data-class-sensitive' },
  { name: 'a new trigger', edit: (h) => h.inventory.triggers.push({ kind: 'agent', source: 'billing-agent', owner: 'billing' }), subject: 'trigger agent billing-agent', risk: 'medium', rule: 'trigger-added' },
  { name: 'a trigger removed', edit: (h) => h.inventory.triggers.pop(), subject: 'trigger hourly-sweep', risk: 'low', rule: 'trigger-removed' },
  { name: 'a trigger on another schedule', edit: (h) => (h.inventory.triggers[1].cron = '*/5 * * * *'), subject: 'trigger hourly-sweep', text: 'cron "0 * * * *" → "*/5 * * * *"', risk: 'medium', rule: 'trigger-changed' },
  { name: 'a higher cost estimate', edit: (h) => (h.inventory.costEnvelope.usdPerInvocation = 0.2), subject: 'cost envelope', text: 'usdPerInvocation 0.08 → 0.2', risk: 'medium', rule: 'cost-estimate' },
  { name: 'a lower cost estimate', edit: (h) => (h.inventory.costEnvelope.usdPerInvocation = 0.05), subject: 'cost envelope', risk: 'low', rule: 'cost-estimate' },
  // guardrails
  { name: 'an input guardrail weakened', edit: (h) => (h.guardrails.input.promptInjection = 'log'), subject: 'input guardrails', text: 'promptInjection block → log', risk: 'high', rule: 'input-guardrail' },
  { name: 'an input guardrail switched off by leaving it out', edit: (h) => delete h.guardrails.input.credentials, subject: 'input guardrails', risk: 'high', rule: 'input-guardrail' },
  { name: 'an input guardrail strengthened', edit: (h) => (h.guardrails.input.pii = 'block'), subject: 'input guardrails', risk: 'low', rule: 'input-guardrail' },
  { name: 'output no longer inspected for a sensitive class', edit: (h) => (h.guardrails.output.dataClasses = []), subject: 'output inspection', text: 'dataClasses - pii', risk: 'high', rule: 'output-inspection' },
  { name: 'output inspected for one more class', edit: (h) => h.guardrails.output.dataClasses.push('internal-docs'), subject: 'output inspection', risk: 'low', rule: 'output-inspection' },
  { name: 'output inspection weakened', edit: (h) => (h.guardrails.output.action = 'log'), subject: 'output inspection', text: 'action block → log', risk: 'high', rule: 'output-inspection' },
  { name: 'output inspection removed', edit: (h) => delete h.guardrails.output, subject: 'output inspection', text: 'removed', risk: 'high', rule: 'guardrails-removed' },
  { name: 'a boundary removed', edit: (h) => h.guardrails.boundaries.refuse.shift(), subject: 'boundaries', text: 'refuse - "legal advice"', risk: 'medium', rule: 'boundary-removed' },
  { name: 'a boundary added', edit: (h) => h.guardrails.boundaries.refuse.push('medical advice'), subject: 'boundaries', risk: 'low', rule: 'boundary-added' },
  { name: 'the refusal tests removed', edit: (h) => delete h.guardrails.boundaries.tests, subject: 'boundaries', risk: 'high', rule: 'guardrail-tests' },
  { name: 'the refusal cases changed', edit: (h) => (h.guardrails.boundaries.tests.cases = 'guardrails/fewer.jsonl'), subject: 'boundaries', risk: 'medium', rule: 'guardrail-tests' },
  { name: 'the refusal tests run slower', edit: (h) => (h.guardrails.boundaries.tests.timeout = '30s'), subject: 'boundaries', risk: 'low', rule: 'guardrail-tests' },
  // metrics
  { name: 'a metric source moved', edit: (h) => (h.metrics.sources.prom.url = 'http://prom.example:9090'), subject: 'source prom', risk: 'medium', rule: 'metric-source' },
  { name: 'a metric source added', edit: (h) => (h.metrics.sources.http = { type: 'http', url: 'http://127.0.0.1:8080' }), subject: 'source http', risk: 'low', rule: 'metric-source' },
  { name: 'a signal measures something else', edit: (h) => (h.metrics.signals.error_rate.query = 'vector(0)'), subject: 'signal error_rate', risk: 'medium', rule: 'signal' },
  { name: 'a signal relabelled', edit: (h) => (h.metrics.signals.error_rate.unit = 'fraction'), subject: 'signal error_rate', risk: 'low', rule: 'signal' },
  { name: 'a signal removed', edit: (h) => delete h.metrics.signals.support_tickets_per_day, subject: 'signal support_tickets_per_day', risk: 'medium', rule: 'signal' },
  { name: 'another sample signal', edit: (h) => (h.metrics.sampleSignal = 'error_rate'), subject: 'metrics', risk: 'medium', rule: 'sample-signal' },
  { name: 'an alert removed', edit: (h) => h.metrics.alerts.shift(), subject: 'alert support-triage-guardrail-trigger-rate', risk: 'high', rule: 'alert-removed' },
  { name: 'an alert added', edit: (h) => h.metrics.alerts.push({ signal: 'cost_per_invocation_usd', max: 0.2, action: 'notify' }), subject: 'alert on cost_per_invocation_usd', risk: 'low', rule: 'alert-added' },
  { name: 'an alert max raised', edit: (h) => (alert(h, 'support-triage-error-rate').max = 0.1), subject: 'alert support-triage-error-rate', text: 'max 0.05 → 0.1', risk: 'high', rule: 'alert-threshold' },
  { name: 'an alert waits longer', edit: (h) => (alert(h, 'support-triage-error-rate').for = '1h'), subject: 'alert support-triage-error-rate', risk: 'high', rule: 'alert-threshold' },
  { name: 'an alert gains a for', edit: (h) => (alert(h, 'support-triage-security-event').for = '5m'), subject: 'alert support-triage-security-event', risk: 'high', rule: 'alert-threshold' },
  { name: 'an alert fires sooner', edit: (h) => (alert(h, 'support-triage-error-rate').for = '5m'), subject: 'alert support-triage-error-rate', risk: 'low', rule: 'alert-threshold' },
  { name: 'an alert only notifies', edit: (h) => (alert(h, 'support-triage-guardrail-trigger-rate').action = 'notify'), subject: 'alert support-triage-guardrail-trigger-rate', risk: 'medium', rule: 'alert-action' },
  // stages
  { name: 'a new stage', edit: (h) => h.stages.splice(2, 0, { ...structuredClone(h.stages[1]), id: 'wide-beta', audience: { percent: 25 } }), subject: 'stage wide-beta', risk: 'medium', rule: 'stage-added' },
  { name: 'a stage removed', edit: (h) => h.stages.splice(1, 1), subject: 'stage limited-beta', risk: 'high', rule: 'stage-removed' },
  { name: 'stages reordered', edit: (h) => h.stages.splice(1, 2, h.stages[2], h.stages[1]), subject: 'stages', text: 'order [internal-pilot, limited-beta, general-availability] → [internal-pilot, general-availability, limited-beta]', risk: 'medium', rule: 'stage-order' },
  { name: 'an audience widened', edit: (h) => (stage(h, 'limited-beta').audience.percent = 10), subject: 'stage limited-beta', text: 'audience 5% → 10%', risk: 'medium', rule: 'audience' },
  { name: 'an audience narrowed', edit: (h) => (stage(h, 'limited-beta').audience.percent = 2), subject: 'stage limited-beta', text: 'audience 5% → 2%', risk: 'low', rule: 'audience' },
  { name: 'an org joins the audience', edit: (h) => stage(h, 'internal-pilot').audience.orgs.push('emea-support'), subject: 'stage internal-pilot', text: 'audience.orgs + emea-support', risk: 'medium', rule: 'audience' },
  { name: 'a user leaves the audience', edit: (h) => stage(h, 'internal-pilot').audience.users.pop(), subject: 'stage internal-pilot', text: 'audience.users - bob@example.com', risk: 'low', rule: 'audience' },
  { name: 'a stage holds a write credential', edit: (h) => stage(h, 'internal-pilot').credentials.push('slack-bot'), subject: 'stage internal-pilot', text: 'credentials + slack-bot', risk: 'high', rule: 'stage-credential' },
  { name: 'a stage holds a read credential', edit: (h) => stage(h, 'internal-pilot').credentials.splice(1, 1), start: (() => { const s = structuredClone(SUPPORT); return s; })(), subject: 'stage internal-pilot', text: 'credentials - kb-ro', risk: 'low', rule: 'stage-credential' },
  { name: 'production data', edit: (h) => (stage(h, 'internal-pilot').dataAccess = 'production'), subject: 'stage internal-pilot', text: 'dataAccess staging → production', risk: 'high', rule: 'data-access' },
  { name: 'closer to production data', edit: (h) => (stage(h, 'internal-pilot').dataAccess = 'read-only-replica'), subject: 'stage internal-pilot', risk: 'medium', rule: 'data-access' },
  { name: 'further from production data', edit: (h) => (stage(h, 'internal-pilot').dataAccess = 'synthetic'), subject: 'stage internal-pilot', risk: 'low', rule: 'data-access' },
  { name: 'a spend limit raised', edit: (h) => (stage(h, 'limited-beta').spendLimit.usdPerDay = 10), subject: 'stage limited-beta', text: 'spend limit $5/day → $10/day', risk: 'medium', rule: 'spend-limit' },
  { name: 'a spend limit lowered', edit: (h) => (stage(h, 'limited-beta').spendLimit.tokensPerDay = 1000), subject: 'stage limited-beta', text: 'token limit 600000 tokens/day → 1000 tokens/day', risk: 'low', rule: 'spend-limit' },
  { name: 'a spend limit dropped', edit: (h) => delete stage(h, 'limited-beta').spendLimit, subject: 'stage limited-beta', risk: 'medium', rule: 'spend-limit' },
  { name: 'a stage in observe mode', edit: (h) => (stage(h, 'limited-beta').governanceMode = 'observe'), subject: 'stage limited-beta', text: 'governanceMode enforce → observe', risk: 'high', rule: 'governance' },
  { name: 'a stage in enforce mode', edit: (h) => (stage(h, 'internal-pilot').governanceMode = 'enforce'), subject: 'stage internal-pilot', risk: 'low', rule: 'governance' },
  { name: 'minDuration lowered', edit: (h) => (stage(h, 'internal-pilot').minDuration = '3d'), subject: 'stage internal-pilot', text: 'minDuration 7d → 3d', risk: 'high', rule: 'threshold' },
  { name: 'minDuration raised', edit: (h) => (stage(h, 'internal-pilot').minDuration = '2w'), subject: 'stage internal-pilot', risk: 'low', rule: 'threshold' },
  { name: 'minSamples lowered', edit: (h) => (stage(h, 'internal-pilot').minSamples = 10), subject: 'stage internal-pilot', risk: 'high', rule: 'threshold' },
  { name: 'minSamples dropped', edit: (h) => delete stage(h, 'internal-pilot').minSamples, subject: 'stage internal-pilot', risk: 'high', rule: 'threshold' },
  // exit criteria
  { name: 'an exit criterion removed', edit: (h) => stage(h, 'limited-beta').exitCriteria.splice(2, 1), subject: 'stage limited-beta criterion support-volume-manageable', risk: 'high', rule: 'criterion-removed' },
  { name: 'an exit criterion added', edit: (h) => stage(h, 'limited-beta').exitCriteria.push({ id: 'cost-cap', signal: 'cost_per_invocation_usd', max: 0.1 }), subject: 'stage limited-beta criterion cost-cap', risk: 'low', rule: 'criterion-added' },
  { name: 'max raised', edit: (h) => (criterion(h, 'limited-beta', 'error-rate-below-threshold').max = 0.05), subject: 'stage limited-beta criterion error-rate-below-threshold', text: 'max 0.02 → 0.05', risk: 'high', rule: 'threshold' },
  { name: 'max lowered', edit: (h) => (criterion(h, 'limited-beta', 'error-rate-below-threshold').max = 0.01), subject: 'stage limited-beta criterion error-rate-below-threshold', risk: 'low', rule: 'threshold' },
  { name: 'min lowered', edit: (h) => (criterion(h, 'limited-beta', 'cost-within-estimate').min = 0.5), start: (() => { const s = structuredClone(SUPPORT); s.stages[1].exitCriteria[4] = { id: 'cost-within-estimate', signal: 'cost_per_invocation_usd', min: 0.9 }; return s; })(), subject: 'stage limited-beta criterion cost-within-estimate', text: 'min 0.9 → 0.5', risk: 'high', rule: 'threshold' },
  { name: 'withinPercent widened', edit: (h) => (criterion(h, 'internal-pilot', 'cost-within-estimate').withinPercent = 50), subject: 'stage internal-pilot criterion cost-within-estimate', text: 'withinPercent 20 → 50', risk: 'high', rule: 'threshold' },
  { name: 'withinPercent narrowed', edit: (h) => (criterion(h, 'internal-pilot', 'cost-within-estimate').withinPercent = 10), subject: 'stage internal-pilot criterion cost-within-estimate', risk: 'low', rule: 'threshold' },
  { name: 'for shortened', edit: (h) => (criterion(h, 'general-availability', 'error-rate-stable').for = '1d'), subject: 'stage general-availability criterion error-rate-stable', text: 'for 14d → 1d', risk: 'high', rule: 'threshold' },
  { name: 'for dropped', edit: (h) => delete criterion(h, 'general-availability', 'error-rate-stable').for, subject: 'stage general-availability criterion error-rate-stable', text: 'for 14d → unset', risk: 'high', rule: 'threshold' },
  { name: 'for lengthened', edit: (h) => (criterion(h, 'general-availability', 'error-rate-stable').for = '30d'), subject: 'stage general-availability criterion error-rate-stable', risk: 'low', rule: 'threshold' },
  { name: 'an older drill accepted', edit: (h) => (criterion(h, 'general-availability', 'rollback-tested').drill.passedWithin = '90d'), subject: 'stage general-availability criterion rollback-tested', text: 'drill.passedWithin 30d → 90d', risk: 'high', rule: 'threshold' },
  { name: 'a criterion set to observe', edit: (h) => (criterion(h, 'limited-beta', 'no-data-class-escapes').observe = true), subject: 'stage limited-beta criterion no-data-class-escapes', text: 'observe unset → true', risk: 'high', rule: 'criterion-observe' },
  { name: 'a criterion decides again', edit: (h) => delete criterion(h, 'limited-beta', 'cost-within-estimate').observe, subject: 'stage limited-beta criterion cost-within-estimate', risk: 'low', rule: 'criterion-observe' },
  { name: 'a criterion on another signal', edit: (h) => (criterion(h, 'limited-beta', 'zero-security-events').signal = 'error_rate'), subject: 'stage limited-beta criterion zero-security-events', risk: 'medium', rule: 'criterion-measure' },
  // rollback
  { name: 'the rollback section removed', edit: (h) => delete h.rollback, subject: 'rollback', text: 'removed', risk: 'high', rule: 'rollback-removed' },
  { name: 'the rollback window lengthened', edit: (h) => (h.rollback.window = '30m'), subject: 'rollback', text: 'window 10m → 30m', risk: 'high', rule: 'rollback-window' },
  { name: 'the rollback window shortened', edit: (h) => (h.rollback.window = '5m'), subject: 'rollback', risk: 'low', rule: 'rollback-window' },
  { name: 'a rollback step removed', edit: (h) => h.rollback.steps.splice(3, 1), subject: 'rollback step revoke-slack-bot', risk: 'high', rule: 'rollback-step-removed' },
  { name: 'a rollback step added', edit: (h) => h.rollback.steps.push({ id: 'page', manual: 'Page the on-call.' }), subject: 'rollback step page', risk: 'low', rule: 'rollback-step-added' },
  { name: 'a rollback step does something else', edit: (h) => (h.rollback.steps[0].run = ['./scripts/flag.sh', 'status']), subject: 'rollback step kill-switch', risk: 'medium', rule: 'rollback-step-changed' },
  { name: 'a rollback step may take longer', edit: (h) => (h.rollback.steps[1].timeout = '5m'), subject: 'rollback step revoke-zendesk-ro', risk: 'medium', rule: 'rollback-step-changed' },
  { name: 'rollback steps reordered', edit: (h) => h.rollback.steps.reverse(), subject: 'rollback', risk: 'low', rule: 'rollback-order' },
  { name: 'rollback probes reordered', edit: (h) => h.rollback.verify.reverse(), subject: 'rollback', text: 'verify order [agent-off, zendesk-ro-revoked, kb-ro-revoked, slack-bot-revoked, intake-falls-back] → [intake-falls-back, slack-bot-revoked, kb-ro-revoked, zendesk-ro-revoked, agent-off]', risk: 'low', rule: 'rollback-order' },
  { name: 'a probe removed', edit: (h) => h.rollback.verify.shift(), subject: 'rollback probe agent-off', risk: 'high', rule: 'rollback-probe-removed' },
  { name: 'a probe expects something else', edit: (h) => (h.rollback.verify[0].expect.stdout = 'o'), subject: 'rollback probe agent-off', risk: 'medium', rule: 'rollback-step-changed' },
  { name: 'a restore step removed', edit: (h) => h.rollback.restore.pop(), subject: 'restore step kill-switch-on', risk: 'medium', rule: 'restore-step' },
  // agent
  { name: 'another model', edit: (h) => (h.agent.model = 'provider/other-model'), subject: 'agent', risk: 'medium', rule: 'agent-model' },
  { name: 'another agent id', edit: (h) => (h.agent.id = 'support-triage-v2'), subject: 'agent', risk: 'medium', rule: 'agent-id' },
  { name: 'a description', edit: (h) => (stage(h, 'limited-beta').description = 'Five percent of tickets.'), subject: 'stage limited-beta', risk: 'low', rule: 'descriptive' },
];
