import { Controller, Get, Module, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Public } from '@app/core';

/**
 * Test-only: a slow request that still needs the database when it finishes (shutdown tests),
 * and a request that blocks the event loop (pressure tests).
 */
@Public()
@Controller('v1/probe')
class SlowProbeController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('slow')
  async slow(@Query('ms') ms = '1000') {
    await new Promise((resolve) => setTimeout(resolve, Math.min(Number(ms) || 0, 10_000)));
    const [row] = (await this.dataSource.query('SELECT 1 AS one')) as Array<{ one: number }>;
    return { slept_ms: Number(ms), db: row.one };
  }

  /** Holds the event loop (pressure tests): nothing else in the process runs meanwhile. */
  @Get('block')
  block(@Query('ms') ms = '500') {
    const until = Date.now() + Math.min(Number(ms) || 0, 5_000);
    while (Date.now() < until) {
      // busy on purpose
    }
    return { blocked_ms: Number(ms) };
  }
}

@Module({ controllers: [SlowProbeController] })
export class SlowProbeModule {}
