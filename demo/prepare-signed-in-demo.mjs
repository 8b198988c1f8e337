// The signed-in demo page's key pair, made fresh on each start so that no private key is ever
// committed or written to disk. The public half is registered on app_demo in a temporary copy
// of demo/apps.json (the Run API server's --config); the private half reaches demo/serve.mjs in
// the INKEEP_DEMO_SIGNER variable, and its backend signs the visitors' tokens with it.
// demo/apps.json itself stays as it is: the server starts with it alone, without the page's key.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair } from 'jose';

const here = dirname(fileURLToPath(import.meta.url));

/** The variable demo/serve.mjs reads its signer from: JSON `{ kid, audience, key }`. */
export const demoSignerVariable = 'INKEEP_DEMO_SIGNER';

/**
 * Makes an ES256 key pair and writes the apps config that registers its public half (with an
 * `audience`, which the site's tokens name) on `appId`. Returns the config's path, the
 * environment demo/serve.mjs needs, and `cleanup()`, which deletes the temporary config.
 */
export async function prepareSignedInDemo({
  appId = 'app_demo',
  config = join(here, 'apps.json'),
} = {}) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `demo-${randomUUID().slice(0, 8)}`;
  const audience = 'inkeep-chat-demo';
  const apps = JSON.parse(readFileSync(config, 'utf8'));
  const app = apps.apps.find((candidate) => candidate.id === appId);
  if (!app) throw new Error(`${config} has no app ${appId}`);
  app.config = {
    ...app.config,
    webClient: {
      ...app.config?.webClient,
      signingKeys: [{ kid, alg: 'ES256', key: await exportJWK(publicKey) }],
      audience,
    },
  };
  const directory = mkdtempSync(join(tmpdir(), 'inkeep-demo-'));
  const configPath = join(directory, 'apps.json');
  writeFileSync(configPath, JSON.stringify(apps, null, 2));
  const signer = { kid, audience, key: await exportJWK(privateKey) };
  return {
    configPath,
    env: { [demoSignerVariable]: JSON.stringify(signer) },
    cleanup: () => rmSync(directory, { recursive: true, force: true }),
  };
}
