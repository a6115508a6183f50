// `af-lab batches <run>`: each batch shows how it came to its intent (submitted by the run, or found at
// the provider after a kill and matched by metadata, custom ids, or size and time) and the batches it
// refused (found for it, whose results were not its lines), in the table and in --json.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { batchesJson, formatBatches, type BatchRecord } from '../src/pipeline/batch/index.js';
import { writeBatchRecord } from '../src/pipeline/batch/store.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const record = (intentId: string, fields: Partial<BatchRecord>): BatchRecord => ({
  schema: 1,
  intentId,
  provider: 'openai',
  model: 'openai/gpt-4o-mini',
  role: 'sample',
  createdAt: '2026-12-07T10:00:00.000Z',
  state: 'completed',
  lines: [{ customId: `${intentId}_0`, requestHash: 'a'.repeat(64) }],
  ...fields,
});

const records = [
  record('i1', { id: 'batch_1' }),
  record('i2', { id: 'batch_2', matchedBy: 'size-and-time', refusedIds: ['batch_decoy', 'batch_other'] }),
  record('i3', { state: 'intent', refusedIds: ['batch_9'] }),
];

describe('af-lab batches: how each batch was matched, and the ids it refused', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('the table has a column for each', () => {
    const [header, ...rows] = formatBatches(records).split('\n');
    assert.match(header, /found by\s+refused ids/);
    assert.match(rows[0], /batch_1 .*submitted/);
    assert.match(rows[1], /batch_2 .*found: size and time\s+batch_decoy, batch_other/);
    assert.match(rows[2], /\(not yet accepted\).*batch_9/);
    assert.doesNotMatch(rows[2], /submitted|found:/);
  });

  it('--json prints them as matchedBy and refusedIds', () => {
    const dir = tempDir();
    dirs.push(dir);
    const runDir = join(dir, 'run');
    mkdirSync(join(runDir, 'batches'), { recursive: true });
    for (const r of records) writeBatchRecord(runDir, r);
    const result = runCli(['batches', runDir, '--json']);
    assert.equal(result.status, 0, result.stderr);
    const { batches } = JSON.parse(result.stdout) as { batches: ReturnType<typeof batchesJson> };
    assert.deepEqual(
      batches.map((b) => [(b as { intentId: string }).intentId, (b as { matchedBy: string | null }).matchedBy, (b as { refusedIds: string[] }).refusedIds]),
      [
        ['i1', 'submitted', []],
        ['i2', 'size-and-time', ['batch_decoy', 'batch_other']],
        ['i3', null, ['batch_9']],
      ],
    );
    const table = runCli(['batches', runDir]);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /found: size and time\s+batch_decoy, batch_other/);
  });
});
