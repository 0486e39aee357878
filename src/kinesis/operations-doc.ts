// Renders docs/operations.md from the operation table, so the docs' operation list is the table
// (test/operations-doc.test.ts fails when the file is stale; `node tools/gen-operations-doc.mjs`).
import { model, operationNames } from './model.js';
import { kinesisOperations } from './operations/index.js';

const RESOURCE_TEXT: Readonly<Record<string, string>> = {
  streamResource: 'stream',
  consumerResource: 'consumer',
  consumerOrStreamResource: 'consumer',
  arnResource: 'stream or consumer (ResourceARN)',
  noResource: '`*`',
};

export function renderOperationsDoc(): string {
  const declared = kinesisOperations as Readonly<
    Record<string, (typeof kinesisOperations)[keyof typeof kinesisOperations]>
  >;
  const lines = [
    '# Kinesis operations',
    '',
    'Generated from the operation table (`src/kinesis/operations/index.ts`) by',
    '`node tools/gen-operations-doc.mjs`; `test/operations-doc.test.ts` fails when this file is stale.',
    'Control-plane rates apply with `--control-plane-limits on`; IAM actions and resources are what the',
    'authorizer evaluates (GetRecords: the stream named inside the iterator).',
    '',
    '| operation | IAM action | resource | control-plane rate | wire | modelled errors |',
    '|---|---|---|---|---|---|',
  ];
  for (const name of operationNames) {
    const op = declared[name];
    const errors = model.operations[name]?.errors.length ?? 0;
    if (!op) {
      lines.push(`| ${name} | \`kinesis:${name}\` | | | not implemented | ${errors} |`);
      continue;
    }
    const resource = RESOURCE_TEXT[op.iam.resources.name] ?? op.iam.resources.name;
    const wire = [op.fastPath ? `fast path (${op.fastPath})` : '', op.streaming ? 'event stream' : '']
      .filter(Boolean)
      .join(', ');
    const rate = op.rateTps === undefined ? '' : `${op.rateTps}/s`;
    lines.push(`| ${name} | \`${op.iam.action}\` | ${resource} | ${rate} | ${wire} | ${errors} |`);
  }
  return `${lines.join('\n')}\n`;
}
