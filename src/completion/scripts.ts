import type { CompletionCommand, CompletionOption, CompletionTree } from './tree.js';

/** The shells `agent-rollout completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** A word safe inside single quotes in bash, zsh and fish (names and choices are ASCII; quotes are escaped anyway). */
function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, `'\\''`)}'`;
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The function name of the bash completion. */
function functionName(program: string): string {
  return `_${program.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** Each command and subcommand with its path of names ("config get"). */
function paths(commands: readonly CompletionCommand[], prefix: string[] = []): { path: string[]; command: CompletionCommand }[] {
  return commands.flatMap((command) => {
    const path = [...prefix, command.name];
    return [{ path, command }, ...paths(command.subcommands, path)];
  });
}

function optionWords(options: readonly CompletionOption[]): string {
  return options.flatMap((option) => option.names).join(' ');
}

function valueCase(key: string, option: CompletionOption): string | undefined {
  if (!option.takesValue) return undefined;
  const pattern = option.names.map((name) => quote(`${key}:${name}`)).join('|');
  if (option.choices) return `      ${pattern}) COMPREPLY=($(compgen -W ${quote(option.choices.join(' '))} -- "$cur")); return ;;`;
  if (option.valueKind === 'stage') return `      ${pattern}) COMPREPLY=($(compgen -W "${stagesCommand()}" -- "$cur")); return ;;`;
  if (option.valueKind === 'file')
    return `      ${pattern}) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;`;
  return `      ${pattern}) return ;;`;
}

/** The shell words that print the stage ids of ./rollout.json, by asking the program itself. */
function stagesCommand(): string {
  return `$(command ${'${COMP_WORDS[0]}'} completion --stages 2>/dev/null)`;
}

/**
 * A bash script: `source <(agent-rollout completion bash)`. It finds the command path among the
 * words typed so far (skipping options and the values they take, and counting the arguments
 * given after the command), then offers the subcommands and options of that command, the
 * choices or stage ids of its first argument while none is given, the choices of an option's
 * value, stage ids for `--to` and `--stage`, and files for paths.
 */
export function bashScript(tree: CompletionTree): string {
  const fn = functionName(tree.program);
  const all = paths(tree.commands);
  const valueOptions = new Set<string>();
  for (const option of [...tree.options, ...all.flatMap(({ command }) => command.options)])
    if (option.takesValue) for (const name of option.names) valueOptions.add(name);
  const words = ({ path, command }: { path: string[]; command: CompletionCommand }) => {
    const fixed = [...command.subcommands.map((c) => c.name), ...optionWords(command.options).split(' ')].filter(Boolean).join(' ');
    const first =
      command.argumentChoices !== undefined
        ? ` ((args == 0)) && words="${command.argumentChoices.join(' ')} $words";`
        : command.argumentKind === 'stage'
          ? ` ((args == 0)) && [[ "$cur" != -* ]] && words="${stagesCommand()} $words";`
          : '';
    return `    ${quote(path.join(' '))}) words=${quote(fixed)};${first} ;;`;
  };
  const lines = [
    `# ${tree.program} completion for bash. Install: ${tree.program} completion bash > ~/.local/share/bash-completion/completions/${tree.program}`,
    `${fn}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" key="" next i word skip=0 args=0',
    `  local value_options=${quote([...valueOptions].join(' '))}`,
    `  local commands=${quote(`|${all.map(({ path }) => path.join(' ')).join('|')}|`)}`,
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    word="${COMP_WORDS[i]}"',
    '    if ((skip)); then skip=0; continue; fi',
    '    if [[ "$word" == -* ]]; then',
    '      [[ "$word" != *=* && " $value_options " == *" $word "* ]] && skip=1',
    '      continue',
    '    fi',
    '    next="${key:+$key }$word"',
    '    if [[ "$commands" == *"|$next|"* ]]; then key="$next"; args=0; else args=$((args + 1)); fi',
    '  done',
    '  if [[ "$prev" == -* ]]; then',
    '    case "$key:$prev" in',
    ...all
      .flatMap(({ path, command }) => command.options.map((option) => valueCase(path.join(' '), option)))
      .filter((line): line is string => line !== undefined),
    '    esac',
    '  fi',
    '  local words',
    '  case "$key" in',
    `    '') words=${quote([...tree.commands.map((c) => c.name), 'help', ...optionWords(tree.options).split(' ')].join(' '))} ;;`,
    ...all.map(words),
    '    *) words="" ;;',
    '  esac',
    '  COMPREPLY=($(compgen -W "$words" -- "$cur"))',
    '}',
    `complete -o default -F ${fn} ${tree.program}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** A zsh script: zsh runs the bash completion through its own bashcompinit, which ships with zsh. */
