import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

let root: Logger | undefined;

/** The process-wide pino logger (JSON lines). Configured once at boot from AppConfig. */
export function configureLogger(level: string): Logger {
  root = pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
  return root;
}

export function rootLogger(): Logger {
  return root ?? configureLogger('info');
}

/** Routes Nest's own log lines into pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger = rootLogger()) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
