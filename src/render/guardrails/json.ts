import type { GuardrailReport } from '../../guardrails/report.js';
import { toJson } from '../format.js';

export function renderGuardrailJson(report: GuardrailReport): string {
  return toJson(report);
}
