// The console's pages. Everything user-provided goes into the DOM as text (never as HTML).
import { formatBytes, formatNumber, legend, lineChart, sparkline } from './charts.js';
import { bytesOf, call, listAll, metricsJson } from './kinesis.js';

/** h('tag.class', {attrs}, ...children) */
function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split('.');
  const e = document.createElement(tag);
  if (classes.length) e.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat())
    if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
  return e;
}

const streamHref = (name) => `#/streams/${encodeURIComponent(name)}`;
const badge = (text) => h(`span.badge.${text}`, {}, text);
const shortKey = (k) => (k.length > 14 ? `${k.slice(0, 6)}…${k.slice(-6)}` : k);
const COLORS = { in: '#0b5cad', out: '#1a7f37', bad: '#b42318', other: '#8250df' };

function table(caption, headers, rows, numeric = []) {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((t, i) => h(numeric.includes(i) ? 'th.num' : 'th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.length
        ? rows.map((cells) =>
            h(
              'tr',
              {},
              cells.map((c, i) => h(numeric.includes(i) ? 'td.num' : 'td', {}, c)),
            ),
          )
        : h('tr', {}, h('td.muted', { colspan: headers.length }, 'None')),
    ),
  );
}

// ---- streams list ----

export async function streamsView(main) {
  const [summaries, rates] = await Promise.all([
    listAll('ListStreams', { Limit: 100 }, 'StreamSummaries'),
    metricsJson(),
  ]);
  const details = await Promise.all(
    summaries.slice(0, 100).map((s) =>
      call('DescribeStreamSummary', { StreamName: s.StreamName }).then(
        (d) => d.StreamDescriptionSummary,
        () => undefined,
      ),
    ),
  );
  const rateOf = (name) => rates.streams.find((r) => r.name === name);
  const rows = summaries.map((s, i) => {
    const d = details[i];
    const r = rateOf(s.StreamName);
    return [
      h('a', { href: streamHref(s.StreamName) }, s.StreamName),
      badge(s.StreamStatus),
      s.StreamModeDetails?.StreamMode ?? '–',
      d ? String(d.OpenShardCount) : '–',
      d ? `${d.RetentionPeriodHours} h` : '–',
      r ? `${formatNumber(r.incomingRecordsPerSec)}/s · ${formatBytes(r.incomingBytesPerSec)}/s` : '0/s',
      r ? `${formatNumber(r.outgoingRecordsPerSec)}/s · ${formatBytes(r.outgoingBytesPerSec)}/s` : '0/s',
      r && r.writeThrottledPerSec + r.readThrottledPerSec > 0
        ? h(
            'span.error',
            {},
            `${formatNumber(r.writeThrottledPerSec)} w · ${formatNumber(r.readThrottledPerSec)} r /s`,
          )
        : '0',
    ];
  });
  main.replaceChildren(
    h('h1', {}, 'Streams'),
    table(
      `${summaries.length} stream${summaries.length === 1 ? '' : 's'} in this region (rates: last 10 s)`,
      ['Name', 'Status', 'Mode', 'Open shards', 'Retention', 'In', 'Out', 'Throttled'],
      rows,
      [3],
    ),
  );
}

// ---- stream page ----

function lineage(shard, children) {
  const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(Boolean);
  const kids = children.get(shard.ShardId) ?? [];
  return h(
    'span.mono',
    {},
    `${parents.length ? parents.map(shortId).join(' + ') : 'root'} → ${kids.length ? kids.map(shortId).join(', ') : '…'}`,
  );
}
const shortId = (id) => id.replace(/^shardId-0*/, '#') || '#0';

