import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiSecurity, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';

/**
 * OpenAPI for a /management/v1 controller. Authentication itself needs no decorator: the
 * global AuthGuard treats every path under /management/v1/ as management-only.
 */
export const ManagementApi = (tag = 'management') =>
  applyDecorators(
    ApiTags(tag),
    ApiSecurity('X-Management-Id'),
    ApiSecurity('X-Management-Token'),
    ApiHeader({ name: 'X-Management-Id', required: true }),
    ApiHeader({ name: 'X-Management-Token', required: true }),
    ApiUnauthorizedResponse({
      description: 'Missing or wrong management key (project keys are refused)',
    }),
  );
