export const ALERTMANAGER_BIN: string;
export function waitForAlertmanagerBinary(timeoutMs?: number): Promise<void>;
export function freePort(): Promise<number>;
export interface Exporter {
  target: string;
  set(series: string, value: number): void;
  close(): Promise<void>;
}
export function startExporter(): Promise<Exporter>;
export interface Daemon {
  url: string;
  port: number;
  log(): string;
  stop(): Promise<void>;
}
export function startAlertmanager(options: { dir: string; webhookUrl: string; tokenFile: string; groupWait?: string }): Promise<Daemon>;
export function startPrometheus(options: {
  dir: string;
  rulesFile: string;
  exporterTarget: string;
  alertmanagerTarget?: string;
}): Promise<Daemon>;
