// Child processes of the local stack and the benches (wrangler and its workerd): one way to
// stop them, shared by scripts/local-stack.ts and bench/harness.ts.
import type { ChildProcess } from 'node:child_process';

export interface Child {
  process: ChildProcess;
  /** The last lines it printed, for error messages. */
  tail: string[];
  exited: Promise<number | null>;
}

/** SIGTERM to the child's process group, SIGKILL after 5 s; the child must be spawned detached. */
export async function stopChild(child: Child): Promise<void> {
  const pid = child.process.pid;
  if (pid === undefined || child.process.exitCode !== null || child.process.signalCode !== null) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
  if ((await Promise.race([child.exited, timeout])) === 'timeout') {
    signal('SIGKILL');
    await child.exited;
  }
  // workerd may outlive wrangler by a moment; the group is ours.
  signal('SIGKILL');
}