export async function streamView(main, name, state) {
  const [summary, shards, consumers, m] = await Promise.all([
    call('DescribeStreamSummary', { StreamName: name }).then((r) => r.StreamDescriptionSummary),
    listAll('ListShards', { StreamName: name }, 'Shards'),
    call('DescribeStreamSummary', { StreamName: name }).then((r) =>
      listAll('ListStreamConsumers', { StreamARN: r.StreamDescriptionSummary.StreamARN }, 'Consumers'),
    ),
    metricsJson(name, '1s'),
  ]);
  // Five minutes of the 1-second series is what fits a small chart.
  const recent = (xs) => (xs ?? []).slice(-300);
  const mm = m.metrics;
  const enhanced = summary.EnhancedMonitoring?.[0]?.ShardLevelMetrics ?? [];
  const children = new Map();
  for (const s of shards)
    for (const p of [s.ParentShardId, s.AdjacentParentShardId].filter(Boolean))
      children.set(p, [...(children.get(p) ?? []), s.ShardId]);

  const charts = h(
    'div.grid',
    {},
    chartCard('Incoming records / s', [
      { label: 'IncomingRecords', color: COLORS.in, values: recent(mm.IncomingRecords) },
      { label: 'GetRecords.Records', color: COLORS.out, values: recent(mm['GetRecords.Records']) },
    ]),
    chartCard('Bytes / s', [
      { label: 'IncomingBytes', color: COLORS.in, values: recent(mm.IncomingBytes) },
      { label: 'GetRecords.Bytes', color: COLORS.out, values: recent(mm['GetRecords.Bytes']) },
    ]),
    chartCard('Throttled / s', [
      { label: 'Write (records)', color: COLORS.bad, values: recent(mm.WriteProvisionedThroughputExceeded) },
      { label: 'Read (calls)', color: COLORS.other, values: recent(mm.ReadProvisionedThroughputExceeded) },
    ]),
    chartCard('Iterator age (ms)', [
      {
        label: 'GetRecords.IteratorAgeMilliseconds',
        color: COLORS.other,
        values: recent(mm['GetRecords.IteratorAgeMilliseconds']),
      },
    ]),
  );

  const shardRows = shards.map((s) => {
    const series = m.shards[s.ShardId];
    const spark = (metric, color) =>
      series?.[metric]
        ? sparkline(`${s.ShardId} ${metric}`, recent(series[metric]).slice(-120), color)
        : h('span.muted', {}, '–');
    const closed = s.SequenceNumberRange?.EndingSequenceNumber !== undefined;
    return [
      h('code', {}, s.ShardId),
      badge(closed ? 'closed' : 'open'),
      h(
        'span.mono',
        { title: `${s.HashKeyRange.StartingHashKey} – ${s.HashKeyRange.EndingHashKey}` },
        `${shortKey(s.HashKeyRange.StartingHashKey)} – ${shortKey(s.HashKeyRange.EndingHashKey)}`,
      ),
      lineage(s, children),
      spark('IncomingRecords', COLORS.in),
      spark('OutgoingRecords', COLORS.out),
      spark('WriteProvisionedThroughputExceeded', COLORS.bad),
    ];
  });

  const lagOf = (c) => {
    const v = m.consumers[c.ConsumerName]?.['SubscribeToShardEvent.MillisBehindLatest'] ?? [];
    for (let i = v.length - 1; i >= 0; i--) if (v[i] !== null) return `${formatNumber(v[i])} ms`;
    return '–';
  };
  const consumerRows = consumers.map((c) => [
    c.ConsumerName,
    badge(c.ConsumerStatus),
    lagOf(c),
    formatNumber(
      (m.consumers[c.ConsumerName]?.['SubscribeToShardEvent.Records'] ?? [])
        .slice(-10)
        .reduce((a, b) => a + (b ?? 0), 0) / 10,
    ),
  ]);

  const hotRows = [];
  for (const [shardId, keys] of Object.entries(m.hotKeys))
    for (const k of keys.slice(0, 5))
      hotRows.push([
        h('code', {}, shardId),
        h('span.mono', {}, k.key),
        formatNumber(k.count),
        h(
          'div',
          {},
          h(
            'div.bar',
            { role: 'img', 'aria-label': `${Math.round(k.share * 100)}% of the shard's recent records` },
            h('span', { style: `width:${Math.round(k.share * 100)}%` }),
          ),
          `${Math.round(k.share * 100)}%`,
        ),
      ]);
  hotRows.sort(
    (a, b) => Number(b[3].textContent.replace('%', '')) - Number(a[3].textContent.replace('%', '')),
  );

  const toggle = h(
    'button.secondary',
    {
      type: 'button',
      onclick: async () => {
        await call(enhanced.length ? 'DisableEnhancedMonitoring' : 'EnableEnhancedMonitoring', {
          StreamName: name,
          ShardLevelMetrics: ['ALL'],
        });
        await streamView(main, name, state);
      },
    },
    enhanced.length ? 'Disable shard-level metrics' : 'Enable shard-level metrics',
  );

  main.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← Streams')),
    h('h1', {}, 'Stream ', h('span.mono', {}, name), ' ', badge(summary.StreamStatus)),
    h(
      'dl.kv',
      {},
      h('dt', {}, 'ARN'),
      h('dd.mono', {}, summary.StreamARN),
      h('dt', {}, 'Mode'),
      h('dd', {}, summary.StreamModeDetails?.StreamMode ?? '–'),
      h('dt', {}, 'Open shards'),
      h('dd', {}, String(summary.OpenShardCount)),
      h('dt', {}, 'Retention'),
      h('dd', {}, `${summary.RetentionPeriodHours} h`),
      h('dt', {}, 'Encryption'),
      h('dd', {}, summary.EncryptionType ?? 'NONE'),
      h('dt', {}, 'Shard-level metrics'),
      h('dd', {}, enhanced.length ? enhanced.join(', ') : 'off ', ' ', toggle),
    ),
    h('p', {}, h('a', { href: `${streamHref(name)}/records` }, 'Browse records →')),
    h('h2', {}, 'Throughput (last 5 minutes, per second)'),
    charts,
    h('h2', {}, 'Shards'),
    enhanced.length
      ? ''
      : h(
          'p.muted',
          {},
          'Per-shard charts appear when shard-level metrics are enabled (as CloudWatch enhanced monitoring).',
        ),
    table(
      `${shards.length} shard${shards.length === 1 ? '' : 's'} (open and closed within retention); charts: last 2 minutes`,
      [
        'Shard',
        'State',
        'Hash key range',
        'Lineage (parents → children)',
        'In records/s',
        'Out records/s',
        'Write throttled',
      ],
      shardRows,
    ),
    h('h2', {}, 'Top partition keys'),
    table(
      'Heaviest keys per shard over the recent window (Space-Saving sketch, estimates)',
      ['Shard', 'Partition key', 'Est. records', 'Share of shard'],
      hotRows,
      [2],
    ),
    h('h2', {}, 'Consumers (enhanced fan-out)'),
    table(
      'Registered consumers',
      ['Name', 'Status', 'Lag (MillisBehindLatest)', 'Records/s'],
      consumerRows,
      [2, 3],
    ),
  );
}

