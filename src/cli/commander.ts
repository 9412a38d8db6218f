import { createRequire } from 'node:module';
import type * as CommanderModule from 'commander';

/**
 * commander, loaded with `require`. commander is CommonJS; `import` of it goes through its ES
 * wrapper and Node's ES-module loader, which on Node 20 cost about 25 ms on every start (measured
 * against a one-command program: 1.27 × `node -e 0` imported, 1.02 × required). Every command
 * definition takes commander from here.
 */
const commander = createRequire(import.meta.url)('commander') as typeof CommanderModule;

export const { Argument, Command, CommanderError, InvalidArgumentError, Option } = commander;
export type Argument = CommanderModule.Argument;
export type Command = CommanderModule.Command;
export type CommanderError = CommanderModule.CommanderError;
export type InvalidArgumentError = CommanderModule.InvalidArgumentError;
export type Option = CommanderModule.Option;
