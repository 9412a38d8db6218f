import { formatElapsed } from '../time/duration.js';
import { plural } from '../text/plural.js';
import type { JournalLine } from '../drill/types.js';
import { createStyle } from '../render/style.js';
import type { Io } from './io.js';

/**
 * Progress of a drill or a guardrail run, on standard error so that standard output carries only
 * the report. On a terminal it is live: one line redrawn a few times a second with the current
 * step, its elapsed time and the window's time left, and a permanent line per finished step.
 * Without a terminal it is plain lines, one when a step starts and one when it ends, so a CI log
 * shows what was running if it hangs.
 */

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const REDRAW_MS = 200;
const CLEAR_LINE = '\r\u001b[2K';

/** Whether standard error is a terminal that can redraw a line. */
export function stderrIsLive(io: Io): boolean {
  return io.stderrIsTTY && io.env['TERM'] !== 'dumb';
}

export interface DrillProgress {
  /** Shows one journal line's event. */
  show(line: JournalLine): void;
  /** Stops redrawing and clears the live line (before a prompt or the report). */
  pause(): void;
  stop(): void;
}

interface Ticker {
  label: string;
  /** performance.now() when it started, to count on from. */
  startedAt: number;
  /** Milliseconds since the drill started, when it started. */
  t: number;
  /** Whether to show the window's time left (not during the restore). */
  window: boolean;
}

/** The drill's progress display. */
export function createDrillProgress(io: Io, windowMs: number, live = stderrIsLive(io)): DrillProgress {
  const style = createStyle(io.errColor);
  let ticker: Ticker | undefined;
  let timer: NodeJS.Timeout | undefined;
  let frame = 0;
  let restoring = false;
  // With --confirm-manual a manual step is confirmed by the flag: nothing is waited for.
  let confirmedByFlag = false;

  const windowLeft = (t: number): string => {
    const left = windowMs - t;
    return left >= 0 ? `window left ${formatElapsed(left)}` : style.red(`window overrun by ${formatElapsed(-left)}`);
  };
  const clear = (): void => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (live && ticker) io.err(CLEAR_LINE);
    ticker = undefined;
  };
  const draw = (): void => {
    if (!ticker) return;
    const running = performance.now() - ticker.startedAt;
    const t = ticker.t + running;
    const spinner = style.cyan(SPINNER[frame++ % SPINNER.length] ?? '-');
    const parts = [`${spinner} ${ticker.label}`, formatElapsed(running)];
    if (ticker.window) parts.push(windowLeft(t));
    io.err(`${CLEAR_LINE}${parts.join(style.dim(' · '))}`);
  };
  const start = (label: string, t: number, window: boolean): void => {
    clear();
    if (!live) {
      io.err(`${label}: started${window ? ` (${windowLeft(t)})` : ''}\n`);
      return;
    }
    ticker = { label, startedAt: performance.now(), t, window };
    draw();
    timer = setInterval(draw, REDRAW_MS);
    timer.unref();
  };
  const finish = (text: string): void => {
    clear();
    io.err(`${text}\n`);
  };
  const mark = (passed: boolean): string => (passed ? style.green('✔') : style.red('✖'));

  return {
    show(line) {
      switch (line.event) {
        case 'drill-started':
          confirmedByFlag = line.options.confirmManual;
          io.err(
            `Drilling the rollback of ${line.manifest}: ${plural(line.steps.length, 'step')}, ${plural(line.probes.length, 'probe')}, window ${line.window}\n`,
          );
          break;
        case 'step-started': {
          const label = `${line.phase === 'restore' ? 'restore' : 'step'} ${line.index}/${line.of} ${line.id}`;
          restoring = line.phase === 'restore';
          if (line.kind === 'manual') {
            // On a terminal the confirmation prompt shows the step; without one, say what is waited for.
            clear();
            if (!live && !confirmedByFlag)
              io.err(`${label} (manual): waiting for confirmation${restoring ? '' : ` (${windowLeft(line.t)})`}\n`);
          } else {
            start(label, line.t, !restoring);
          }
          break;
        }
        case 'step-finished': {
          const label = `${line.phase === 'restore' ? 'restore' : 'step'} ${line.id}`;
          const status = line.status === 'passed' ? 'passed' : style.red(line.status);
          const tail = line.phase === 'rollback' && line.windowLeftMs !== undefined ? `, ${windowLeft(windowMs - line.windowLeftMs)}` : '';
          const why = line.reason && line.status !== 'passed' ? `: ${line.reason}` : '';
          if (line.confirmation?.via === '--confirm-manual') {
            finish(`${live ? `${mark(true)} ` : ''}${label} (manual): confirmed by ${line.confirmation.by} (--confirm-manual)`);
            break;
          }
          finish(
            `${live ? `${mark(line.status === 'passed')} ` : ''}${label}: ${status} in ${formatElapsed(line.durationMs)}${tail}${why}`,
          );
          break;
        }
        case 'step-skipped':
          finish(
            `${live ? `${style.dim('-')} ` : ''}${line.phase === 'restore' ? 'restore' : 'step'} ${line.id}: skipped (${line.reason})`,
          );
          break;
        case 'probe-started':
          start(`probe ${line.index}/${line.of} ${line.id}`, line.t, true);
          break;
        case 'probe-attempt':
          if (!line.passed && line.attempt < line.of) {
            if (ticker) ticker.label = `${ticker.label.replace(/ \(attempt \d+\/\d+\)$/, '')} (attempt ${line.attempt + 1}/${line.of})`;
            if (!live) io.err(`probe ${line.id}: attempt ${line.attempt}/${line.of} failed (${line.reason ?? line.observed}), retrying\n`);
          }
          break;
        case 'probe-finished': {
          const status = line.passed ? 'passed' : style.red('failed');
          const why = !line.passed && line.reason ? `: ${line.reason}` : '';
          finish(
            `${live ? `${mark(line.passed)} ` : ''}probe ${line.id}: ${status} after ${plural(line.attempts, 'attempt')}, ${windowLeft(line.t)}${why}`,
          );
          break;
        }
        case 'interrupted':
          finish(
            style.yellow(
              `Interrupted${line.during ? ` during ${line.during}` : ''}: stopping it, then restoring. Press Ctrl-C again to exit at once.`,
            ),
          );
          break;
        case 'verdict':
          finish(
            line.passed
              ? `Rollback verified in ${formatElapsed(line.elapsedMs)}, ${formatElapsed(line.marginMs)} inside its window`
              : style.red(`Drill failed: ${line.reasons.join('; ')}`),
          );
          break;
        case 'restore-skipped':
          finish(`Restore skipped (${line.reason})`);
          break;
        default:
          break;
      }
    },
    pause: clear,
    stop: clear,
  };
}

/** The guardrail run's progress: a live counter on a terminal, nothing without one. */
export interface CaseProgress {
  done(passed: boolean): void;
  stop(): void;
}

export function createCaseProgress(io: Io, total: number, live = stderrIsLive(io)): CaseProgress {
  if (!live) return { done: () => undefined, stop: () => undefined };
  const style = createStyle(io.errColor);
  let finished = 0;
  let failed = 0;
  const draw = (): void => {
    const fail = failed > 0 ? style.red(` · ${failed} failed`) : '';
    io.err(`${CLEAR_LINE}${style.cyan('⠿')} guardrail attempts ${finished}/${total}${fail}`);
  };
  draw();
  return {
    done(passed) {
      finished++;
      if (!passed) failed++;
      draw();
    },
    stop() {
      io.err(CLEAR_LINE);
    },
  };
}
