import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

// Keep the tail of a child's output for failure messages, not all of it.
const KEPT_LINES = 200;

/** A TCP port nobody listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One of the service's entry points (src/main.ts or src/worker.ts) run as a real process, compiled on
 * the fly by ts-node (transpile only: about 5 s to start here, faster than a `nest build`), so the
 * test can SIGKILL or SIGTERM it like an orchestrator would.
 */
export class ServiceProcess {
  readonly exited: Promise<Exit>;
  private readonly lines: string[] = [];
  private exit: Exit | null = null;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) this.keep(line);
      });
    }
  }

  static start(name: string, entry: 'src/main.ts' | 'src/worker.ts', env: Record<string, string>): ServiceProcess {
    // Node itself is the child (no npm or npx in between), so a signal reaches the service directly.
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entry], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(name, child);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === null;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) process.kill(this.pid, signal);
  }

  /** Resolves once a line of output matches, fails if the process exits first or time runs out. */
  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.lines.some((line) => pattern.test(line))) return;
      if (!this.running) throw new Error(`${this.name} exited (${JSON.stringify(this.exit)}) before printing ${pattern}:\n${this.output()}`);
      await sleep(50);
    }
    throw new Error(`${this.name} printed nothing matching ${pattern} within ${timeoutMs} ms:\n${this.output()}`);
  }

  /** Waits for the process to end by itself; null if it is still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<Exit | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILLs the process if it still runs (cleanup after a failed test). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.signal('SIGKILL');
    await this.exited;
  }

  output(): string {
    return this.lines.join('\n');
  }

  private keep(line: string): void {
    this.lines.push(line);
    if (this.lines.length > KEPT_LINES) this.lines.shift();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
