import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A child process listening on a free loopback port, stopped by its pid. */
export interface RunningProcess {
  url: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node script args…` and resolves with the URL it prints as `… listening on URL`. */
export function startProcess(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<RunningProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(root, script), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${script} did not start:\n${output}`));
    }, 60_000);
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null || !child.pid) return done();
        child.once('exit', () => done());
        process.kill(child.pid, 'SIGTERM');
        setTimeout(() => {
          if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
        }, 3000).unref();
      });
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], pid: child.pid ?? 0, output: () => output, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (data: Buffer) => {
      output += data.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
}

/** Starts the Run API server on a free port (or `port`, to restart one) with the demo apps. */
export function startApiServer(
  env: Record<string, string> = {},
  args: string[] = [],
  port = 0,
): Promise<RunningProcess> {
  return startProcess(
    'dist/server/cli.js',
    ['--port', String(port), '--host', '127.0.0.1', '--config', 'demo/apps.json', ...args],
    {
      INKEEP_ANON_JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123',
      INKEEP_RESPONDER_TOKEN_DELAY_MS: '5',
      ...env,
    },
  );
}

/** Starts the demo site on its own free port, pointed at `serverUrl`. */
export function startDemoSite(
  serverUrl: string,
  env: Record<string, string> = {},
): Promise<RunningProcess> {
  return startProcess('demo/serve.mjs', ['--port', '0', '--server', serverUrl], env);
}

/** demo/prepare-signed-in-demo.mjs (plain JavaScript, as `npm start` runs it), typed here. */
interface SignedInDemoModule {
  prepareSignedInDemo(): Promise<{
    configPath: string;
    env: Record<string, string>;
    cleanup(): void;
  }>;
}

/**
 * Starts the Run API server and the demo site as `npm start` does: a fresh key pair whose
 * public half app_demo registers (a temporary copy of demo/apps.json), and whose private half
 * the demo site signs its signed-in visitors' tokens with.
 */
export async function startDemo(
  env: Record<string, string> = {},
): Promise<{ api: RunningProcess; site: RunningProcess; stop(): Promise<void> }> {
  const script = new URL('../demo/prepare-signed-in-demo.mjs', import.meta.url).href;
  const { prepareSignedInDemo } = (await import(script)) as SignedInDemoModule;
  const signedIn = await prepareSignedInDemo();
  const started: RunningProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((process) => process.stop()));
    signedIn.cleanup();
  };
  try {
    const api = await startApiServer(env, ['--config', signedIn.configPath]);
    started.push(api);
    const site = await startDemoSite(api.url, signedIn.env);
    started.push(site);
    return { api, site, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
