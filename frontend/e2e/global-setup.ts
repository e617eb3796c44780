/**
 * Brings up the stack the browser tests run against, and takes it down after the last test:
 * builds the SPA when a source changed (`make frontend-build`), then runs
 * backend/scripts/e2e_stack.py (scratch database `pulse_e2e_*`, migrations, `seed_e2e`, uvicorn
 * serving frontend/dist on a free port). The stack stops, and drops its database, when this
 * process closes its stdin, so it does not outlive an interrupted run.
 *
 * Env: E2E_DATABASE_URL / E2E_REDIS_URL (else DATABASE_URL / REDIS_URL) name the servers;
 * PYTHON the interpreter (else the repo's .venv); PULSE_E2E_BASE_URL skips all of this and
 * tests a server that is already running (with the same seed loaded).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';

import { artifactsDir, repoDir } from './support/paths';

const STARTUP_MS = 180_000;

type Ready = { base_url: string; database: string };

function python(): string {
  if (process.env.PYTHON) return process.env.PYTHON;
  const venv = `${repoDir}.venv/bin/python`;
  return existsSync(venv) ? venv : 'python3';
}

export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  rmSync(`${artifactsDir}screens`, { recursive: true, force: true });
  mkdirSync(`${artifactsDir}screens`, { recursive: true });
  if (process.env.PULSE_E2E_BASE_URL) return undefined;

  if (!process.env.PULSE_E2E_SKIP_BUILD) {
    execFileSync('make', ['--no-print-directory', 'frontend-build'], { cwd: repoDir, stdio: 'inherit', timeout: 300_000 });
  }
  const log = `${artifactsDir}server.log`;
  const args = [`${repoDir}backend/scripts/e2e_stack.py`, '--watch-stdin', '--log', log];
  const database = process.env.E2E_DATABASE_URL ?? process.env.DATABASE_URL;
  const redis = process.env.E2E_REDIS_URL ?? process.env.REDIS_URL;
  if (database) args.push('--database-url', database);
  if (redis) args.push('--redis-url', redis);

  const stack = spawn(python(), args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => stack.once('exit', (code) => resolve(code)));
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the e2e stack did not start within ${STARTUP_MS / 1000} s; see ${log}`)), STARTUP_MS);
    const lines = createInterface({ input: stack.stdout });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as Ready);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the e2e stack exited (${code}) before it was ready; see ${log}`));
    });
  });
  process.env.PULSE_E2E_BASE_URL = ready.base_url;
  console.log(`e2e: ${ready.base_url} on database ${ready.database}`);

  return async () => {
    stack.stdin.end();
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000));
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      stack.kill('SIGTERM');
      await exited;
    }
  };
}
