import { DataSource } from 'typeorm';
import { JobQueue } from '@app/queue';
import {
  CampaignsRepository,
  CampaignsService,
  CodeGenerationService,
  KeyspaceExhaustedError,
  normalizeCodeConfig,
  VouchersService,
  buildVoucherTemplateRow,
} from '@app/vouchers';
import { createTestProject, TestProject } from '../../factories/project.factory';
import { createTestApp, TestApp } from '../../utils/test-app';

/** Generation against the real unique index: collisions are regenerated, exhaustion is reported. */
describe('code generation (integration, real Postgres)', () => {
  let t: TestApp;
  let a: TestProject;
  let campaigns: CampaignsService;

  beforeAll(async () => {
    t = await createTestApp();
    a = await createTestProject(t.app);
    campaigns = t.app.get(CampaignsService);
  });
  afterAll(() => t.close());

  const newCampaign = async (name: string, codeConfig: object) => {
    const created = await campaigns.create(
      a.projectId,
      { name, voucher: { discount: { type: 'PERCENT', percent_off: 5 }, code_config: codeConfig } },
      null,
    );
    return (await t.app.get(CampaignsRepository).findById(a.projectId, created.id))!;
  };

  it('regenerates codes that collide with existing ones until the count is exact', async () => {
    const config = normalizeCodeConfig({ length: 8, charset: 'AB' }); // 256 codes
    const campaign = await newCampaign('collide', config);
    const template = buildVoucherTemplateRow({}, campaign);
    const codegen = t.app.get(CodeGenerationService);
    const first = await codegen.generateIntoCampaign(campaign, config, template, 60, null, 0, 10);
    const second = await codegen.generateIntoCampaign(campaign, config, template, 60, null, 0, 10);
    expect(first.generated + second.generated).toBe(120);
    expect(second.collisions).toBeGreaterThan(0);
    const list = await t.app
      .get(VouchersService)
      .list(a.projectId, { campaign: 'collide', limit: 100, page: 2 });
    expect(list.total).toBe(120);
    await expect(
      codegen.generateIntoCampaign(campaign, config, template, 200, null, 0, 10),
    ).rejects.toBeInstanceOf(KeyspaceExhaustedError);
  });

  it('a generation job that runs out of codes marks the campaign FAILED with a reason', async () => {
    const campaign = await newCampaign('exhausted', { length: 3, charset: 'AB' }); // 8 codes
    const action = await t.app.get(CampaignsRepository).findById(a.projectId, campaign.id);
    expect(action?.generationStatus).toBe('DONE');
    const { AsyncActionsService } = await import('@app/async-actions');
    const actions = t.app.get(AsyncActionsService);
    const aa = await actions.create(a.projectId, 'CAMPAIGN.VOUCHERS_GENERATE', null);
    await t.app.get(JobQueue).enqueue('campaign.vouchers.generate', {
      projectId: a.projectId,
      campaignId: campaign.id,
      asyncActionId: aa.id,
      count: 20,
      overrides: null,
    });
    let status = 'ENQUEUED';
    for (let i = 0; i < 200 && status !== 'FAILED' && status !== 'DONE'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      status = (await actions.get(a.projectId, aa.id)).status;
    }
    expect(status).toBe('FAILED');
    const failed = await campaigns.get(a.projectId, 'exhausted');
    expect(failed).toMatchObject({ vouchers_generation_status: 'FAILED', vouchers_count: 8 });
    expect(failed.vouchers_generation_failure).toContain('exhausted');
    // One summary event, recorded by the job (INTERNAL) with the FAILED status it committed.
    const events = (await t.app
      .get(DataSource)
      .query(
        `SELECT type, source, payload FROM events WHERE project_id = $1 AND entity_id = $2 AND type LIKE 'campaign.vouchers.%'`,
        [a.projectId, campaign.id],
      )) as { type: string; source: { channel: string }; payload: Record<string, unknown> }[];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'campaign.vouchers.generation.failed',
      source: { channel: 'INTERNAL' },
      payload: {
        async_action_id: aa.id,
        campaign: { id: campaign.id, vouchers_generation_status: 'FAILED' },
      },
    });
    expect(String(events[0].payload.reason)).toContain('exhausted');
  });
});
