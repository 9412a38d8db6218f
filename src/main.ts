import { runProgram } from './cli.js';
import { processIo } from './ui/io.js';

/**
 * The program's entry (bin/agent-rollout.js imports its bundle): runs the program with this
 * process's Io and sets the exit code; the process then ends on its own.
 */

// `agent-rollout ... | head` closes the pipe early: stop writing quietly instead of crashing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
process.exitCode = await runProgram(process.argv.slice(2), processIo());
