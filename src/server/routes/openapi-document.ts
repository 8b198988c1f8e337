// The OpenAPI 3.1 description of the Run API, kept beside the routes it describes.
const json = (schema: object) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const rateLimitHeaders = {
  'X-RateLimit-Limit': { schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { schema: { type: 'integer' } },
  'X-RateLimit-Reset': { schema: { type: 'integer', description: 'unix seconds' } },
};
// Run API routes take an anonymous-session JWT or a server-to-server credential (X-API-Key
// preferred, or a bearer key / bypass secret); manage routes need the `manage` scope.
const bearer = [{ anonymousSession: [] }, { apiKey: [] }, { bearerApiKey: [] }];
const admin = [{ apiKey: [] }, { bearerApiKey: [] }];
const appPath = [
  { name: 'tenantId', in: 'path', required: true, schema: { type: 'string' } },
  { name: 'projectId', in: 'path', required: true, schema: { type: 'string' } },
];
const idPath = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const appHeader = { name: 'x-inkeep-app-id', in: 'header', schema: { type: 'string' } };
// Routes that read or write stored data answer 503 while the database is unreachable; a key
// with a signing secret also needs the replay memory (Redis, when REDIS_URL is set).
const unavailable = problem(
  "service_unavailable: the database is unreachable (or, for a request signed with a key's signing secret, Redis)",
);

/** The OpenAPI 3.1 document served at `GET /openapi.json`. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'inkeep-chat Run API',
    version: '0.1.0',
    description:
      'Anonymous sessions with proof of work, streaming chat completions and conversation history. Every error is application/problem+json; a route whose engine (database, Redis) is unreachable answers 503 service_unavailable.',
  },
  paths: {
    '/healthz': {
      get: {
        summary: 'Health of the server and the engines it uses, for load balancers',
        description:
          'ok: every engine answers. degraded: Redis does not; the server keeps serving, rate limits count per instance and proof-of-work sessions get 503. unavailable: the database does not. Sent with Cache-Control: no-store.',
        responses: {
          200: {
            description: 'Serving (ok or degraded)',
            content: json({
              allOf: [
                ref('Health'),
                { properties: { status: { enum: ['ok', 'degraded'] }, database: { const: 'up' } } },
              ],
            }),
          },
          503: {
            description:
              'The database is down (or the server state could not be opened: problem+json service_unavailable)',
            content: {
              ...json({
                allOf: [
                  ref('Health'),
                  { properties: { status: { const: 'unavailable' }, database: { const: 'down' } } },
                ],
              }),
              'application/problem+json': { schema: ref('Problem') },
            },
          },
        },
      },
    },
    '/openapi.json': {
      get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1' } } },
    },
    '/run/auth/pow/challenge': {
      get: {
        summary:
          'An ALTCHA proof-of-work challenge (classic format unless INKEEP_POW_ALGORITHM selects v2)',
        description:
          "Issued with an HMAC only (v2: non-deterministic, a key prefix of zeros). Budgeted per client IP (IPv6 by /64, INKEEP_POW_CHALLENGE_RATE_LIMIT a minute). At the difficulty level of the client's next session request: 0 within its session budget, one more per further budget in the window (classic: maxnumber ×4 and level=<n> in the salt; v2: one more zero digit of keyPrefix and data.level).",
        responses: {
          200: {
            description: 'Challenge (Cache-Control: no-store)',
            headers: rateLimitHeaders,
            content: json({ oneOf: [ref('ClassicChallenge'), ref('ChallengeV2')] }),
          },
          404: problem('PoW is not enabled'),
          429: problem('rate_limit_exceeded: too many challenges from this client (Retry-After)'),
        },
      },
    },
    '/run/auth/apps/{appId}/anonymous-session': {
      post: {
        summary:
          'Issue an anonymous-session JWT (rolling refresh with the previous token as bearer)',
        description:
          'Checks, in order: app exists and enabled (404), web_client (400), allowAnonymous (401), Origin (403), rate limit per client IP (429), proof of work (400). Every request counts against the per-IP budget, refused ones too. With proof of work a client over its budget is served at rising difficulty levels (it must solve a challenge at its level) and refused past the last one; X-RateLimit-Limit then counts every level. The body is ignored.',
        parameters: [
          { name: 'appId', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'Origin', in: 'header', required: true, schema: { type: 'string' } },
          {
            name: 'x-inkeep-challenge-solution',
            in: 'header',
            schema: { type: 'string', description: 'base64(JSON payload)' },
          },
          {
            name: 'Authorization',
            in: 'header',
            schema: { type: 'string', description: 'Bearer <previous token>' },
          },
        ],
        responses: {
          200: { description: 'Session', headers: rateLimitHeaders, content: json(ref('Session')) },
          400: problem(
            "bad_request (not a web client), pow_required, pow_invalid (also: a challenge below the client's level), pow_expired",
          ),
          401: problem('anonymous_disabled'),
          403: problem('origin_not_allowed'),
          404: problem('not_found'),
          413: problem('payload_too_large'),
          429: problem(
            'rate_limit_exceeded (Retry-After): over the budget, or this client holds too many unexpired solutions in memory',
          ),
          503: problem(
            'service_unavailable: proof of work is on and Redis, which remembers used solutions, is unreachable (fails closed)',
          ),
        },
      },
    },
    '/run/v1/chat/completions': {
      post: {
        summary: 'Chat completion, streamed as OpenAI chat.completion.chunk events or whole',
        description:
          "With an app credential: only user and assistant messages (system/developer are 400 naming the role; the app's config.systemPrompt goes to the model first and is never stored). Budgeted in order per client IP (INKEEP_IP_CHAT_RATE_LIMIT a minute; IPv6 by /64), per visitor (INKEEP_CHAT_RATE_LIMIT a minute, INKEEP_CHAT_DAILY_LIMIT a day) and per app (INKEEP_APP_CHAT_RATE_LIMIT, 0 = off), with at most INKEEP_IP_CONCURRENT_STREAMS answers generated at once per client and INKEEP_VISITOR_CONCURRENT_STREAMS per visitor. A client whose credentials failed INKEEP_AUTH_FAILURE_LIMIT times this minute gets 429 before its credential is checked. API keys with the chat scope may send any role and are budgeted per key.",
        security: bearer,
        parameters: [
          { ...appHeader, required: true },
          { name: 'Origin', in: 'header', required: true, schema: { type: 'string' } },
          { name: 'x-inkeep-agent-id', in: 'header', schema: { type: 'string' } },
        ],
        requestBody: { required: true, content: json(ref('ChatRequest')) },
        responses: {
          200: {
            description:
              'With stream:true, text/event-stream of `data: <chunk>` events, a final chunk with finish_reason "stop", then `data: [DONE]`; a failure mid-stream is `data: {"error":{"code","message"}}`. With stream:false, one chat.completion.',
            headers: {
              'x-inkeep-conversation-id': { schema: { type: 'string' } },
              'x-inkeep-message-id': {
                description: 'The id the answer is stored under (named by feedback).',
                schema: { type: 'string' },
              },
              ...rateLimitHeaders,
            },
            content: {
              'text/event-stream': { schema: { type: 'string' } },
              'application/json': { schema: ref('ChatCompletion') },
            },
          },
          400: problem(
            'bad_request naming the field, e.g. `messages[0].role "system" is not allowed` for an app credential, or `regenerate` when the conversation does not end with that question (and its answer)',
          ),
          401: problem('unauthorized: "Bearer token required" or "Invalid end-user JWT"'),
          403: problem('origin_not_allowed, or forbidden for another agent'),
          404: problem('not_found: app disabled, or conversation unknown or not yours'),
          413: problem('payload_too_large'),
          429: problem(
            'rate_limit_exceeded (Retry-After; X-RateLimit-* of the budget that refused, or Retry-After 2 when answers at once are at their limit), or quota_exceeded: a stored-data quota of the visitor or the app is full. quota_exceeded has no Retry-After (retrying later does not help) and deletes nothing to make room; the answer to an accepted turn is always kept.',
          ),
          503: unavailable,
        },
      },
    },
    '/run/v1/conversations': {
      get: {
        summary: "The visitor's conversations, most recently updated first",
        description:
          'One range of an index per call; total comes from a stored counter. A page may skip at most 1000 conversations (page × limit − limit ≤ 1000); deeper ones are reached with before = pagination.next. With an app credential every read (list, get, delete) counts against the client IP budget INKEEP_IP_READ_RATE_LIMIT (IPv6 by /64); API keys count against their own.',
        security: bearer,
        parameters: [
          appHeader,
          {
            name: 'page',
            in: 'query',
            description: 'Counted from the start, or from before when given',
            schema: { type: 'integer', minimum: 1, default: 1 },
          },
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
          },
          {
            name: 'before',
            in: 'query',
            description:
              'A cursor, as pagination.next hands it out (`<updatedAt>,<id>`): only conversations after that one in this order',
            schema: { type: 'string' },
          },
        ],
        responses: {
          200: {
            description: 'A page',
            headers: rateLimitHeaders,
            content: json({
              type: 'object',
              properties: {
                data: { type: 'array', items: ref('ConversationSummary') },
                pagination: {
                  allOf: [
                    ref('Pagination'),
                    {
                      type: 'object',
                      properties: {
                        next: {
                          type: ['string', 'null'],
                          description: 'before for the next page; null when none follows',
                        },
                      },
                    },
                  ],
                },
              },
            }),
          },
          400: problem('bad_request: detail names the field (page, limit or before)'),
          401: problem('unauthorized'),
          403: problem('origin_not_allowed'),
          429: problem('rate_limit_exceeded (Retry-After)'),
          503: unavailable,
        },
      },
    },
    '/run/v1/conversations/{id}': {
      get: {
        summary: 'One conversation with a page of its messages: the latest, or those before one',
        description:
          'Messages come oldest first: the latest `limit` of them, or with before the latest `limit` older than that message. pagination.hasMore says whether earlier messages exist; pagination.before is then the id to pass as before for them. Counts against the client read budget like every read.',
        security: bearer,
        parameters: [
          idPath,
          appHeader,
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          },
          {
            name: 'before',
            in: 'query',
            description: 'A message id of this conversation: only messages older than it',
            schema: { type: 'string' },
          },
        ],
        responses: {
          200: {
            description: 'The conversation and a page of its messages',
            headers: rateLimitHeaders,
            content: json({
              type: 'object',
              properties: {
                data: ref('Conversation'),
                pagination: {
                  type: 'object',
                  properties: {
                    limit: { type: 'integer' },
                    hasMore: { type: 'boolean' },
                    before: {
                      type: ['string', 'null'],
                      description: 'before for the earlier page; null when none',
                    },
                  },
                },
              },
            }),
          },
          400: problem(
            'bad_request: limit out of range, or before empty or not a message of this conversation (detail names the field)',
          ),
          401: problem('unauthorized'),
          404: problem('not_found: unknown, deleted, or not yours'),
          429: problem('rate_limit_exceeded (Retry-After)'),
          503: unavailable,
        },
      },
      delete: {
        summary: 'Delete a conversation',
        security: bearer,
        parameters: [idPath, appHeader],
        responses: {
          204: { description: 'Deleted', headers: rateLimitHeaders },
          401: problem('unauthorized'),
          404: problem('not_found'),
          429: problem('rate_limit_exceeded (Retry-After)'),
          503: unavailable,
        },
      },
    },
    '/manage/tenants/{tenantId}/projects/{projectId}/apps': {
      get: {
        summary: 'List apps',
        security: admin,
        parameters: appPath,
        responses: {
          200: {
            description: 'Apps',
            content: json({
              type: 'object',
              properties: { data: { type: 'array', items: ref('App') } },
            }),
          },
          401: problem('unauthorized'),
          503: unavailable,
        },
      },
      post: {
        summary: 'Create an app (id generated unless given)',
        security: admin,
        parameters: appPath,
        requestBody: { required: true, content: json(ref('AppInput')) },
        responses: {
          201: {
            description: 'Created',
            content: json({ type: 'object', properties: { data: ref('App') } }),
          },
          400: problem('bad_request naming the field'),
          401: problem('unauthorized'),
          503: unavailable,
        },
      },
    },
    '/manage/tenants/{tenantId}/projects/{projectId}/apps/{id}': {
      get: {
        summary: 'Read an app',
        security: admin,
        parameters: [...appPath, idPath],
        responses: {
          200: {
            description: 'The app',
            content: json({ type: 'object', properties: { data: ref('App') } }),
          },
          401: problem('unauthorized'),
          404: problem('not_found'),
          503: unavailable,
        },
      },
      patch: {
        summary: 'Change an app (config.webClient merged field by field)',
        security: admin,
        parameters: [...appPath, idPath],
        requestBody: { required: true, content: json(ref('AppInput')) },
        responses: {
          200: {
            description: 'The app',
            content: json({ type: 'object', properties: { data: ref('App') } }),
          },
          400: problem('bad_request'),
          401: problem('unauthorized'),
          404: problem('not_found'),
          503: unavailable,
        },
      },
      delete: {
        summary: 'Delete an app',
        security: admin,
        parameters: [...appPath, idPath],
        responses: {
          204: { description: 'Deleted' },
          401: problem('unauthorized'),
          404: problem('not_found'),
          503: unavailable,
        },
      },
    },
    '/manage/tenants/{tenantId}/projects/{projectId}/apps/{id}/sessions/revoke': {
      post: {
        summary:
          "Sign visitors out: refuse the app's anonymous sessions issued before `before` (default now), for every visitor or only `sub`",
        description:
          'A refused token answers 401 unauthorized "Invalid end-user JWT", and a rolling refresh with it gets a new sub. Tokens carry whole seconds, so every token issued in the second of `before` is refused too (tokens issued after it stay valid). A cutoff never moves back: an earlier `before` than the one in force changes nothing. Takes effect on every instance.',
        security: admin,
        parameters: [...appPath, idPath],
        requestBody: {
          required: false,
          content: json({
            type: 'object',
            properties: {
              before: {
                type: 'string',
                format: 'date-time',
                description: 'not in the future; default now',
              },
              sub: {
                type: 'string',
                pattern: '^anon_[0-9a-f-]{36}$',
                description: 'one visitor; absent = every visitor of the app',
              },
            },
          }),
        },
        responses: {
          200: {
            description: 'Revoked',
            content: json({
              type: 'object',
              properties: {
                data: {
                  type: 'object',
                  required: ['appId', 'sub', 'revokedBefore'],
                  properties: {
                    appId: { type: 'string' },
                    sub: { type: ['string', 'null'] },
                    revokedBefore: {
                      type: 'string',
                      format: 'date-time',
                      description: 'the cutoff now in force',
                    },
                  },
                },
              },
            }),
          },
          400: problem(
            'bad_request: body not a JSON object, `before` not an ISO 8601 date-time or in the future, `sub` not anon_<uuid>',
          ),
          401: problem('unauthorized'),
          403: problem('forbidden'),
          404: problem('not_found: no such app in this tenant and project'),
          503: unavailable,
        },
      },
    },
    '/manage/tenants/{tenantId}/projects/{projectId}/api-keys': {
      get: {
        summary: 'List API keys (never their secrets)',
        security: admin,
        parameters: appPath,
        responses: {
          200: {
            description: 'Keys',
            content: json({
              type: 'object',
              properties: { data: { type: 'array', items: ref('ApiKey') } },
            }),
          },
          401: problem('unauthorized'),
          403: problem('forbidden'),
          503: unavailable,
        },
      },
      post: {
        summary: 'Create an API key; `key` (and `signingSecret`) are shown only in this response',
        description:
          'A stored key with the manage scope creates only keys no wider than itself: scopes within its own; with its own allowedIps, a non-empty list inside its ranges; no later expiry, no higher rateLimit and the same agentId (each taken from it when left out). Environment admin keys and the bypass secret are not bounded.',
        security: admin,
        parameters: appPath,
        requestBody: { required: true, content: json(ref('ApiKeyInput')) },
        responses: {
          201: {
            description: 'Created',
            content: json({
              type: 'object',
              properties: {
                data: ref('ApiKey'),
                key: { type: 'string', description: 'sk_<publicId>.<secret>' },
                signingSecret: { type: 'string' },
              },
            }),
          },
          400: problem('bad_request naming the field'),
          401: problem('unauthorized'),
          403: problem(
            'forbidden: the manage key may not create a key this wide (detail names the field)',
          ),
          503: unavailable,
        },
      },
    },
    '/manage/tenants/{tenantId}/projects/{projectId}/api-keys/{id}': {
      get: {
        summary: 'Read an API key',
        security: admin,
        parameters: [...appPath, idPath],
        responses: {
          200: {
            description: 'The key',
            content: json({ type: 'object', properties: { data: ref('ApiKey') } }),
          },
          401: problem('unauthorized'),
          404: problem('not_found'),
          503: unavailable,
        },
      },
      delete: {
        summary: 'Revoke an API key (effective at once)',
        security: admin,
        parameters: [...appPath, idPath],
        responses: {
          204: { description: 'Revoked' },
          401: problem('unauthorized'),
          404: problem('not_found'),
          503: unavailable,
        },
      },
    },
    '/manage/tenants/{tenantId}/projects/{projectId}/api-keys/{id}/usage': {
      get: {
        summary: 'Usage of an API key: last use and request counts by status class',
        security: admin,
        parameters: [...appPath, idPath],
        responses: {
          200: {
            description: 'Usage',
            content: json({
              type: 'object',
              properties: {
                data: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    total: { type: 'integer' },
                    byStatus: { type: 'object', additionalProperties: { type: 'integer' } },
                    lastUsedAt: { type: ['string', 'null'] },
                  },
                },
              },
            }),
          },
          401: problem('unauthorized'),
          404: problem('not_found'),
          503: unavailable,
        },
      },
    },
  },
  components: {
    securitySchemes: {
      anonymousSession: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (HS256)' },
      apiKey: {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description:
          'sk_<publicId>.<secret>, ADMIN_API_KEY or a VALID_API_KEYS entry. Keys with a signing secret also need X-Timestamp and X-Signature = hex HMAC-SHA256 of METHOD\\nPATH\\nTIMESTAMP\\nBODY.',
      },
      bearerApiKey: {
        type: 'http',
        scheme: 'bearer',
        description:
          'An API key, INKEEP_ADMIN_API_KEY (manage), or INKEEP_AGENTS_RUN_API_BYPASS_SECRET with x-inkeep-tenant-id, x-inkeep-project-id and x-inkeep-agent-id. With ENVIRONMENT=development those scope headers alone suffice.',
      },
    },
    schemas: {
      Health: {
        type: 'object',
        required: ['status', 'database', 'redis'],
        properties: {
          status: { enum: ['ok', 'degraded', 'unavailable'] },
          database: { enum: ['up', 'down'] },
          redis: { enum: ['up', 'down', 'unused'], description: 'unused without REDIS_URL' },
        },
      },
      Problem: {
        type: 'object',
        required: ['title', 'status', 'detail', 'code', 'error'],
        properties: {
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          code: { type: 'string' },
          error: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              status: { type: 'integer' },
              retry_after: { type: 'integer' },
            },
          },
        },
      },
      ClassicChallenge: {
        type: 'object',
        properties: {
          algorithm: { type: 'string' },
          challenge: { type: 'string' },
          maxnumber: { type: 'integer' },
          salt: { type: 'string' },
          signature: { type: 'string' },
        },
      },
      ChallengeV2: {
        type: 'object',
        properties: { parameters: { type: 'object' }, signature: { type: 'string' } },
      },
      Session: {
        type: 'object',
        required: ['token', 'expiresAt'],
        properties: {
          token: { type: 'string' },
          expiresAt: { type: 'string', format: 'date-time' },
        },
      },
      ChatMessage: {
        type: 'object',
        required: ['role', 'content'],
        properties: {
          role: { enum: ['user', 'assistant', 'system'] },
          content: {
            oneOf: [
              { type: 'string' },
              {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { type: { const: 'text' }, text: { type: 'string' } },
                },
              },
            ],
          },
        },
      },
      ChatRequest: {
        type: 'object',
        required: ['messages'],
        properties: {
          messages: { type: 'array', minItems: 1, maxItems: 100, items: ref('ChatMessage') },
          stream: { type: 'boolean', default: false },
          conversationId: { type: 'string' },
          regenerate: {
            type: 'boolean',
            default: false,
            description:
              "Only with conversationId: answer the conversation's last question again. The last message must equal the stored last user message, which must be the last turn or be followed only by its answer; that answer is replaced and no user turn is added. Otherwise 400 bad_request naming regenerate.",
          },
          model: { type: 'string', description: 'ignored' },
        },
      },
      ChatCompletion: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          object: { const: 'chat.completion' },
          created: { type: 'integer' },
          model: { type: 'string' },
          choices: { type: 'array', items: { type: 'object' } },
        },
      },
      ConversationSummary: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          createdAt: { type: 'string' },
          updatedAt: { type: 'string' },
        },
      },
      Conversation: {
        allOf: [
          ref('ConversationSummary'),
          {
            type: 'object',
            properties: {
              messages: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    role: { type: 'string' },
                    content: { type: 'string' },
                    parts: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: { type: { const: 'text' }, text: { type: 'string' } },
                      },
                    },
                    createdAt: { type: 'string' },
                  },
                },
              },
            },
          },
        ],
      },
      Pagination: {
        type: 'object',
        properties: {
          page: { type: 'integer' },
          limit: { type: 'integer' },
          total: { type: 'integer' },
          pages: { type: 'integer' },
        },
      },
      AppInput: {
        type: 'object',
        properties: {
          id: { type: 'string', pattern: '^app_[A-Za-z0-9_-]{1,64}$' },
          name: { type: 'string' },
          type: { enum: ['web_client', 'api'] },
          enabled: { type: 'boolean' },
          defaultAgentId: { type: 'string' },
          config: {
            type: 'object',
            properties: {
              webClient: {
                type: 'object',
                properties: {
                  allowedDomains: { type: 'array', items: { type: 'string' } },
                  allowAnonymous: { type: 'boolean' },
                },
              },
              systemPrompt: {
                type: ['string', 'null'],
                maxLength: 8000,
                description:
                  "Instructions sent to the model first, before the visitor's messages; visitors never see it. Blank or null = none.",
              },
            },
          },
        },
      },
      ApiKeyInput: {
        type: 'object',
        required: ['name', 'scopes'],
        properties: {
          name: { type: 'string' },
          scopes: { type: 'array', items: { enum: ['chat', 'read', 'manage'] } },
          agentId: { type: 'string' },
          expiresAt: { type: 'string', format: 'date-time' },
          expiresIn: { type: 'string', pattern: '^\\d+[smhd]$' },
          allowedIps: { type: 'array', items: { type: 'string' } },
          rateLimit: { type: 'integer', minimum: 1 },
          signed: { type: 'boolean' },
        },
      },
      ApiKey: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          tenantId: { type: 'string' },
          projectId: { type: 'string' },
          agentId: { type: ['string', 'null'] },
          scopes: { type: 'array', items: { type: 'string' } },
          createdAt: { type: 'string' },
          expiresAt: { type: ['string', 'null'] },
          revokedAt: { type: ['string', 'null'] },
          allowedIps: { type: 'array', items: { type: 'string' } },
          rateLimit: { type: ['integer', 'null'] },
          signed: { type: 'boolean' },
          usage: { type: 'object' },
        },
      },
      App: {
        allOf: [
          ref('AppInput'),
          {
            type: 'object',
            required: [
              'id',
              'tenantId',
              'projectId',
              'name',
              'type',
              'enabled',
              'defaultAgentId',
              'config',
            ],
            properties: {
              tenantId: { type: 'string' },
              projectId: { type: 'string' },
              sessionsRevokedBefore: {
                type: 'string',
                format: 'date-time',
                readOnly: true,
                description:
                  'Anonymous sessions issued before this time are refused; set by POST …/sessions/revoke, absent until then',
              },
            },
          },
        ],
      },
    },
  },
};
