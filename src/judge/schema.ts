// The shape of a judgements.jsonl line as readers rely on it, checked when the file is read.
import { z } from 'zod';

export const judgementLineSchema = z.looseObject({
  schema: z.literal(1),
  key: z.string().min(1),
  kind: z.enum(['judge', 'af', 'partial']),
  judge: z.string(),
  promptHash: z.string(),
  label: z.looseObject({}),
  judgedAt: z.string(),
});
