import { checkbox, confirm, input, select } from '@inquirer/prompts';
import { CliError, ExitCode } from '../../errors.js';
import { safeText } from '../../render/safe-text.js';
import type { Check } from './validators.js';

/**
 * The prompts of init and the inventory walkthrough: @inquirer/prompts on the process's
 * terminal. Every answer is checked before it is accepted, and the prompt asks again with the
 * reason. Ctrl-C in a prompt becomes PromptInterrupted (exit 130); the caller has written
 * nothing by then, and says so.
 */

/** Ctrl-C (or a closed terminal) in a prompt. */
export class PromptInterrupted extends CliError {
  constructor(message = 'interrupted; nothing was written') {
    super(message, ExitCode.interrupted);
    this.name = 'PromptInterrupted';
  }
}

function isExit(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

async function guard<T>(answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (error) {
    if (isExit(error)) throw new PromptInterrupted();
    throw error;
  }
}

export interface TextQuestion {
  message: string;
  /** Taken when the answer is empty; shown in parentheses. */
  default?: string;
  check?: Check;
  /** Empty the line when the answer is refused (an answer that may hold a secret is not left on screen). */
  clearOnError?: boolean;
}

/** The @inquirer/input config of a text question (what the tests render). */
export function textPrompt(question: TextQuestion): Parameters<typeof input>[0] {
  const config: Parameters<typeof input>[0] = { message: safeText(question.message) };
  if (question.default !== undefined && question.default !== '') config.default = question.default;
  const { check } = question;
  if (check) config.validate = (value: string) => check(value);
  if (question.clearOnError) config.theme = { validationFailureMode: 'clear' };
  return config;
}

/** Asks for a line of text; the answer is trimmed. */
export async function askText(question: TextQuestion): Promise<string> {
  return (await guard(input(textPrompt(question)))).trim();
}

export async function askConfirm(message: string, defaultValue: boolean): Promise<boolean> {
  return guard(confirm({ message: safeText(message), default: defaultValue }));
}

export interface Choice<T> {
  value: T;
  name: string;
  description?: string;
  checked?: boolean;
}

/** The @inquirer/select config of a choice. */
export function selectPrompt<T>(message: string, choices: readonly Choice<T>[], defaultValue?: T): Parameters<typeof select<T>>[0] {
  const config: Parameters<typeof select<T>>[0] = {
    message: safeText(message),
    choices: choices.map((c) =>
      c.description === undefined
        ? { value: c.value, name: safeText(c.name) }
        : { value: c.value, name: safeText(c.name), description: safeText(c.description) },
    ),
    pageSize: 12,
    loop: false,
  };
  if (defaultValue !== undefined) config.default = defaultValue;
  return config;
}

export async function askSelect<T>(message: string, choices: readonly Choice<T>[], defaultValue?: T): Promise<T> {
  return guard(select<T>(selectPrompt(message, choices, defaultValue)));
}

/** The @inquirer/checkbox config of a multiple choice; `required` re-asks when nothing is picked. */
export interface CheckboxOptions<T> {
  /** Asked again with this reason when nothing is picked. */
  required?: string;
  /** Checks the picked values; a string is the reason to ask again. */
  check?: (values: T[]) => true | string;
}

export function checkboxPrompt<T>(
  message: string,
  choices: readonly Choice<T>[],
  options: CheckboxOptions<T> = {},
): Parameters<typeof checkbox<T>>[0] {
  const config: Parameters<typeof checkbox<T>>[0] = {
    message: safeText(message),
    choices: choices.map((c) => ({ value: c.value, name: safeText(c.name), checked: c.checked === true })),
    pageSize: 12,
    loop: false,
  };
  const { required, check } = options;
  if (required || check) {
    config.validate = (picked) => {
      if (required && picked.length === 0) return required;
      return check ? check(picked.map((choice) => choice.value)) : true;
    };
  }
  return config;
}

export async function askCheckbox<T>(message: string, choices: readonly Choice<T>[], options: CheckboxOptions<T> = {}): Promise<T[]> {
  return guard(checkbox<T>(checkboxPrompt(message, choices, options)));
}
