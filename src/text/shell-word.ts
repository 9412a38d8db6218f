/**
 * One word of a command line a person can paste into a POSIX shell: as it is when it holds no
 * character a shell reads specially, else in single quotes.
 */
export function shellWord(word: string): string {
  return /^[\w./:@~^=+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line from its words, each quoted as `shellWord` does. */
export function shellLine(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
}