function chartCard(title, series) {
  return h('div.card', {}, h('h3', {}, title), lineChart(title, series), legend(series));
}

// ---- record browser ----

export function render(bytes, format) {
  if (format === 'hex') {
    const shown = bytes.subarray(0, 4096);
    let s = '';
    for (let i = 0; i < shown.length; i++)
      s += `${shown[i].toString(16).padStart(2, '0')}${i % 16 === 15 ? '\n' : ' '}`;
    return s.trim() + (bytes.length > shown.length ? ' …' : '');
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (format === 'json') {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return `(not JSON) ${text}`;
    }
  }
  return text;
}

export async function recordsView(main, name, state) {
  if (!state.first) return false;
  const shards = await listAll('ListShards', { StreamName: name }, 'Shards');
  const out = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form.reader',
    { 'aria-label': 'Read records' },
    h(
      'label',
      {},
      'Shard',
      h(
        'select',
        { name: 'shard' },
        shards.map((s) => h('option', { value: s.ShardId }, s.ShardId)),
      ),
    ),
    h(
      'label',
      {},
      'Start at',
      h(
        'select',
        { name: 'type' },
        ['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER', 'AT_TIMESTAMP'].map((t) =>
          h('option', { value: t }, t),
        ),
      ),
    ),
    h(
      'label',
      {},
      'Sequence number',
      h('input', { name: 'seq', size: 30, inputmode: 'numeric', autocomplete: 'off' }),
    ),
    h('label', {}, 'Timestamp (local)', h('input', { name: 'ts', type: 'datetime-local', step: 1 })),
    h(
      'label',
      {},
      'Limit',
      h('input', { name: 'limit', type: 'number', min: 1, max: 10000, value: 100, style: 'width:6em' }),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Show as'),
      ['text', 'json', 'hex'].map((f) =>
        h(
          'label',
          {},
          h('input', { type: 'radio', name: 'format', value: f, checked: f === 'text' }),
          f.toUpperCase(),
        ),
      ),
    ),
    h('button', { type: 'submit' }, 'Read'),
  );
  let iterator;
  let page = [];
  const show = () => {
    const format = new FormData(form).get('format');
    const rows = page.map((r) => [
      h('code', {}, r.SequenceNumber),
      new Date(r.ApproximateArrivalTimestamp * 1000).toISOString(),
      h('span.mono', {}, r.PartitionKey),
      h('pre.data', {}, render(bytesOf(r.Data), format)),
    ]);
    const next = h(
      'button.secondary',
      { type: 'button', disabled: !iterator, onclick: () => read(false) },
      'Next page',
    );
    out.replaceChildren(
      table(
        `${page.length} record${page.length === 1 ? '' : 's'}`,
        ['Sequence number', 'Arrival', 'Partition key', 'Data'],
        rows,
      ),
      h('p', {}, next),
    );
  };
  const read = async (fresh) => {
    const f = new FormData(form);
    try {
      if (fresh) {
        const input = { StreamName: name, ShardId: f.get('shard'), ShardIteratorType: f.get('type') };
        if (String(f.get('type')).includes('SEQUENCE'))
          input.StartingSequenceNumber = String(f.get('seq')).trim();
        if (f.get('type') === 'AT_TIMESTAMP')
          input.Timestamp = new Date(String(f.get('ts'))).getTime() / 1000;
        iterator = (await call('GetShardIterator', input)).ShardIterator;
      }
      const res = await call('GetRecords', { ShardIterator: iterator, Limit: Number(f.get('limit')) || 100 });
      iterator = res.NextShardIterator;
      page = res.Records ?? [];
      show();
    } catch (err) {
      out.replaceChildren(
        h('p.error', { role: 'alert' }, `${err.type ? `${err.type}: ` : ''}${err.message}`),
      );
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    read(true);
  });
  for (const radio of form.querySelectorAll('input[name=format]')) radio.addEventListener('change', show);
  main.replaceChildren(
    h('p', {}, h('a', { href: streamHref(name) }, `← ${name}`)),
    h('h1', {}, 'Records of ', h('span.mono', {}, name)),
    form,
    out,
  );
  return false;
}
