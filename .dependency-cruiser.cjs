// af-lab's layers, checked by `npm test` (npm run lint:layers). Data flows downward only: a folder may
// import its own files and the folders of LOWER layers, never a sibling of its own layer or anything
// above. docs/architecture.md draws the same table.
const layers = [
  ['core'], // types, config, errors, files, hashes, the response cache, the run store, usage
  ['stats', 'prompts', 'browser', 'classify', 'cost'],
  ['requests', 'models', 'settings'], // models: providers, transport, the simulator and its simulated judge; settings: data/settings/ files
  ['run'], // sampling only: plan, protocol, runner
  ['judge', 'summary'], // the LLM judges (prompts, calls, parsing); the per-condition table
  ['label'], // the label stage: the registry of scorers, judgements stored and chosen, records labelled
  ['plots'],
  ['report'],
  ['pipeline'], // sample -> label -> summarise -> draw -> report
  ['notebook', 'cli'],
];

const rules = [];
layers.forEach((folders, level) => {
  for (const folder of folders) {
    const above = layers.slice(level).flat().filter((f) => f !== folder);
    rules.push({
      name: `layer-${level}-${folder}`,
      comment: `src/${folder} is in layer ${level} (${folders.join(', ')}): it may import only ${
        level === 0 ? 'its own files' : `its own files and ${layers.slice(0, level).flat().join(', ')}`
      }. Move the shared code down a layer instead of importing ${above.join(', ')}.`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: `^src/(${above.join('|')})/|^src/(index|cli)\\.ts$` },
    });
  }
});

module.exports = {
  forbidden: [
    ...rules,
    {
      name: 'no-circular',
      comment: 'A cycle between modules: break it by moving the shared piece down.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-to-dev-tools',
      comment: 'Shipped code never imports the dev-only tools/, test/, bench/ or scripts/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(tools|test|bench|scripts)/' },
    },
    {
      name: 'src-root-files-not-imported',
      comment: 'src/index.ts (the public API) and src/cli.ts (the command line) are entry points: nothing in src imports them.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/(index|cli)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.d.ts'] },
  },
};
