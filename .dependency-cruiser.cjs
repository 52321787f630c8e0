/**
 * The house rules of src/ as executable checks (docs/ARCHITECTURE.md §2): `npm run lint:deps`, part of `npm test`.
 * Feature folders are the capabilities; common, config, prisma, storage and providers are the layers they stand on.
 */
const FEATURES =
  '^src/(assets|templates|generation-jobs|image-generation|audio-generation|video-generation|content-creation|job-worker|limits|auth|health|models|webhooks)/';
const GENERATORS =
  '^src/(generation-jobs|image-generation|audio-generation|video-generation|content-creation|job-worker)/';
const PRISMA = ['^src/(prisma|generated)/', '^node_modules/@prisma/', '^node_modules/\\.prisma/'];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle hides which layer depends on which.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'providers-know-no-rows-or-features',
      severity: 'error',
      comment: 'Provider adapters turn requests into provider calls; rows and features are not theirs.',
      from: { path: '^src/providers/' },
      to: { path: [FEATURES, ...PRISMA] },
    },
    {
      name: 'storage-knows-bytes-not-rows',
      severity: 'error',
      comment: 'Storage keeps bytes, keys, probing and thumbnails; which rows own them is for the features.',
      from: { path: '^src/storage/' },
      to: { path: [FEATURES, ...PRISMA] },
    },
    {
      name: 'common-depends-on-no-feature',
      severity: 'error',
      comment: 'Shared helpers stay usable by every feature.',
      from: { path: '^src/(common|prisma)/' },
      to: { path: [FEATURES, '^src/(storage|providers|queue)/'] },
    },
    {
      name: 'library-imports-no-generator',
      severity: 'error',
      comment: 'The asset library and the templates serve the generators, never the other way round.',
      from: { path: '^src/(assets|templates)/' },
      to: { path: GENERATORS },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    includeOnly: { path: ['^src/', '^node_modules/@prisma/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
