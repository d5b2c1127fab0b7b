import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './service-process';

const run = promisify(execFile);

/**
 * A throw-away PostgreSQL cluster (initdb + pg_ctl into a temporary directory, on a port of its own)
 * that a test may crash and start again; the shared server on 5432 is never touched. The binaries
 * come from `pg_config --bindir` (or PATH). PostgreSQL refuses to run as root, so when the tests run
 * as root the cluster is owned and run by the `postgres` OS user, through `runuser`.
 */
export class PostgresCluster {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bindir: string,
    private readonly asPostgres: boolean,
  ) {}

  static async create(): Promise<PostgresCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'pm-faults-pg-'));
    const asPostgres = process.getuid?.() === 0;
    if (asPostgres) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
    const cluster = new PostgresCluster(await freePort(), dir, postgresBindir(), asPostgres);
    // Trust on loopback only; no fsync: the data is thrown away with the directory.
    await cluster.pg('initdb', ['-D', cluster.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    return cluster;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-c listen_addresses=127.0.0.1`,
      `-c unix_socket_directories=${this.dir}`,
      `-c fsync=off`,
      `-c full_page_writes=off`,
      `-c max_connections=60`,
    ].join(' ');
    await this.pg('pg_ctl', ['-D', this.dataDir, '-l', join(this.dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  }

  /**
   * Stops the server the way a crash would: every backend is killed at once, open transactions are
   * lost and the next start runs crash recovery (`pg_ctl stop -m immediate`).
   */
  async crash(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
  }

  /**
   * Freezes every process of the server (SIGSTOP): connections are still accepted by the kernel but
   * nothing answers, as when the database host hangs or the network drops packets.
   */
  freeze(): void {
    for (const pid of this.serverPids()) process.kill(pid, 'SIGSTOP');
  }

  thaw(): void {
    for (const pid of this.serverPids()) process.kill(pid, 'SIGCONT');
  }

  private serverPids(): number[] {
    const postmaster = Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(postmaster)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
    return [postmaster, ...children];
  }

  async destroy(): Promise<void> {
    await this.crash().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async pg(binary: string, args: string[]): Promise<void> {
    const path = join(this.bindir, binary);
    const [file, argv] = this.asPostgres ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
    try {
      await run(file, argv, { timeout: 90_000 });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`${binary} ${args.join(' ')} failed: ${stderr || stdout || (error as Error).message}`, { cause: error });
    }
  }
}

function postgresBindir(): string {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    // No pg_config: expect initdb and pg_ctl on PATH.
    const initdb = execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    return join(initdb, '..');
  }
}
