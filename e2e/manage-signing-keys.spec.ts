import AxeBuilder from '@axe-core/playwright';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { expect, test } from './fixtures.ts';
import { type RunningProcess, startApiServer } from './servers.ts';

// The dashboard's signed-in visitors field: an owner registers the site's public key, and a
// token the site signs with the private half then opens a session.

const adminKey = 'e2e-signing-keys-admin-key-0123456789';
let api: RunningProcess;

test.beforeEach(async () => {
  api = await startApiServer({ INKEEP_ADMIN_API_KEY: adminKey });
});
test.afterEach(async () => {
  await api?.stop();
});

test('registers a signing key and an audience on an app; a token signed with it opens a session', async ({
  page,
}) => {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA');
  const pem = await exportSPKI(publicKey);
  await page.goto(`${api.url}/manage/`);
  await page.getByLabel('API key').fill(adminKey);
  await page.getByLabel('API key').press('Enter');
  const card = page.getByRole('article', { name: 'Demo' });
  await expect(card).toContainText('No signing keys');
  await card.getByRole('button', { name: 'Edit Demo' }).click();
  const form = page.getByRole('form', { name: 'Edit Demo' });
  await expect(form.getByText('No keys: visitors can only chat anonymously.')).toBeVisible();

  // A key that is no key: the server's refusal appears next to it, and the text stays.
  await form.getByRole('button', { name: 'Add signing key' }).click();
  await expect(form.getByLabel('Key id (kid) 1')).toBeFocused();
  await page.keyboard.type('site-2026');
  const garbage = '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----';
  await form.getByLabel('Public key 1 (PEM or JWK)').fill(garbage);
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form.getByRole('alert')).toContainText('is not a readable PEM public key');
  await expect(form.getByLabel('Key id (kid) 1')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Public key 1 (PEM or JWK)')).toHaveValue(garbage);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((violation) => violation.id)).toEqual([]);

  await form.getByLabel('Public key 1 (PEM or JWK)').fill(pem);
  await form.getByLabel('Audience (optional)').fill('https://docs.example.com');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Saved Demo.')).toBeVisible();
  await expect(card.getByRole('list', { name: 'Signing keys' })).toContainText('site-2026 (EdDSA)');
  await expect(card).toContainText('https://docs.example.com');
  await page.screenshot({
    path: 'test-results/screenshots/manage-signing-keys.png',
    fullPage: true,
  });

  // After a reload the form shows the saved key with its algorithm.
  await page.reload();
  await page.getByRole('button', { name: 'Edit Demo' }).click();
  await expect(
    page.getByRole('form', { name: 'Edit Demo' }).getByLabel('Public key 1 (PEM or JWK): EdDSA'),
  ).toHaveValue(pem.trim());

  // The site's backend signs a token with the private half: the server accepts it.
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', kid: 'site-2026' })
    .setSubject('ada')
    .setAudience('https://docs.example.com')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
  const response = await fetch(`${api.url}/run/auth/apps/app_demo/user-session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://localhost:5173' },
    body: JSON.stringify({ token }),
  });
  expect(response.status).toBe(200);
});
