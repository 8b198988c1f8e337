// The routes declared with schemas (@hono/zod-openapi) describe themselves: a valid OpenAPI 3.1
// document with their paths, request bodies and problem+json answers, ready for /openapi.json.
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { createFeedbackRoutes } from '../../../src/server/routes/feedback-routes.ts';
import { createManageFeedbackRoutes } from '../../../src/server/routes/manage-feedback-routes.ts';
import { createUiChatRoutes } from '../../../src/server/routes/ui-chat-routes.ts';
import { createTestApp } from '../helpers.ts';

describe('schema-declared routes', () => {
  it('make a valid OpenAPI 3.1 document with their operations and problem answers', async () => {
    const { context } = createTestApp();
    const expected = {
      'POST /run/api/chat': createUiChatRoutes(context),
      'POST /run/v1/feedback': createFeedbackRoutes(context),
      'GET /manage/tenants/{tenantId}/projects/{projectId}/apps/{appId}/feedback':
        createManageFeedbackRoutes(context),
    };
    for (const [operation, routes] of Object.entries(expected)) {
      const document = routes.getOpenAPI31Document({
        openapi: '3.1.0',
        info: { title: 'test', version: '0' },
      }) as unknown as {
        paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      };
      const [method = '', path = ''] = operation.split(' ');
      const declared = document.paths[path]?.[method.toLowerCase()];
      expect(declared, operation).toBeDefined();
      expect(Object.keys(declared?.responses ?? {})).toEqual(
        expect.arrayContaining(
          ['400', '401', '404', '503'].filter((status) => method === 'POST' || status !== '400'),
        ),
      );
      const result = await new Validator().validate(document as never);
      expect(result, operation).toMatchObject({ valid: true });
    }
  });
});
