import { z } from 'zod';

// The API-key JSON of the manage API, shared by the server and the dashboard (which imports the
// types only). Messages complete "<field> …" sentences: the server's problem+json `detail`.

/** Every scope, in a stable order: chat completions, reading conversations, managing. */
export const allScopes = ['chat', 'read', 'manage'] as const;

/** What a credential may do. */
export const scopeSchema = z.enum(allScopes);

/** Requests counted for one key, by status class. */
export const keyUsageSchema = z.object({
  total: z.number().int(),
  byStatus: z.object({
    '2xx': z.number().int(),
    '3xx': z.number().int(),
    '4xx': z.number().int(),
    '5xx': z.number().int(),
  }),
  lastUsedAt: z.string().nullable(),
});

/** A stored key as listed: never its secret. */
export const apiKeyViewSchema = z
  .object({
    id: z.string().meta({ description: 'the public id, <publicId> of sk_<publicId>.<secret>' }),
    name: z.string(),
    tenantId: z.string(),
    projectId: z.string(),
    agentId: z.string().nullable().meta({ description: 'the one agent this key may use' }),
    scopes: z.array(scopeSchema),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    allowedIps: z.array(z.string()),
    rateLimit: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'requests per 60 s; null = the server default' }),
    signed: z.boolean().meta({ description: 'requests must be signed with the signing secret' }),
    usage: keyUsageSchema,
  })
  .meta({ id: 'ApiKey' });

const scopesMessage = `must list some of ${allScopes.join(', ')}`;
const rateLimitMessage = 'must be an integer from 1 to 1000000';

/**
 * The definition of a new key: `name`, `scopes`, and optional `agentId`, `expiresAt` (ISO) or
 * `expiresIn` (`30d`), `allowedIps`, `rateLimit`, `signed`. Whether the expiry is in the future
 * and the IP entries parse is checked by the server.
 */
export const apiKeyInputSchema = z
  .object(
    {
      name: z
        .string({ error: 'must be a non-empty string of at most 100 characters' })
        .max(100, { error: 'must be a non-empty string of at most 100 characters' })
        .refine((value) => value.trim() !== '', {
          error: 'must be a non-empty string of at most 100 characters',
        }),
      scopes: z
        .array(z.enum(allScopes, { error: scopesMessage }), { error: scopesMessage })
        .min(1, { error: scopesMessage }),
      agentId: z
        .string({ error: 'must use only letters, digits, _ or -' })
        .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must use only letters, digits, _ or -' })
        .nullish(),
      expiresAt: z
        .string({ error: 'must be a date-time in the future' })
        .nullish()
        .meta({ format: 'date-time' }),
      expiresIn: z
        .string({ error: 'must look like 30d, 12h, 15m or 90s' })
        .regex(/^\s*\d{1,7}[smhd]\s*$/, { error: 'must look like 30d, 12h, 15m or 90s' })
        .optional()
        .meta({ description: 'a lifetime such as 30d, 12h, 15m or 90s; wins over expiresAt' }),
      allowedIps: z
        .array(z.string({ error: 'must be an array of IPs or CIDR ranges' }), {
          error: 'must be an array of IPs or CIDR ranges',
        })
        .default([]),
      rateLimit: z
        .number({ error: rateLimitMessage })
        .int({ error: rateLimitMessage })
        .min(1, { error: rateLimitMessage })
        .max(1_000_000, { error: rateLimitMessage })
        .nullish(),
      signed: z
        .boolean({ error: 'must be true or false' })
        .default(false)
        .meta({ description: 'give the key a signing secret, shown once like the key' }),
    },
    { error: 'body must be an object' },
  )
  .meta({ id: 'ApiKeyInput' });

/** The answer to creating a key: the only time `key` (and `signingSecret`) is ever sent. */
export const createdApiKeySchema = z.object({
  data: apiKeyViewSchema,
  key: z.string().meta({ description: 'sk_<publicId>.<secret>' }),
  signingSecret: z.string().optional(),
});

/** What an API key may do. */
export type Scope = z.infer<typeof scopeSchema>;
/** Requests counted for one key. */
export type KeyUsage = z.infer<typeof keyUsageSchema>;
/** A stored key as listed: never its secret. */
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;
/** The definition of a new key, as sent. */
export type ApiKeyInput = z.input<typeof apiKeyInputSchema>;
/** The answer to creating a key. */
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;
