import { oneManifestOption } from './manifest-option.js';
import { Argument } from './commander.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { SHELLS } from '../completion/scripts.js';

export const defineCompletion: CommandDefinition = (program, run) => {
  program
    .command('completion')
    .summary('print a shell completion script (bash, zsh, fish)')
    .description(
      'Print a script that completes commands, options, format choices and, for `gate [stage]`, `rollback --to` and ' +
        '`status --stage`, the stage ids of ./rollout.json. Install it once (see the examples); it asks agent-rollout for stage ids only when you complete ' +
        'a stage.',
    )
    .addArgument(new Argument('[shell]', 'the shell').choices(SHELLS))
    .option('--stages', 'print the stage ids of the manifest, one a line (what the scripts call)')
    .addOption(oneManifestOption('completion', 'the manifest for --stages'))
    .addHelpText(
      'after',
      examples([
        'agent-rollout completion bash > ~/.local/share/bash-completion/completions/agent-rollout',
        'agent-rollout completion zsh > "${fpath[1]}/_agent-rollout"     # or: source <(agent-rollout completion zsh)',
        'agent-rollout completion fish > ~/.config/fish/completions/agent-rollout.fish',
      ]) + '\nExit codes: 0 printed; 2 an unknown shell.\n',
    )
    .action(async (shell: string | undefined, options) => {
      const { completionCommand } = await import('../commands/completion.js');
      await run((io) => completionCommand(shell, options, program, io));
    });
};
