import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * Runs a full garbage collection now. V8 exposes `gc` only to contexts created while the
 * `--expose-gc` flag is set; setting it at run time and creating one context gives the same
 * function however the process was started (`npm start`, `node dist/src/worker.js`, tests). For the
 * rare moments when a process has just dropped a lot of memory and would otherwise hold it (see
 * MatchingCorpusService); never on a request's path.
 */
export function collectGarbage(): void {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
}
