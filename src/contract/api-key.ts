import { z } from 'zod';

// The API-key JSON of the manage API, shared by the server and the dashboard (which imports the
// types only). Messages complete "<field> …" sentences: the server's problem+json `detail`.

/** Every scope, in a stable order: chat completions, reading conversations, managing. */
export const allScopes = ['chat', 'read', 'manage'] as const;

/** What a credential may do. */
export const scopeSchema = z.enum(allScopes);

/**
 * Every key type: `service` (a backend's key, the default), `personal` (bound to the manage
 * identity that created it: only that identity sees or edits it), `temporary` (must expire
 * within 24 h of its creation).
 */
export const allKeyTypes = ['service', 'personal', 'temporary'] as const;

/** What kind of key, and so which rules hold for it. */
export const keyTypeSchema = z.enum(allKeyTypes, {
  error: `must be one of ${allKeyTypes.join(', ')}`,
});

/** The longest life of a `temporary` key, counted from its creation. */
export const temporaryKeyLifetimeMs = 24 * 3600 * 1000;

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
    type: keyTypeSchema,
    createdBy: z.string().nullable().meta({
      description:
        'the manage identity that created it: key:<publicId>, env:admin, env:manage, bypass, cli or a CLI --owner',
    }),
    alertThreshold: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'percent of the rate limit at which a usage alert fires; null = off' }),
    alertedAt: z.string().nullable().meta({
      description: 'when use last crossed the alert threshold (null: never, or since it changed)',
    }),
  })
  .meta({ id: 'ApiKey' });

const scopesMessage = `must list some of ${allScopes.join(', ')}`;
const rateLimitMessage = 'must be an integer from 1 to 1000000';
const thresholdMessage = 'must be an integer percent from 1 to 100, or null to turn alerts off';
const nameMessage = 'must be a non-empty string of at most 100 characters';
const ipsMessage = 'must be an array of IPs or CIDR ranges';
const expiresInMessage = 'must look like 30d, 12h, 15m or 90s';

const nameSchema = z
  .string({ error: nameMessage })
  .max(100, { error: nameMessage })
  .refine((value) => value.trim() !== '', { error: nameMessage });
const ipsSchema = z.array(z.string({ error: ipsMessage }), { error: ipsMessage });
const rateLimitSchema = z
  .number({ error: rateLimitMessage })
  .int({ error: rateLimitMessage })
  .min(1, { error: rateLimitMessage })
  .max(1_000_000, { error: rateLimitMessage });
const expiresInSchema = z
  .string({ error: expiresInMessage })
  .regex(/^\s*\d{1,7}[smhd]\s*$/, { error: expiresInMessage })
  .meta({ description: 'a lifetime such as 30d, 12h, 15m or 90s; wins over expiresAt' });
const alertThresholdSchema = z
  .number({ error: thresholdMessage })
  .int({ error: thresholdMessage })
  .min(1, { error: thresholdMessage })
  .max(100, { error: thresholdMessage })
  .nullish()
  .meta({ description: 'percent of the rate limit at which a usage alert fires; null = off' });

/**
 * The definition of a new key: `name`, `scopes`, and optional `agentId`, `expiresAt` (ISO) or
 * `expiresIn` (`30d`), `allowedIps`, `rateLimit`, `signed`. Whether the expiry is in the future
 * and the IP entries parse is checked by the server.
 */
export const apiKeyInputSchema = z
  .object(
    {
      name: nameSchema,
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
      expiresIn: expiresInSchema.optional(),
      allowedIps: ipsSchema.default([]),
      rateLimit: rateLimitSchema.nullish(),
      signed: z
        .boolean({ error: 'must be true or false' })
        .default(false)
        .meta({ description: 'give the key a signing secret, shown once like the key' }),
      type: keyTypeSchema.default('service').meta({
        description:
          'service (default); personal: only its creator sees it; temporary: expires within 24 h (default 24 h)',
      }),
      alertThreshold: alertThresholdSchema,
    },
    { error: 'body must be an object' },
  )
  .meta({ id: 'ApiKeyInput' });

/**
 * Changes to a key: any of `name`, `allowedIps` (the whole list) or `addIps`/`removeIps`,
 * `rateLimit` (null = the server default), `expiresAt` (null = never) or `expiresIn`,
 * `alertThreshold` (null = off). Its type, scopes and agent never change.
 */
export const apiKeyUpdateSchema = z
  .object(
    {
      name: nameSchema.optional(),
      allowedIps: ipsSchema.optional().meta({ description: 'replaces the whole list' }),
      addIps: ipsSchema.optional().meta({ description: 'entries to add to the list' }),
      removeIps: ipsSchema.optional().meta({ description: 'entries to take off the list' }),
      rateLimit: rateLimitSchema.nullish().meta({ description: 'null = the server default' }),
      expiresAt: z
        .string({ error: 'must be a date-time in the future' })
        .nullish()
        .meta({ format: 'date-time', description: 'null = never' }),
      expiresIn: expiresInSchema.optional(),
      alertThreshold: alertThresholdSchema,
    },
    { error: 'body must be an object' },
  )
  .meta({ id: 'ApiKeyUpdate' });

/** The answer to creating a key: the only time `key` (and `signingSecret`) is ever sent. */
export const createdApiKeySchema = z.object({
  data: apiKeyViewSchema,
  key: z.string().meta({ description: 'sk_<publicId>.<secret>' }),
  signingSecret: z.string().optional(),
});

/** What kind of key. */
export type KeyType = z.infer<typeof keyTypeSchema>;
/** Changes to a key, as sent. */
export type ApiKeyUpdate = z.input<typeof apiKeyUpdateSchema>;
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
