import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../src/server/cli/parse-cli-args.ts';
import { createTestApp } from '../helpers.ts';

let folder: string;
let root: string;
let widgetFile: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'manage-ui-'));
  root = join(folder, 'manage');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Manage</title>');
  writeFileSync(join(root, 'try.html'), '<!doctype html><title>Try</title>');
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'notes.txt'), 'no type');
  writeFileSync(join(folder, 'secret.html'), 'outside');
  widgetFile = join(folder, 'inkeep-chat.js');
  writeFileSync(widgetFile, '/* widget */');
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const app = () => createTestApp({ manageUi: { root, widgetFile } });

describe('manage UI routes', () => {
  it.each(['/manage', '/manage/'])('serves index.html at %s with a strict policy', async (path) => {
    const response = await app().request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Manage</title>');
  });

  it('serves hashed assets with long caching and their content types', async () => {
    const script = await app().request('/manage/assets/index-abc123.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect(script.headers.get('content-security-policy')).toBeNull();
    const style = await app().request('/manage/assets/index-abc123.css');
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('serves the try page and the widget bundle', async () => {
    const page = await app().request('/manage/try.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain('worker-src blob:');
    const widget = await app().request('/manage/inkeep-chat.js');
    expect(widget.status).toBe(200);
    expect(await widget.text()).toBe('/* widget */');
    expect(widget.headers.get('cache-control')).toBe('no-cache');
  });

  it.each([
    '/manage/missing.html',
    '/manage/assets/missing.js',
    '/manage/assets/notes.txt',
    '/manage/..%2Fsecret.html',
    '/manage/assets/..%2F..%2Fsecret.html',
    '/manage/%2E%2E%2Fsecret.html',
    '/manage/.hidden.js',
    '/manage/assets/a/b.js',
  ])('answers 404 problem+json for %s and never leaves the folder', async (path) => {
    const response = await app().request(path);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.text()).not.toContain('outside');
  });

  it('leaves the manage API to its own routes', async () => {
    const response = await app().request('/manage/tenants/default/projects/default/apps');
    expect(response.status).toBe(401);
  });

  it('is off with manageUi: false and when the folder is missing', async () => {
    const off = createTestApp({ manageUi: false });
    expect((await off.request('/manage/')).status).toBe(404);
    const missing = createTestApp({ manageUi: { root: join(folder, 'nowhere'), widgetFile } });
    const response = await missing.request('/manage/');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('has a --no-manage-ui flag', () => {
    expect(parseCliArgs([]).manageUi).toBe(true);
    expect(parseCliArgs(['--no-manage-ui']).manageUi).toBe(false);
  });
});
