import { INestApplication, RequestMethod, Type, ValidationPipe } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { FastifyInstance, FastifyReply, FastifyRequest, LogController } from 'fastify';
import { parse as parseQuery } from 'qs';
import { AppConfig } from '../config/app-config';
import { Errors } from '../errors/app-error';
import { sendError } from '../errors/error-response';
import { describeValidationErrors } from '../errors/validation-details';
import { HealthService } from '../health/health.service';
import { newRequestId } from '../ids/id';
import { PinoNestLogger, rootLogger } from '../logging/logger';
import { installValidationMetadataCache } from '../validation/validation-metadata-cache';

/** Hooks other libs install on the raw Fastify instance before Nest's routes (e.g. the early limiter). */
export type FastifySetup = (
  fastify: FastifyInstance,
  app: INestApplication,
) => void | Promise<void>;
const fastifySetups: FastifySetup[] = [];
export function registerFastifySetup(setup: FastifySetup): void {
  if (!fastifySetups.includes(setup)) fastifySetups.push(setup);
}

export interface RegisteredRoute {
  method: string;
  url: string;
}
const routesByInstance = new WeakMap<object, RegisteredRoute[]>();

/** Every route registered on the app (for coverage tests of auth and rate limiting). */
export function registeredRoutes(app: INestApplication): RegisteredRoute[] {
  return routesByInstance.get(app.getHttpAdapter().getInstance() as object) ?? [];
}

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.env.BODY_LIMIT_BYTES,
    genReqId: () => newRequestId(),
    logController: new LogController({ disableRequestLogging: true }),
    loggerInstance: rootLogger(),
    requestTimeout: config.env.REQUEST_TIMEOUT_MS,
    return503OnClosing: true,
    trustProxy: config.trustProxy,
    // Malformed URLs (bad percent-encoding) fail in the router, before Nest: same contract body.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      sendError(error, request, reply, rootLogger()),
    routerOptions: {
      // The SDK sends qs-style nested brackets: filters[metadata.x][conditions][$is][0]=1
      querystringParser: (s: string) =>
        parseQuery(s, { depth: 8, arrayLimit: 200, parameterLimit: 1000 }),
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
      maxParamLength: 500,
    },
  });
}

/** Everything HTTP that main.ts and the tests share, so the tests exercise the real pipeline. */
export async function createHttpApp(
  module: Type<unknown> | ReturnType<typeof Object>,
  config: AppConfig,
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    module as Type<unknown>,
    createFastifyAdapter(config),
    {
      logger: new PinoNestLogger(),
      bufferLogs: false,
      abortOnError: false,
    },
  );
  await configureHttpApp(app, config);
  return app;
}

// Nest's metadata keys (not exported through the package's public entry points).
const METHOD_METADATA = 'method';
const HTTP_CODE_METADATA = '__httpCode__';

/**
 * The contract answers creates with 200, not Nest's default 201: give every POST handler
 * without an explicit @HttpCode a 200 before the router reads the metadata.
 */
function defaultPostStatusTo200(app: INestApplication): void {
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const prototype = (wrapper.metatype as Type<unknown> | undefined)?.prototype as
        Record<string, unknown> | undefined;
      if (!prototype) continue;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        if (
          Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.POST &&
          Reflect.getMetadata(HTTP_CODE_METADATA, handler) === undefined
        ) {
          Reflect.defineMetadata(HTTP_CODE_METADATA, 200, handler);
        }
      }
    }
  }
}

export async function configureHttpApp(
  app: NestFastifyApplication,
  config: AppConfig,
): Promise<void> {
  defaultPostStatusTo200(app);
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const routes: RegisteredRoute[] = [];
  routesByInstance.set(fastify, routes);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  fastify.decorateRequest('matchedRoute', undefined);
  fastify.addHook('onRequest', (request, reply, done) => {
    request.matchedRoute = request.routeOptions.url ?? null;
    reply.header('x-request-id', request.id);
    // The SDK sends `Content-Type: application/json` on every request, DELETEs included, with
    // no body; Fastify would reject that as an empty JSON body. A request without a body has
    // nothing to parse, whatever its Content-Type says.
    const h = request.headers;
    const noBody =
      h['transfer-encoding'] === undefined &&
      (h['content-length'] === undefined || h['content-length'] === '0');
    if (noBody && h['content-type'] !== undefined) delete h['content-type'];
    done();
  });
  // Once the server stops accepting, responses still in flight close their connections, so
  // close() does not wait for keep-alive clients. During the drain delay before that, keep-alive
  // stays on: see installGracefulShutdown.
  const health = app.get(HealthService, { strict: false });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (health.isClosingConnections) reply.header('connection', 'close');
    done(null, payload);
  });
  // Nest installs Fastify's error handler itself and routes it through the global
  // AllExceptionsFilter, so errors raised before the pipeline (body parsing, size limits,
  // onRequest hooks) get the same contract body as everything else.
  for (const setup of fastifySetups) await setup(fastify, app);

  installValidationMetadataCache();
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) =>
        Errors.invalidPayload(describeValidationErrors(errors).join('; ')),
    }),
  );
  // No enableShutdownHooks(): it would close the app on SIGTERM at once. The entry points
  // install their own handler (apps/api/src/bootstrap.ts) that drains readiness first.

  if (config.env.DOCS_ENABLED) {
    // Built on the first request to /docs or /docs-json, not at start-up: scanning every
    // controller and DTO grows with the API and is not needed to become ready.
    const document = () =>
      SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle('Voucher platform API')
          .setDescription(
            'Voucherify-compatible v1 API: vouchers, campaigns, validations, redemptions, publications.',
          )
          .setVersion('v2018-08-01')
          .addApiKey({ type: 'apiKey', in: 'header', name: 'X-App-Id' }, 'X-App-Id')
          .addApiKey({ type: 'apiKey', in: 'header', name: 'X-App-Token' }, 'X-App-Token')
          .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Management-Id' }, 'X-Management-Id')
          .addApiKey(
            { type: 'apiKey', in: 'header', name: 'X-Management-Token' },
            'X-Management-Token',
          )
          .addSecurityRequirements('X-App-Id')
          .addSecurityRequirements('X-App-Token')
          .build(),
      );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  }
}