export function zshScript(tree: CompletionTree): string {
  return [
    `#compdef ${tree.program}`,
    `# ${tree.program} completion for zsh. Install: ${tree.program} completion zsh > "\${fpath[1]}/_${tree.program}", or add`,
    `#   source <(${tree.program} completion zsh)   to ~/.zshrc`,
    'autoload -U +X compinit && compinit',
    'autoload -U +X bashcompinit && bashcompinit',
    bashScript(tree),
  ].join('\n');
}

/** A fish script: one `complete` line per command, option and choice. */
export function fishScript(tree: CompletionTree): string {
  const p = tree.program;
  const lines = [`# ${p} completion for fish. Install: ${p} completion fish > ~/.config/fish/completions/${p}.fish`, `complete -c ${p} -f`];
  const optionLine = (condition: string, option: CompletionOption): string => {
    const spellings = option.names.map((name) => (name.startsWith('--') ? `-l ${name.slice(2)}` : `-s ${name.slice(1)}`)).join(' ');
    let line = `complete -c ${p} -n ${fishQuote(condition)} ${spellings} -d ${fishQuote(option.description)}`;
    if (option.choices) line += ` -x -a ${fishQuote(option.choices.join(' '))}`;
    else if (option.valueKind === 'stage') line += ` -x -a '(${p} completion --stages 2>/dev/null)'`;
    else if (option.valueKind === 'file') line += ' -r -F';
    else if (option.takesValue) line += ' -x';
    return line;
  };
  for (const option of tree.options) lines.push(optionLine('true', option));
  for (const command of tree.commands)
    lines.push(`complete -c ${p} -n '__fish_use_subcommand' -a ${command.name} -d ${fishQuote(command.description)}`);
  for (const command of tree.commands) {
    const inCommand = `__fish_seen_subcommand_from ${command.name}`;
    const subNames = command.subcommands.map((sub) => sub.name).join(' ');
    for (const sub of command.subcommands)
      lines.push(
        `complete -c ${p} -n ${fishQuote(`${inCommand}; and not __fish_seen_subcommand_from ${subNames}`)} -a ${sub.name} -d ${fishQuote(sub.description)}`,
      );
    if (command.argumentChoices)
      lines.push(`complete -c ${p} -n ${fishQuote(inCommand)} -a ${fishQuote(command.argumentChoices.join(' '))}`);
    if (command.argumentKind === 'stage')
      lines.push(`complete -c ${p} -n ${fishQuote(inCommand)} -a '(${p} completion --stages 2>/dev/null)'`);
    for (const option of command.options) lines.push(optionLine(inCommand, option));
    for (const sub of command.subcommands) {
      const inSub = `${inCommand}; and __fish_seen_subcommand_from ${sub.name}`;
      if (sub.argumentChoices) lines.push(`complete -c ${p} -n ${fishQuote(inSub)} -a ${fishQuote(sub.argumentChoices.join(' '))}`);
      if (sub.argumentKind === 'stage') lines.push(`complete -c ${p} -n ${fishQuote(inSub)} -a '(${p} completion --stages 2>/dev/null)'`);
      for (const option of sub.options) lines.push(optionLine(inSub, option));
    }
  }
  return `${lines.join('\n')}\n`;
}

export const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript } satisfies Record<Shell, (tree: CompletionTree) => string>;
