import { z } from 'zod';
import { maxSystemPromptLength } from './app-limits.ts';

// The app JSON of the manage API, shared by the server and the dashboard (which imports the
// types only). Messages complete "<field> …" sentences: the server's problem+json `detail`.

export { maxSystemPromptLength };

const name = /^[A-Za-z0-9_-]{1,64}$/;
const nonEmpty = 'must be a non-empty string';

/** What kind of client an app serves: a browser widget or server-to-server calls. */
export const appTypeSchema = z.enum(['web_client', 'api'], {
  error: 'must be "web_client" or "api"',
});

const text = () =>
  z
    .string({ error: nonEmpty })
    .max(200, { error: nonEmpty })
    .refine((value) => value.trim() !== '', { error: nonEmpty });
const scopeName = () => text().regex(name, { error: 'must use only letters, digits, _ or -' });
const flag = () => z.boolean({ error: 'must be true or false' });
const systemPrompt = z
  .string({ error: `must be a string of at most ${maxSystemPromptLength} characters` })
  .max(maxSystemPromptLength, {
    error: `must be a string of at most ${maxSystemPromptLength} characters`,
  })
  .nullish()
  .meta({
    description:
      "Instructions sent to the model first, before the visitor's messages; visitors never see it. Blank or null = none.",
  });
const allowedDomains = z
  .array(z.string({ error: 'must be a string' }), { error: 'must be an array of domain strings' })
  .max(500, { error: 'must be an array of domain strings' })
  .meta({
    description:
      'Origins allowed to use the app: `*`, `example.com` (any port and scheme), `example.com:8443`, `*.example.com` (apex and subdomains), `https://example.com`',
  });

/** The most public keys an app may register for signed-in visitors. */
export const maxSigningKeys = 10;
/** The algorithms a signing key may use: fixed per key, never taken from a token. */
export const signingAlgorithms = ['RS256', 'ES256', 'EdDSA'] as const;
/** A signing key's algorithm. */
export type SigningAlgorithm = (typeof signingAlgorithms)[number];

const signingKey = z.object(
  {
    kid: z
      .string({ error: 'must be 1 to 128 visible ASCII characters' })
      .regex(/^[\x21-\x7e]{1,128}$/, { error: 'must be 1 to 128 visible ASCII characters' }),
    alg: z
      .enum(signingAlgorithms, { error: 'must be "RS256", "ES256" or "EdDSA"' })
      .optional()
      .meta({
        description: "Default: the key's own (RSA → RS256, P-256 → ES256, Ed25519 → EdDSA)",
      }),
    key: z
      .union([z.string().max(8192), z.record(z.string(), z.unknown())], {
        error: 'must be a public key: a PEM string or a JWK object',
      })
      .meta({ description: 'A public key: PEM (SPKI) text or a JWK object' }),
  },
  { error: 'must be an object { kid, alg?, key }' },
);
const signingKeys = z
  .array(signingKey, { error: 'must be an array of { kid, alg?, key }' })
  .max(maxSigningKeys, { error: `must hold at most ${maxSigningKeys} keys` })
  .meta({
    description:
      "Public keys the site's backend signs visitors' tokens with (signed-in sessions); several while rotating",
  });
const audience = z
  .string({ error: 'must be a string of 1 to 200 characters' })
  .min(1, { error: 'must be a string of 1 to 200 characters' })
  .max(200, { error: 'must be a string of 1 to 200 characters' })
  .nullish()
  .meta({
    description: "The `aud` a signed-in visitor's token must name; null or absent = not checked",
  });

/**
 * An app definition as written in the config file, or by a manage API create: every field but
 * `id` may be left out (defaults: tenant and project `default`, name = id, `web_client`,
 * enabled, agent `default`, no domains, anonymous sessions allowed).
 */
export const appDefinitionSchema = z.object(
  {
    id: z
      .string({ error: 'must look like "app_…" (letters, digits, _ or -)' })
      .regex(/^app_[A-Za-z0-9_-]{1,64}$/, {
        error: 'must look like "app_…" (letters, digits, _ or -)',
      }),
    tenantId: scopeName().default('default'),
    projectId: scopeName().default('default'),
    name: text().optional(),
    type: appTypeSchema.default('web_client'),
    enabled: flag().default(true),
    defaultAgentId: text().default('default'),
    config: z
      .object(
        {
          webClient: z
            .object(
              {
                allowedDomains: allowedDomains.default([]),
                allowAnonymous: flag().default(true),
                signingKeys: signingKeys.optional(),
                audience,
              },
              { error: 'must be an object' },
            )
            .default({ allowedDomains: [], allowAnonymous: true }),
          systemPrompt,
        },
        { error: 'must be an object' },
      )
      .default({ webClient: { allowedDomains: [], allowAnonymous: true } }),
  },
  { error: 'must be an object' },
);

