/** The OpenAPI 3.1 document of the Run API (filled in below). */
export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'inkeep-chat Run API', version: '0.1.0' },
  paths: {},
};
