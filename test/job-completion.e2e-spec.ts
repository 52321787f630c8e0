import { AssetsService, type PreparedAsset } from '../src/assets/assets.service';
import type { SaveAssetInput } from '../src/assets/save-asset-input';
import { saveResults } from '../src/generation-jobs/complete-or-discard';
import type { CreativeAsset } from '../src/generated/prisma/client';
import { GenerationJobsRepository, type JobCompletion } from '../src/jobs/generation-jobs.repository';
import { RENDER_STEPS } from '../src/jobs/render-steps';
import { TemplatesService } from '../src/templates/templates.service';
import { createTestApp, TestApp } from './support/app';
import { jobRow, newUserId, pngBytes, templateRow } from './support/factories';

/**
 * A job's completion is one statement: the job's row to completed, its results' rows, their files given to
 * them and the template's use, all or nothing (GenerationJobsRepository.completeWithAssets via saveResults).
 */
describe('completing a job with its results, in one statement', () => {
  let t: TestApp;
  let assets: AssetsService;
  let services: Parameters<typeof saveResults>[0];

  beforeAll(async () => {
    t = await createTestApp();
    assets = t.app.get(AssetsService);
    services = { jobs: t.app.get(GenerationJobsRepository), assets, templates: t.app.get(TemplatesService) };
  });
  afterAll(() => t.close());

  const completion: JobCompletion = {
    step: RENDER_STEPS.done,
    resultUrl: '/result',
    thumbnailUrl: '/thumbnail',
    cost: 0.04,
  };

  async function processingJob(userId: string, overrides: Record<string, unknown> = {}) {
    const row = jobRow(userId, { status: 'processing', startedAt: new Date(), ...overrides });
    return t.prisma.generationJob.create({ data: row as never });
  }

  /** An image result with every kind of column the insert types: uuid, enum, text[], jsonb, numeric, int8, float8. */
  const result = async (userId: string, overrides: Partial<SaveAssetInput> = {}) =>
    assets.prepareAssetFiles(userId, {
      type: 'image',
      sourceModule: 'image_generation',
      title: 'a lighthouse, "quoted" and ünïcode',
      prompt: 'a lighthouse at dawn',
      tags: ['coast', 'dawn'],
      provider: 'placeholder',
      model: 'placeholder',
      cost: 0.02,
      seed: 2n ** 62n + 7n,
      guidance: 7.5,
      steps: 30,
      metadata: { palette: ['#fff', '#000'], nested: { a: 1 } },
      parameters: { size: '640x480' },
      isPublic: true,
      bytes: await pngBytes(),
      ...overrides,
    });

  const intentsOf = (prepared: readonly PreparedAsset[]) =>
    prepared.flatMap((p) => p.storedFiles.map((f) => f.intentId));
  const intentsLeft = (prepared: readonly PreparedAsset[]) =>
    t.prisma.storageIntent.count({ where: { id: { in: intentsOf(prepared) } } });

  /** The columns a row shares with its twin inserted another way (ids and the links made of them, times, the job link aside). */
  const comparable = ({
    id: _i,
    url: _u,
    thumbnailUrl: _t,
    createdAt: _c,
    updatedAt: _a,
    generationId: _g,
    ...columns
  }: CreativeAsset) => columns;

  it("stores the rows as Prisma's create would, gives them their files, counts the template's use and completes the job", async () => {
    const owner = newUserId();
    const template = await t.prisma.creativeTemplate.create({ data: templateRow(owner) as never });
    const job = await processingJob(owner, { templateId: template.id });
    const prepared = [await result(owner, { generationId: job.id }), await result(owner, { generationId: job.id })];

    const completed = await saveResults(services, job, completion, prepared);

    expect(completed).toMatchObject({ id: job.id, userId: owner, type: 'image_generation' });
    expect(Number(completed?.cost)).toBe(0.04);
    expect(completed?.assets).toEqual(
      prepared.map((p) => ({
        id: p.id,
        userId: owner,
        type: 'image',
        sourceModule: 'image_generation',
        generationId: job.id,
      })),
    );
    expect(await t.prisma.generationJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'completed',
      progress: RENDER_STEPS.done.progress,
      resultUrl: '/result',
    });
    const rows = await t.prisma.creativeAsset.findMany({ where: { generationId: job.id }, orderBy: { id: 'asc' } });
    expect(rows.map((row) => row.id)).toEqual(prepared.map((p) => p.id).sort());
    expect(await intentsLeft(prepared)).toBe(0);
    const used = await t.prisma.creativeTemplate.findUniqueOrThrow({ where: { id: template.id } });
    expect(used.usageCount).toBe(template.usageCount + 1);

    // The same result inserted through Prisma's create (saveAsset's path) has the same columns.
    const twin = await result(owner);
    await assets.createPreparedAsset(owner, twin);
    const twinRow = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: twin.id } });
    const [first] = rows;
    expect(comparable(first)).toEqual(comparable(twinRow));
    expect(first.seed).toBe(2n ** 62n + 7n);
    expect(first.updatedAt.getTime()).toBe(first.createdAt.getTime());
    // The stored-object trigger counted both rows and the twin on the one object their identical bytes share.
    const object = await t.prisma.storedObject.findUniqueOrThrow({ where: { key: first.storageKey as string } });
    expect(object.refCount).toBe(3);
  });

  it('writes nothing when the job is no longer processing: a second completion, or a cancelled job', async () => {
    const owner = newUserId();
    const template = await t.prisma.creativeTemplate.create({ data: templateRow(owner) as never });
    const job = await processingJob(owner, { templateId: template.id });
    const first = [await result(owner, { generationId: job.id })];
    expect(await saveResults(services, job, completion, first)).not.toBeNull();

    await t.prisma.generationJob.update({ where: { id: job.id }, data: { status: 'processing' } });
    const again = [await result(owner, { generationId: job.id })];
    // The job is processing again but has its assets already: the completion matches nothing.
    expect(await services.jobs.completeWithAssets(job, completion, () => ({ statements: [], assets: [] }))).toBeNull();
    const writes = await assets.jobAssetWrites(job, again);
    await expect(
      services.jobs.completeWithAssets(job, completion, (completing) => ({
        assets: writes.assets,
        statements: [
          ...writes.statements(completing.happened),
          services.templates!.templateUseSql(completing.templateId),
        ],
      })),
    ).resolves.toBeNull();
    expect(await t.prisma.creativeAsset.count({ where: { generationId: job.id } })).toBe(1);
    expect(await intentsLeft(again)).toBe(intentsOf(again).length);
    expect((await t.prisma.creativeTemplate.findUniqueOrThrow({ where: { id: template.id } })).usageCount).toBe(1);

    const cancelled = await processingJob(owner, { status: 'cancelled', templateId: template.id });
    const late = [await result(owner, { generationId: cancelled.id })];
    expect(await saveResults(services, cancelled, completion, late)).toBeNull();
    expect(await t.prisma.creativeAsset.count({ where: { generationId: cancelled.id } })).toBe(0);
    expect(await intentsLeft(late)).toBe(intentsOf(late).length);
    expect((await t.prisma.generationJob.findUniqueOrThrow({ where: { id: cancelled.id } })).status).toBe('cancelled');
    for (const prepared of [...again, ...late]) await assets.discardPreparedAsset(prepared);
  });

  it("refuses results that are not the job's own, or whose parent the user cannot see, with nothing written", async () => {
    const owner = newUserId();
    const job = await processingJob(owner);
    const otherJob = await processingJob(owner);
    const strangersAsset = await assets.saveAsset(newUserId('stranger'), {
      type: 'image',
      sourceModule: 'image_generation',
      title: 'private',
      bytes: await pngBytes(),
    });
    const refused: [PreparedAsset, string][] = [
      [await result(owner, { generationId: otherJob.id }), 'VALIDATION_FAILED'],
      [await result(newUserId(), { generationId: job.id }), 'VALIDATION_FAILED'],
      [await result(owner, { generationId: job.id, parentAssetId: strangersAsset.id }), 'NOT_FOUND'],
    ];
    for (const [prepared, code] of refused) {
      await expect(saveResults(services, job, completion, [prepared])).rejects.toMatchObject({
        code,
      });
      await assets.discardPreparedAsset(prepared);
    }
    expect(await t.prisma.creativeAsset.count({ where: { generationId: { in: [job.id, otherJob.id] } } })).toBe(0);
    expect((await t.prisma.generationJob.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('processing');
  });

  it('commits all or nothing: a result that cannot be inserted leaves the job processing and its files held', async () => {
    const owner = newUserId();
    const job = await processingJob(owner);
    const prepared = [await result(owner, { generationId: job.id })];
    // The same row once more: its id collides with the first, so the whole statement fails.
    await expect(saveResults(services, job, completion, [...prepared, prepared[0]])).rejects.toThrow(/duplicate key/);
    expect((await t.prisma.generationJob.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('processing');
    expect(await t.prisma.creativeAsset.count({ where: { generationId: job.id } })).toBe(0);
    expect(await intentsLeft(prepared)).toBe(intentsOf(prepared).length);
    await assets.discardPreparedAsset(prepared[0]);
  });
});
