import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, copyExample, runCli, runInProcess, tempDir } from '../helpers/cli.js';

let work: { dir: string; cleanup: () => Promise<void> };
let script: string;
let example: string;
const STAGES = ['internal-pilot', 'limited-beta', 'general-availability'];

beforeAll(async () => {
  work = await tempDir();
  // On the binary, end to end: the script it prints, and the binary it calls for stage ids.
  const bash = await runCli(['completion', 'bash']);
  expect(bash.code).toBe(0);
  script = join(work.dir, 'agent-rollout.bash');
  writeFileSync(script, bash.stdout);
  // The scripts ask `agent-rollout completion --stages` for stage ids: put the binary on PATH.
  mkdirSync(join(work.dir, 'bin'));
  symlinkSync(BIN, join(work.dir, 'bin', 'agent-rollout'));
  example = await copyExample('support-triage', work.dir);
});

afterAll(async () => {
  await work?.cleanup();
});

/** What real bash offers after the words typed (the last one is the word being completed). */
function complete(words: string[], cwd = work.dir): string[] {
  const result = spawnSync(
    'bash',
    [
      '-c',
      'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _agent_rollout; printf "%s\\n" "${COMPREPLY[@]}"',
      'complete',
      script,
      'agent-rollout',
      ...words,
    ],
    { cwd, encoding: 'utf8', env: { PATH: `${join(work.dir, 'bin')}:${process.env['PATH'] ?? ''}`, HOME: work.dir } },
  );
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean);
}

describe('agent-rollout completion', () => {
  it('bash completes commands, subcommands, options and their choices, skipping option values', () => {
    expect(complete(['ga'])).toEqual(['gate']);
    expect(complete(['gate', '--for'])).toEqual(['--format']);
    expect(complete(['gate', '--format', ''])).toEqual(['text', 'json', 'markdown']);
    expect(complete(['config', 'get', ''])).toEqual(expect.arrayContaining(['actor', 'format']));
    expect(complete(['org', ''])).toEqual(expect.arrayContaining(['enable', 'disable', 'mode', 'clear']));
    expect(complete(['-m', 'x.json', 'pl'])).toEqual(['plan']);
    expect(complete(['--no-color', 'va'])).toEqual(['validate']);
  });

  it('bash offers the stage ids of ./rollout.json for rollback --to, and nothing when there is no readable manifest', () => {
    expect(complete(['rollback', '--to', ''], example)).toEqual(['internal-pilot', 'limited-beta', 'general-availability']);
    expect(complete(['rollback', '--to', 'lim'], example)).toEqual(['limited-beta']);
    writeFileSync(join(work.dir, 'rollout.json'), '{ not json');
    expect(complete(['rollback', '--to', ''], work.dir)).toEqual([]);
  });

  it('bash offers stage ids for the stage argument of gate (first argument only), status --stage and rollback --to', () => {
    expect(complete(['gate', ''], example)).toEqual(expect.arrayContaining([...STAGES, '--format']));
    expect(complete(['gate', 'lim'], example)).toEqual(['limited-beta']);
    expect(complete(['gate', '--format', 'json', '-m', 'rollout.json', 'gen'], example)).toEqual(['general-availability']);
    expect(complete(['gate', 'limited-beta', ''], example)).not.toContain('internal-pilot');
    expect(complete(['gate', 'limited-beta', '--for'], example)).toEqual(['--format']);
    expect(complete(['status', '--stage', ''], example)).toEqual(STAGES);
    expect(complete(['config', 'get', 'actor', ''], example)).not.toContain('format');
  });

  it('zsh and fish scripts cover the same commands and choices', async () => {
    const zsh = await runInProcess(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^#compdef agent-rollout\n/);
    expect(zsh.stdout).toContain('bashcompinit');
    const fish = await runInProcess(['completion', 'fish']);
    expect(fish.code).toBe(0);
    expect(fish.stdout).toContain("complete -c agent-rollout -n '__fish_use_subcommand' -a gate");
    expect(fish.stdout).toMatch(/__fish_seen_subcommand_from gate' -l format -d '[^']*' -x -a 'text json markdown'/);
    expect(fish.stdout).toContain('-l to -d');
  });

  it('an unknown shell, or none, is a usage error (exit 2)', async () => {
    const unknown = await runInProcess(['completion', 'tcsh']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('bash, zsh, fish');
    const none = await runInProcess(['completion']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('name the shell');
  });

  it('agent-rollout schema prints the local schema path, --print the schema', async () => {
    const path = await runInProcess(['schema']);
    expect(path.code).toBe(0);
    expect(path.stdout.trim()).toMatch(/schemas\/rollout\.v1\.schema\.json$/);
    const printed = await runInProcess(['schema', '--print']);
    expect(JSON.parse(printed.stdout)).toHaveProperty('$id');
  });
});
