// The feeder's state for operators: Prometheus text format on GET /metrics and a JSON health
// check on GET /health, served by clients/metrics-server.mjs.

import { serveMetrics as serveHttp } from '../metrics-server.mjs';

import { formatPrice } from './price.mjs';

/// Why a round submitted nothing (the `reason` label of capacloud_feeder_refusals_total).
export const REFUSAL_REASONS = [
  'no_source', // fewer available sources than --min-sources
  'disagree', // the sources' spread exceeds --tolerance
  'not_feeder', // the key is not in burnMint.priceFeeders
  'dispatch_error', // burnMint.submitPrice was included but failed
  'rejected', // the node refused the transaction (pool error) or it was dropped
  'transport', // the node could not be reached
];

export class Metrics {
  constructor({ now = () => Date.now() } = {}) {
    this.now = now;
    this.startedAt = now();
    this.lastPrice = undefined; // FixedU128 inner value
    this.lastBlock = undefined;
    this.lastSubmittedAt = undefined; // milliseconds
    this.submissions = 0;
    this.farRounds = 0;
    this.refusals = new Map(REFUSAL_REASONS.map((r) => [r, 0]));
    this.up = false;
    // Nothing submitted for longer than this and /health answers 503 (3 × every × block time).
    this.healthWindowMs = 3 * 10 * 6000;
  }

  submitted(price, block) {
    this.lastPrice = price;
    this.lastBlock = block;
    this.lastSubmittedAt = this.now();
    this.submissions += 1;
  }

  /// A round whose sources' price was more than max_price_deviation from the price in force
  /// (submitted as it is: the price in force follows it one step a block).
  farFromPrice() {
    this.farRounds += 1;
  }

  refused(reason) {
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
  }

  /// Prometheus text exposition format, version 0.0.4.
  render() {
    const lines = [];
    const gauge = (name, help, value, type = 'gauge') => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      if (value !== undefined) lines.push(`${name} ${value}`);
    };
    gauge(
      'capacloud_feeder_up',
      '1 while the feeder is connected to its node, 0 otherwise.',
      this.up ? 1 : 0,
    );
    gauge(
      'capacloud_feeder_last_price',
      'Last price submitted and included in a block (stable units per CAPA).',
      this.lastPrice === undefined ? undefined : formatPrice(this.lastPrice),
    );
    gauge(
      'capacloud_feeder_last_submitted_block',
      'Number of the block that included the last submission.',
      this.lastBlock,
    );
    gauge(
      'capacloud_feeder_last_submission_timestamp_seconds',
      'Unix time of the last included submission.',
      this.lastSubmittedAt === undefined ? undefined : (this.lastSubmittedAt / 1000).toFixed(3),
    );
    gauge(
      'capacloud_feeder_submissions_total',
      'Prices submitted and included in a block.',
      this.submissions,
      'counter',
    );
    gauge(
      'capacloud_feeder_far_from_price_total',
      "Rounds whose sources' price was more than max_price_deviation from the price in force" +
        ' (submitted as it is; the price in force follows one step a block).',
      this.farRounds,
      'counter',
    );
    lines.push(
      '# HELP capacloud_feeder_refusals_total Rounds that submitted nothing, by reason.',
      '# TYPE capacloud_feeder_refusals_total counter',
    );
    for (const [reason, count] of this.refusals) {
      lines.push(`capacloud_feeder_refusals_total{reason="${reason}"} ${count}`);
    }
    return `${lines.join('\n')}\n`;
  }

  /// `{ healthy, body }` for GET /health: healthy while the last submission (or the start, before
  /// the first one) is at most healthWindowMs old.
  health() {
    const since = this.lastSubmittedAt ?? this.startedAt;
    const healthy = this.now() - since <= this.healthWindowMs;
    return {
      healthy,
      body: {
        lastPrice: this.lastPrice === undefined ? null : formatPrice(this.lastPrice),
        lastBlock: this.lastBlock ?? null,
        lastSubmittedAt:
          this.lastSubmittedAt === undefined ? null : new Date(this.lastSubmittedAt).toISOString(),
        ...(healthy
          ? {}
          : {
              error: `nothing submitted for more than ${Math.round(this.healthWindowMs / 1000)} s`,
            }),
      },
    };
  }
}

/// Serves /metrics and /health on host:port; resolves with the listening server.
export function serveMetrics(metrics, { host, port }) {
  return serveHttp({ render: () => metrics.render(), health: () => metrics.health(), host, port });
}
