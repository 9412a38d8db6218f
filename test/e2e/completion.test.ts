import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, copyExample, runCli, runInProcess, tempDir } from '../helpers/cli.js';

let work: { dir: string; cleanup: () => Promise<void> };
let script: string;
let zshScript: string;
let fishScript: string;
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
  // zsh and fish: the same program, run in-process for the text; the shells below run it.
  zshScript = join(work.dir, '_agent-rollout');
  writeFileSync(zshScript, (await runInProcess(['completion', 'zsh'])).stdout);
  fishScript = join(work.dir, 'agent-rollout.fish');
  writeFileSync(fishScript, (await runInProcess(['completion', 'fish'])).stdout);
});

/** A shell run as the completion would be: the binary on PATH, a home of its own, in `cwd`. */
function shell(program: string, args: string[], cwd = work.dir) {
  return spawnSync(program, args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: `${join(work.dir, 'bin')}:${process.env['PATH'] ?? ''}`, HOME: work.dir, XDG_CONFIG_HOME: join(work.dir, '.config') },
  });
}

/**
 * What real zsh offers, through the bash function as zsh's bashcompinit runs it (sh emulation,
 * arrays from 0). Its compgen hands zsh every word, and zsh keeps those that start with the word
 * being completed: so does this.
 */
function zshComplete(words: string[], cwd = work.dir): string[] {
  const result = shell(
    'zsh',
    [
      '-f',
      '-c',
      '. "$1"; shift; [[ $_comps[agent-rollout] == *_agent_rollout* ]] || { print -u2 "not registered: $_comps[agent-rollout]"; exit 1 }; ' +
        'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); emulate sh -c _agent_rollout; print -rl -- "${COMPREPLY[@]}"',
      'complete',
      zshScript,
      'agent-rollout',
      ...words,
    ],
    cwd,
  );
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const typed = words.at(-1) ?? '';
  return result.stdout.split('\n').filter((word) => word !== '' && word.startsWith(typed));
}

/** What real fish offers for a command line (`complete -C`), without the descriptions. */
function fishComplete(line: string, cwd = work.dir): string[] {
  const result = shell('fish', ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', fishScript, line], cwd);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[0] as string);
}

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

  it('the zsh and fish scripts parse (zsh -n, fish -n)', () => {
    for (const [program, args] of [
      ['zsh', ['-n', zshScript]],
      ['fish', ['--no-config', '-n', fishScript]],
    ] as const) {
      const result = shell(program, [...args]);
      expect(result.stderr, program).toBe('');
      expect(result.status, program).toBe(0);
    }
  });

  it('zsh, with the script sourced, completes commands, choices and stage ids', () => {
    expect(zshComplete(['ga'])).toEqual(['gate']);
    expect(zshComplete(['gate', '--format', ''])).toEqual(['text', 'json', 'markdown']);
    expect(zshComplete(['gate', ''], example)).toEqual(expect.arrayContaining(STAGES));
    expect(zshComplete(['rollback', '--to', 'lim'], example)).toEqual(['limited-beta']);
  });

  it('fish, with the script sourced, completes commands, choices and stage ids', () => {
    expect(fishComplete('agent-rollout ga')).toEqual(['gate']);
    expect(fishComplete('agent-rollout gate --format ')).toEqual(['json', 'markdown', 'text']);
    expect(fishComplete('agent-rollout gate ', example)).toEqual([...STAGES].sort());
    expect(fishComplete('agent-rollout status --stage ', example)).toEqual([...STAGES].sort());
    expect(fishComplete('agent-rollout rollback --to lim', example)).toEqual(['limited-beta']);
    // No manifest to read: no stage ids, and no error.
    expect(fishComplete('agent-rollout gate ', join(work.dir, 'bin'))).toEqual([]);
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
