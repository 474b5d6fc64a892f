import { timingSafeEqual, createHash } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, AppError } from '@app/core';
import { BullMqJobQueue } from './bullmq.driver';
import { JobQueue } from './job-queue';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

const dashboardDisabled = () =>
  new AppError({
    status: 404,
    key: 'not_found',
    message: 'Resource not found',
    details: 'The queue dashboard is disabled: set OPERATOR_TOKEN to enable it',
  });

const operatorUnauthorized = () =>
  new AppError({
    status: 401,
    key: 'unauthorized',
    message: 'Unauthorized',
    details: 'The queue dashboard needs the operator token (Bearer, or Basic with any user)',
    headers: { 'WWW-Authenticate': 'Basic realm="queues", charset="UTF-8"' },
  });

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Accepts `Bearer <token>` (scripts) or Basic auth with the token as password (browsers). */
export function operatorAuthorized(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const [scheme, value = ''] = header.split(' ', 2);
  let presented: string | undefined;
  if (scheme.toLowerCase() === 'bearer') presented = value.trim();
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    presented = decoded.slice(decoded.indexOf(':') + 1);
  }
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

function reject(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  for (const [name, value] of Object.entries(error.headers ?? {})) reply.header(name, value);
  return reply.code(error.status).send(error.toBody(String(request.id)));
}

/**
 * bull-board at /admin/queues for operators, behind OPERATOR_TOKEN (404 when no token is
 * configured). Without Redis there is no BullMQ to show: the same path answers the in-process
 * queue's status as JSON.
 */
export async function queueDashboardSetup(
  fastify: FastifyInstance,
  app: INestApplication,
): Promise<void> {
  let queue: JobQueue;
  try {
    queue = app.get(JobQueue, { strict: false });
  } catch {
    return; // an app without the queue module (e.g. a test harness)
  }
  const token = app.get(AppConfig, { strict: false }).env.OPERATOR_TOKEN;

  await fastify.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      if (!token) return reject(request, reply, dashboardDisabled());
      if (!operatorAuthorized(request.headers.authorization, token))
        return reject(request, reply, operatorUnauthorized());
    });
    if (queue instanceof BullMqJobQueue) {
      const board = new BullBoardFastifyAdapter();
      board.setBasePath(QUEUE_DASHBOARD_PATH);
      createBullBoard({
        queues: [...queue.queues].map(
          ([name, q]) =>
            new BullMQAdapter(q as unknown as ConstructorParameters<typeof BullMQAdapter>[0], {
              displayName: name,
            }),
        ),
        // @bull-board/fastify pins its own patch release of @bull-board/api: same shape, other declarations.
        serverAdapter: board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
      });
      await scope.register(board.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    } else {
      scope.get(QUEUE_DASHBOARD_PATH, async () => ({
        object: 'queue_status',
        message:
          'No Redis configured: jobs run in-process; the bull-board dashboard needs REDIS_URL',
        ...(await queue.status()),
      }));
    }
  });
}
