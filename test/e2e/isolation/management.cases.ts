const reason =
  'management API: authenticated by management keys, tested in test/e2e/management (project keys are refused there)';

export const notTenantScoped: Record<string, string> = Object.fromEntries(
  [
    'POST /management/v1/projects',
    'GET /management/v1/projects',
    'GET /management/v1/projects/:id',
    'PUT /management/v1/projects/:id',
    'DELETE /management/v1/projects/:id',
    'POST /management/v1/projects/:id/api-keys',
    'GET /management/v1/projects/:id/api-keys',
    'POST /management/v1/projects/:id/api-keys/:keyId/rotate',
    'DELETE /management/v1/projects/:id/api-keys/:keyId',
    'POST /management/v1/projects/:id/webhooks',
    'GET /management/v1/projects/:id/webhooks',
    'GET /management/v1/projects/:id/webhooks/:webhookId',
    'PUT /management/v1/projects/:id/webhooks/:webhookId',
    'DELETE /management/v1/projects/:id/webhooks/:webhookId',
    'POST /management/v1/projects/:id/webhooks/:webhookId/rotate-secret',
  ].map((route) => [route, reason]),
);