/** The fields of an app the dashboard sends to create (`POST`) or change (`PATCH`) one. */
export const appInputSchema = z
  .object(
    {
      id: appDefinitionSchema.shape.id.optional(),
      name: text().optional(),
      type: appTypeSchema.optional(),
      enabled: flag().optional(),
      defaultAgentId: text().optional(),
      config: z
        .object(
          {
            webClient: z
              .object(
                {
                  allowedDomains: allowedDomains.optional(),
                  allowAnonymous: flag().optional(),
                  signingKeys: signingKeys.optional(),
                  audience,
                },
                { error: 'must be an object' },
              )
              .optional(),
            systemPrompt,
          },
          { error: 'must be an object' },
        )
        .optional(),
    },
    { error: 'Request body must be a JSON object' },
  )
  .meta({ id: 'AppInput' });

/** An app as the manage API returns it. */
export const appSchema = z
  .object({
    id: z.string().meta({ description: 'app_…' }),
    tenantId: z.string(),
    projectId: z.string(),
    name: z.string(),
    type: appTypeSchema,
    enabled: z.boolean(),
    defaultAgentId: z.string(),
    config: z.object({
      webClient: z.object({
        allowedDomains: z.array(z.string()),
        allowAnonymous: z.boolean(),
        signingKeys: z
          .array(
            z.object({
              kid: z.string(),
              alg: z.enum(signingAlgorithms),
              key: z.union([z.string(), z.record(z.string(), z.unknown())]),
            }),
          )
          .optional()
          .meta({ description: 'Public keys for signed-in visitors; absent when there are none' }),
        audience: z.string().optional(),
      }),
      systemPrompt: z
        .string()
        .optional()
        .meta({ description: 'Instructions sent to the model first; absent when there are none' }),
    }),
    sessionsRevokedBefore: z.string().optional().meta({
      format: 'date-time',
      readOnly: true,
      description:
        'Anonymous sessions issued before this time are refused; set by POST …/sessions/revoke, absent until then',
    }),
  })
  .meta({ id: 'App' });

/** What an anonymous visitor's `sub` looks like: `anon_<uuid v4>`. */
export const anonymousSubPattern =
  /^anon_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What a signed-in visitor's `sub` looks like: `user_` + 32 hex of SHA-256(app id, site user id). */
export const userSubPattern = /^user_[0-9a-f]{32}$/;

const visitorIdError = 'must be a visitor id (anon_<uuid>, or user_ and 32 hex digits)';

/** Whose sessions to revoke: every visitor of the app, or the one with `sub`. */
export const sessionRevocationSchema = z.object(
  {
    before: z
      .string({ error: 'must be an ISO 8601 date-time' })
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i, {
        error: 'must be an ISO 8601 date-time',
      })
      .refine((value) => Number.isFinite(Date.parse(value)), {
        error: 'must be an ISO 8601 date-time',
      })
      .optional()
      .meta({ format: 'date-time', description: 'not in the future; default now' }),
    sub: z
      .string({ error: visitorIdError })
      .refine((sub) => anonymousSubPattern.test(sub) || userSubPattern.test(sub), {
        error: visitorIdError,
      })
      .optional()
      .meta({ description: 'one visitor; absent = every visitor of the app' }),
  },
  { error: 'Request body must be a JSON object' },
);

/** The answer to revoking sessions: the cutoff now in force. */
export const revokedSessionsSchema = z.object({
  appId: z.string(),
  sub: z.string().nullable(),
  revokedBefore: z.string().meta({ format: 'date-time', description: 'the cutoff now in force' }),
});

/** What kind of client an app serves. */
export type AppType = z.infer<typeof appTypeSchema>;
/** An app as the manage API returns it (and the server stores it). */
export type App = z.infer<typeof appSchema>;
/** An app's settings. */
export type AppConfig = App['config'];
/** The browser-facing settings of an app. */
export type WebClientConfig = AppConfig['webClient'];
/** A public key registered for signed-in visitors, as stored (its algorithm resolved). */
export type SigningKey = NonNullable<WebClientConfig['signingKeys']>[number];
/** The fields of an app the dashboard creates or changes. */
export type AppInput = z.input<typeof appInputSchema>;
/** Whose sessions to revoke. */
export type SessionRevocation = z.input<typeof sessionRevocationSchema>;
/** The cutoff in force after revoking sessions. */
export type RevokedSessions = z.infer<typeof revokedSessionsSchema>;
