import { ConfigError } from 'src/config/app-config';

/** Prints why the process could not start and exits non-zero. */
export function reportStartupFailure(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`Start-up failed: ${text}\n`);
  }
  process.exit(1);
}
