import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics probe at scrape time; each is optional until the server's state is open. */
export interface MetricsProbes {
  /** Answers being streamed now. */
  activeStreams(): number;
  /** Asks the database once; `up` or `down`. */
  database?(): Promise<'up' | 'down'>;
  /** Asks Redis once; `unused` when the server does not use Redis. */
  redis?(): Promise<'up' | 'down' | 'unused'>;
}

/**
 * A server's Prometheus metrics, in a registry of its own (never prom-client's global one, so
 * several servers in one process keep separate counts). Every label has a bounded set of values:
 * app ids come from the app store, reasons and results from the contract's codes, budgets from
 * the server's own names, routes are route patterns; no visitor id or raw path is ever a label.
 */
export interface ServerMetrics {
  registry: Registry;
  /** `inkeep_sessions_issued_total{kind,app}`: `anonymous` or `user` (signed-in) sessions. */
  sessionsIssued: Counter<'kind' | 'app'>;
  /** `inkeep_sessions_refused_total{kind,reason}`: the problem code of the refusal. */
  sessionsRefused: Counter<'kind' | 'reason'>;
  /** `inkeep_pow_verifications_total{result}`: `ok` or the refusal's code. */
  powVerifications: Counter<'result'>;
  /** `inkeep_rate_limit_refusals_total{budget}`: the budget that refused. */
  rateLimitRefusals: Counter<'budget'>;
  /** `inkeep_chat_requests_total{app,status}`: chat requests by app (`none` for keys) and status. */
  chatRequests: Counter<'app' | 'status'>;
  /** `inkeep_upstream_errors_total`: the model upstream failed while answering. */
  upstreamErrors: Counter;
  /** `inkeep_http_requests_total{method,route,status}`: every request, by route pattern. */
  httpRequests: Counter<'method' | 'route' | 'status'>;
  /** `inkeep_time_to_first_token_seconds`: from the question stored to the first piece of answer. */
  timeToFirstToken: Histogram;
  /** `inkeep_stream_duration_seconds`: from the question stored to the answer stored. */
  streamDuration: Histogram;
  /** The Prometheus text of every metric (probes the engines once). */
  render(): Promise<string>;
  /** The content type of {@link ServerMetrics.render}'s text. */
  contentType: string;
}

const streamBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

/**
 * Builds a server's metrics; `probes` are read at scrape time (active streams, engine latency).
 * @example
 * const metrics = createMetrics({ activeStreams: () => drain.activeStreams });
 * metrics.sessionsIssued.inc({ app: 'app_demo' });
 * const text = await metrics.render();
 */
export function createMetrics(probes: MetricsProbes): ServerMetrics {
  const registry = new Registry();
  const registers = [registry];
  const metrics = {
    registry,
    sessionsIssued: new Counter({
      name: 'inkeep_sessions_issued_total',
      help: 'Sessions issued, by kind (anonymous, user) and app',
      labelNames: ['kind', 'app'] as const,
      registers,
    }),
    sessionsRefused: new Counter({
      name: 'inkeep_sessions_refused_total',
      help: 'Session requests refused, by kind (anonymous, user) and problem code',
      labelNames: ['kind', 'reason'] as const,
      registers,
    }),
    powVerifications: new Counter({
      name: 'inkeep_pow_verifications_total',
      help: 'Proof-of-work solutions checked, by result (ok or the refusal code)',
      labelNames: ['result'] as const,
      registers,
    }),
    rateLimitRefusals: new Counter({
      name: 'inkeep_rate_limit_refusals_total',
      help: 'Requests refused with 429 rate_limit_exceeded, by the budget that refused',
      labelNames: ['budget'] as const,
      registers,
    }),
    chatRequests: new Counter({
      name: 'inkeep_chat_requests_total',
      help: 'Chat requests (both protocols), by app (none for API keys) and HTTP status',
      labelNames: ['app', 'status'] as const,
      registers,
    }),
    upstreamErrors: new Counter({
      name: 'inkeep_upstream_errors_total',
      help: 'Answers the model upstream failed to give',
      registers,
    }),
    httpRequests: new Counter({
      name: 'inkeep_http_requests_total',
      help: 'HTTP requests, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    timeToFirstToken: new Histogram({
      name: 'inkeep_time_to_first_token_seconds',
      help: 'Time from the question stored to the first piece of the answer',
      buckets: streamBuckets,
      registers,
    }),
    streamDuration: new Histogram({
      name: 'inkeep_stream_duration_seconds',
      help: 'Time from the question stored to the answer stored (finished, failed or stopped)',
      buckets: streamBuckets,
      registers,
    }),
    contentType: registry.contentType,
    render: async () => {
      await probeEngines();
      return registry.metrics();
    },
  } satisfies ServerMetrics;
  new Gauge({
    name: 'inkeep_active_streams',
    help: 'Answers being streamed now',
    registers,
    collect() {
      this.set(probes.activeStreams());
    },
  });
  const up = new Gauge({
    name: 'inkeep_engine_up',
    help: 'Whether an engine answered its probe at scrape time (1) or not (0); redis only when used',
    labelNames: ['engine'] as const,
    registers,
  });
  const latency = new Gauge({
    name: 'inkeep_engine_latency_seconds',
    help: 'How long an engine took to answer its probe at scrape time (absent when it did not)',
    labelNames: ['engine'] as const,
    registers,
  });
  // Probed before the registry is read (its metrics are read in parallel, so a collect() of one
  // gauge could not set the other in time).
  const probeEngines = async () => {
    up.reset();
    latency.reset();
    await Promise.all(
      (['database', 'redis'] as const).map(async (engine) => {
        const probe = engine === 'database' ? probes.database : probes.redis;
        if (!probe) return;
        const started = performance.now();
        const state = await probe().catch(() => 'down' as const);
        if (state === 'unused') return;
        up.set({ engine }, state === 'up' ? 1 : 0);
        if (state === 'up') latency.set({ engine }, (performance.now() - started) / 1000);
      }),
    );
  };
  return metrics;
}
