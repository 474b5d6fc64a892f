import { JobHandlerRegistry } from './job-handler';
import { JOB_NAMES, JOB_QUEUES, QUEUE_NAMES } from './job-names';

describe('JobHandlerRegistry', () => {
  const handler = { handle: async () => undefined };

  it('reports the jobs nobody handles', () => {
    const registry = new JobHandlerRegistry();
    expect(registry.missing()).toEqual(JOB_NAMES);
    registry.register('event.process', handler);
    expect(registry.missing()).toEqual(JOB_NAMES.filter((n) => n !== 'event.process'));
  });

  it('refuses two handlers for one job', () => {
    const registry = new JobHandlerRegistry();
    registry.register('webhook.deliver', handler);
    expect(() => registry.register('webhook.deliver', handler)).toThrow(/Two handlers/);
  });

  it('maps every job to a declared queue', () => {
    for (const name of JOB_NAMES) expect(QUEUE_NAMES).toContain(JOB_QUEUES[name]);
  });
});
