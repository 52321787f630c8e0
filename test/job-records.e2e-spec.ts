import { GenerationJobsRepository, type NewJob } from '../src/jobs/generation-jobs.repository';
import { createTestApp, TestApp } from './support/app';
import { jobRow, newUserId } from './support/factories';

/** GenerationJobsRepository.create: one INSERT through pg, or inside the active-job guard's transaction. */
describe('recording a queued job', () => {
  let t: TestApp;
  let jobs: GenerationJobsRepository;

  beforeAll(async () => {
    t = await createTestApp();
    jobs = t.app.get(GenerationJobsRepository);
  });
  afterAll(() => t.close());

  const newJob = (userId: string, overrides: Partial<NewJob> = {}): NewJob => ({
    userId,
    type: 'image_generation',
    priority: 3,
    prompt: 'a lighthouse at dawn',
    provider: 'placeholder',
    model: 'placeholder',
    parameters: { size: '256x256', n: 2, nested: { quoted: '"x"' } },
    ...overrides,
  });
  const guard = async () => undefined;

  it.each([
    ['one INSERT', undefined],
    ['inside the guard transaction', guard],
  ])('%s: the row has what was given, the table defaults and updatedAt', async (_way, withGuard) => {
    const userId = newUserId();
    const { job, created } = await jobs.create(newJob(userId, { model: `model-without-history-${userId}` }), withGuard);
    expect(created).toBe(true);
    expect(job).toMatchObject({
      userId,
      type: 'image_generation',
      status: 'queued',
      priority: 3,
      progress: 0,
      attempts: 0,
      negativePrompt: null,
      templateId: null,
      estimatedTime: null,
      parameters: { size: '256x256', n: 2, nested: { quoted: '"x"' } },
    });
    expect(job.updatedAt.getTime()).toBe(job.createdAt.getTime());
    expect(await t.prisma.generationJob.findUniqueOrThrow({ where: { id: job.id } })).toEqual(job);
  });

  it.each([
    ['one INSERT', undefined],
    ['inside the guard transaction', guard],
  ])(
    '%s: a key a concurrent request recorded first answers with that job (the unique index decides)',
    async (_way, withGuard) => {
      const userId = newUserId();
      const keyed = newJob(userId, { idempotencyKey: `key-${userId}`, idempotencyFingerprint: 'f' });
      const first = await jobs.create(keyed, withGuard);
      const second = await jobs.create(keyed, withGuard);
      expect(second).toEqual({ job: first.job, created: false });
      expect(await t.prisma.generationJob.count({ where: { userId } })).toBe(1);
    },
  );

  it("estimates a new job's time from the actual times of the model's last 20 completed jobs, in the INSERT", async () => {
    const userId = newUserId();
    const model = `model-${userId}`;
    const completedAt = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
    await t.prisma.generationJob.createMany({
      data: [
        // 20 recent ones average 1500.5 ms (rounded up); an older one, a failed one and another model's do not count.
        ...Array.from({ length: 20 }, (_, index) =>
          jobRow(userId, {
            model,
            status: 'completed',
            completedAt: completedAt(index),
            actualTime: index % 2 === 0 ? 1000 : 2001,
          }),
        ),
        jobRow(userId, { model, status: 'completed', completedAt: completedAt(60), actualTime: 900_000 }),
        jobRow(userId, { model, status: 'failed', completedAt: completedAt(0), actualTime: 900_000 }),
        jobRow(userId, {
          model: `${model}-other`,
          status: 'completed',
          completedAt: completedAt(0),
          actualTime: 900_000,
        }),
      ] as never,
    });
    expect((await jobs.create(newJob(userId, { model }))).job.estimatedTime).toBe(1501);
    expect((await jobs.create(newJob(userId, { model }), guard)).job.estimatedTime).toBe(1501);
  });
});
