/* Generated from schemas/rollout.v1.schema.json by `npm run gen:types`. Do not edit by hand. */

/**
 * A lowercase identifier: letters, digits, '.', '_' or '-', starting and ending with a letter or digit, at most 64 characters.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "id".
 */
export type Id = string;
/**
 * read: can only read; write: can create or change; admin: can change permissions, delete or administer.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "access".
 */
export type Access = 'read' | 'write' | 'admin';
/**
 * A command as an argument vector, run without a shell: ["./scripts/revoke.sh", "zendesk-ro"]. Paths are relative to the manifest's folder.
 *
 * @minItems 1
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "argv".
 */
export type Argv = [string, ...string[]];
/**
 * A Prometheus-style duration: a number and a unit (ms, s, m, h, d, w, y), e.g. 30s, 10m, 12h, 7d, 2w, or a sum such as 1h30m; at most 100 years.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "duration".
 */
export type Duration = string;
/**
 * A share from 0 to 1, e.g. 0.95.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "rate".
 */
export type Rate = number;
/**
 * When set, a category passes only when the lower bound of the two-sided Wilson score interval of its pass rate, at this confidence (e.g. 0.95), reaches minPassRate; unset, the observed rate must.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "confidence".
 */
export type Confidence = number;
/**
 * The name of a signal in metrics.signals: letters, digits and '_', e.g. security_events.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "signalName".
 */
export type SignalName = string;
/**
 * observe: policy controls log what they would block but allow it; enforce: they log and block. A stage whose audience reaches 100% must enforce.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "governanceMode".
 */
export type GovernanceMode = 'observe' | 'enforce';

/**
 * One rollout.json per AI agent: what the agent is and holds (inventory), how it is guarded, how it is measured, the stages it is rolled out through with their go/no-go criteria, how it is rolled back, and where the rollout stands now (state).
 */
export interface Manifest {
  /**
   * Where editors find this schema, e.g. "../schemas/rollout.v1.schema.json" or the schema's $id.
   */
  $schema?: string;
  /**
   * The manifest format version. This agent-rollout reads version 1.
   */
  version: 1;
  agent: Agent;
  inventory: Inventory;
  guardrails?: Guardrails;
  metrics?: Metrics;
  /**
   * The rollout stages in order, e.g. internal-pilot, limited-beta, general-availability. Each declares its audience, its privileges and the exit criteria to pass before the next stage.
   *
   * @minItems 1
   */
  stages: [Stage, ...Stage[]];
  rollback?: Rollback;
  notify?: Notify;
  state: State;
}
/**
 * The agent being rolled out and who answers for it.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "agent".
 */
export interface Agent {
  id: Id;
  /**
   * A human-readable name.
   */
  name: string;
  /**
   * What the agent does, in a sentence or two.
   */
  description?: string;
  /**
   * The team accountable for the agent.
   */
  owner: string;
  /**
   * How to reach the owner during an incident: an email address, a channel or a pager rotation.
   */
  contact?: string;
  /**
   * The model the agent runs on, e.g. provider/model-name.
   */
  model?: string;
  /**
   * The agent's own version (its code, tools and configuration), e.g. 2026.12.1. Refusal test evidence is bound to it: a run recorded for another version does not count.
   */
  version?: string;
  /**
   * Path of the agent's system prompt, relative to the manifest and inside its folder. Refusal test evidence is bound to its content: a run recorded before the prompt changed does not count.
   */
  promptFile?: string;
}
/**
 * What the agent holds and can reach: credentials, tools, data classes, trigger paths and the cost envelope. The baseline for least privilege and for monitoring.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "inventory".
 */
export interface Inventory {
  /**
   * Every API key, token or service account the agent holds, and how each is revoked.
   */
  credentials: Credential[];
  /**
   * Every MCP server, API, database or file system the agent can reach.
   */
  tools: Tool[];
  /**
   * The categories of data the agent can read or write (pii, financial, internal-docs...).
   */
  dataClasses: DataClass[];
  /**
   * How the agent is invoked: webhook, schedule, user action, another agent, a queue or an API call.
   */
  triggers: Trigger[];
  costEnvelope?: CostEnvelope;
}
/**
 * A credential the agent holds. The manifest names where the secret lives (secretRef), never the secret.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "credential".
 */
export interface Credential {
  id: Id;
  /**
   * What sort of credential this is.
   */
  kind:
    | 'api-token'
    | 'oauth-client'
    | 'service-account'
    | 'cloud-role'
    | 'database-user'
    | 'ssh-key'
    | 'certificate'
    | 'other';
  /**
   * What the credential is for.
   */
  description?: string;
  /**
   * Where the secret is kept: env:NAME, vault:path, op://vault/item/field or file:path. Never the secret itself.
   */
  secretRef?: string;
  /**
   * The permissions the credential grants, e.g. tickets:read. A scope whose last segment is write, create, update, edit, post, send or publish counts as write access; admin, delete, manage, owner, root, all or * as admin.
   */
  scopes?: string[];
  access?: Access;
  /**
   * Who issues and can revoke the credential, e.g. it-security.
   */
  owner?: string;
  /**
   * Whether this credential can be revoked without revoking credentials other systems depend on.
   */
  independentlyRevocable?: boolean;
  /**
   * How this credential is revoked: a command, a runbook, or both.
   */
  revoke?: {
    run?: Argv;
    /**
     * A path or URL of the written procedure.
     */
    runbook?: string;
  };
}
/**
 * Something the agent can call.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "tool".
 */
export interface Tool {
  id: Id;
  /**
   * What sort of tool this is.
   */
  kind: 'mcp-server' | 'http-api' | 'database' | 'filesystem' | 'queue' | 'agent' | 'function' | 'other';
  /**
   * What the agent uses the tool for.
   */
  description?: string;
  /**
   * Where the tool is: a URL, a host or a path.
   */
  endpoint?: string;
  credential?: Id;
  access: Access;
  /**
   * The ids of the data classes reachable through this tool. An empty list says it reaches none; leaving it out means unknown.
   */
  dataClasses?: Id[];
}
/**
 * A category of data the agent can read or write.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "dataClass".
 */
export interface DataClass {
  id: Id;
  /**
   * Whether the agent reads, writes, or reads and writes this class.
   */
  access: 'read' | 'write' | 'read-write';
  /**
   * Whether output must be inspected for this class. pii, financial, credentials and health are sensitive unless this says false.
   */
  sensitive?: boolean;
  /**
   * What falls in this class.
   */
  description?: string;
}
/**
 * One way the agent is invoked.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "trigger".
 */
export interface Trigger {
  id?: Id;
  /**
   * webhook, schedule, user-action, agent (invoked by another agent), queue or api.
   */
  kind: 'webhook' | 'schedule' | 'user-action' | 'agent' | 'queue' | 'api';
  /**
   * What fires the trigger, e.g. zendesk:ticket.created, or the calling agent's id.
   */
  source?: string;
  /**
   * For a schedule: a five-field cron expression, e.g. 0 * * * *.
   */
  cron?: string;
  /**
   * Who owns the triggering system; required in practice for a trigger from another agent.
   */
  owner?: string;
  /**
   * What the trigger does.
   */
  description?: string;
}
/**
 * The expected cost of one invocation and the expected volume at full rollout; the baseline that cost criteria and spend limits are checked against.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "costEnvelope".
 */
export interface CostEnvelope {
  /**
   * Expected model tokens (input plus output) per invocation.
   */
  tokensPerInvocation?: number;
  /**
   * Expected tool and API calls per invocation.
   */
  apiCallsPerInvocation?: number;
  /**
   * Expected cost of one invocation in US dollars.
   */
  usdPerInvocation?: number;
  /**
   * Expected invocations per day at 100% audience.
   */
  invocationsPerDay?: number;
}
/**
 * Input and output inspection and behaviour boundaries, in place before the first user.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "guardrails".
 */
export interface Guardrails {
  /**
   * What happens to inputs that carry prompt injection, credentials or PII.
   */
  input?: {
    /**
     * Action on a detected prompt-injection attempt.
     */
    promptInjection?: 'block' | 'log' | 'off';
    /**
     * Action on an input that carries a credential.
     */
    credentials?: 'block' | 'redact' | 'log' | 'off';
    /**
     * Action on an input that carries personal data.
     */
    pii?: 'block' | 'redact' | 'log' | 'off';
  };
  /**
   * Which data classes responses are checked for before they leave the agent, and what happens on a match.
   */
  output?: {
    /**
     * Ids of the data classes output inspection looks for.
     */
    dataClasses: Id[];
    /**
     * What happens to a response that carries one of these classes.
     */
    action: 'block' | 'redact' | 'log';
  };
  /**
   * What the agent must refuse, and the test cases that prove the refusals fire.
   */
  boundaries?: {
    /**
     * Requests the agent must refuse, in words.
     */
    refuse?: string[];
    /**
     * A JSON-lines file of cases and how to ask the agent: a command that reads the input on stdin, or an HTTP endpoint that takes a POST of {"input"}.
     */
    tests?: {
      /**
       * Path of the JSON-lines case file, relative to the manifest.
       */
      cases: string;
      run?: Argv;
      /**
       * An endpoint that takes a POST of {"input"} and answers {"decision": ..., "reason": ...}.
       */
      http?: {
        /**
         * The endpoint's URL.
         */
        url: string;
        headers?: EnvHeaders;
      };
      timeout?: Duration;
      /**
       * How many cases run at once; default 4.
       */
      concurrency?: number;
      minPassRate?: Rate;
      confidence?: Confidence;
      maxOverRefusal?: Rate;
      /**
       * minPassRate, confidence and maxOverRefusal for a category of the cases file, overriding the suite's.
       */
      categories?: {
        [k: string]: PassRatePolicy | undefined;
      };
    };
  };
}
/**
 * HTTP headers whose values are read from environment variables at run time, e.g. {"Authorization": "env:PROM_AUTH_HEADER"}. The value is never stored in the manifest.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "envHeaders".
 */
export interface EnvHeaders {
  [k: string]: string | undefined;
}
/**
 * How many attempts of a category must pass, and how many benign cases it may refuse.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "passRatePolicy".
 */
export interface PassRatePolicy {
  minPassRate?: Rate;
  confidence?: Confidence;
  maxOverRefusal?: Rate;
}
/**
 * Where the gate reads its evidence: named sources, the signals queried from them, and the alerts that pause a rollout.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "metrics".
 */
export interface Metrics {
  /**
   * Metric sources by name.
   */
  sources?: {
    [k: string]: Source | undefined;
  };
  /**
   * The versions of the conventions the signals' metric names follow, e.g. {"openTelemetry": "1.37.0"}: the OpenTelemetry GenAI conventions are still in development, so the version the queries were written for is pinned here.
   */
  semanticConventions?: {
    /**
     * The version of the OpenTelemetry semantic conventions, e.g. 1.37.0.
     */
    openTelemetry?: string;
  };
  /**
   * USD per million tokens, per model (as gen_ai.request.model names it), input and output. $tokenCost in a prometheus query becomes the cost of the tokens over the window: gen_ai.client.token.usage per model and token type times these prices.
   */
  tokenPrices?: {
    [k: string]:
      | {
          /**
           * USD per million input tokens.
           */
          input: number;
          /**
           * USD per million output tokens.
           */
          output: number;
        }
      | undefined;
  };
  sampleSignal?: SignalName;
  /**
   * Named measurements. $window in a query, path, body or argument is replaced by the evaluation window, e.g. 7d.
   */
  signals?: {
    [k: string]: Signal | undefined;
  };
  /**
   * Thresholds that should page or pause the rollout between gates; exported as Prometheus alerting rules.
   */
  alerts?: Alert[];
}
/**
 * A Prometheus server, an HTTP endpoint that returns JSON, or a command that prints a number.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "source".
 */
export interface Source {
  /**
   * prometheus, http or command.
   */
  type: 'prometheus' | 'http' | 'command';
  /**
   * prometheus: the server's base URL, e.g. http://127.0.0.1:9090; http: the base URL that a signal's path is appended to.
   */
  url?: string;
  headers?: EnvHeaders;
  run?: Argv;
  timeout?: Duration;
}
/**
 * One measurement read from a source: a PromQL query, a JSON pointer into an HTTP response, or a command's arguments.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "signal".
 */
export interface Signal {
  source: Id;
  /**
   * For a prometheus source: the query; $window is replaced by the evaluation window.
   */
  query?: string;
  /**
   * For an http source: appended to the source's URL. $window, $start and $end (RFC 3339), $startEpoch and $endEpoch (seconds), $startMs and $endMs (milliseconds) are replaced, URL-encoded.
   */
  path?: string;
  /**
   * For an http source: where the number is in the response, e.g. /data/value; or where a [[seconds, value], ...] series is.
   */
  pointer?: string;
  /**
   * For an http source that answers with separate arrays (Datadog): where the times are, in milliseconds since the epoch; give valuesPointer with it instead of pointer.
   */
  timesPointer?: string;
  /**
   * For an http source that answers with separate arrays: where the values beside timesPointer's times are; the last one is the signal's value.
   */
  valuesPointer?: string;
  /**
   * For an http source: GET (the default) or POST.
   */
  method?: 'GET' | 'POST';
  /**
   * For an http source with method POST: the JSON request body. The placeholders of path are replaced in it, JSON-escaped; it must be JSON after that.
   */
  body?:
    | string
    | {
        [k: string]: unknown | undefined;
      };
  /**
   * For an http source: a path, requested with GET by signals check only (never by the gate), whose answer is grouped by the attribution label, e.g. the same query with Datadog's by {trigger} or a Langfuse dimension on userId. The signal's own path asks for one aggregate number, which grouping would split; this is where the attribution shows. Placeholders as in path.
   */
  attributionPath?: string;
  /**
   * For an http source whose answer writes numbers as strings (Langfuse's metrics API: "count_count": "10"): a string holding a decimal number is read as that number. Off by default: a string is not a number.
   */
  stringNumbers?: boolean;
  /**
   * For a command source: arguments appended to its command; $window is replaced.
   */
  args?: string[];
  /**
   * What the number counts, shown in reports, e.g. USD, ratio, events.
   */
  unit?: string;
  /**
   * What the signal measures.
   */
  description?: string;
  /**
   * What the signal measures, for the coverage the practice requires before leaving the first stage: cost-per-invocation, cost-per-session, tool-calls, tool-latency, guardrail-triggers, errors, refusals, policy-blocks, invocations or other.
   */
  measures?:
    | 'cost-per-invocation'
    | 'cost-per-session'
    | 'tool-calls'
    | 'tool-latency'
    | 'guardrail-triggers'
    | 'errors'
    | 'refusals'
    | 'policy-blocks'
    | 'invocations'
    | 'other';
  /**
   * The label (or field) that attributes what the signal counts to the triggering user, workflow or integration, e.g. user_id.
   */
  attribution?: string;
}
/**
 * A threshold on a signal that should pause the rollout or page someone between gates.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "alert".
 */
export interface Alert {
  id?: Id;
  signal: SignalName;
  /**
   * Alert when the signal is above this.
   */
  max?: number;
  /**
   * Alert when the signal is below this.
   */
  min?: number;
  for?: Duration;
  /**
   * pause the rollout (blocks advance), disable the agent (the kill switch, applied by `agent-rollout guard` when this alert fires), page the owner, or notify.
   */
  action: 'pause' | 'disable' | 'page' | 'notify';
  /**
   * The alert's severity label.
   */
  severity?: 'critical' | 'warning' | 'info';
  /**
   * What the alert means and what to do.
   */
  description?: string;
}
/**
 * One step of the rollout: who is exposed, with what privileges, and the evidence needed to move on.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "stage".
 */
export interface Stage {
  id: Id;
  /**
   * Who and what the stage covers, in words.
   */
  description?: string;
  audience: Audience;
  /**
   * Ids of the inventory credentials the agent holds in this stage (least privilege per stage). Left out or empty: the agent holds no credential in this stage.
   */
  credentials?: Id[];
  /**
   * Which data the agent works on in this stage: none, synthetic, staging, a read-only replica of production, or production.
   */
  dataAccess?: 'none' | 'synthetic' | 'staging' | 'read-only-replica' | 'production';
  /**
   * The per-agent spend cap in this stage.
   */
  spendLimit?: {
    /**
     * Maximum spend per day in US dollars.
     */
    usdPerDay?: number;
    /**
     * Maximum model tokens per day.
     */
    tokensPerDay?: number;
  };
  governanceMode: GovernanceMode;
  minDuration?: Duration;
  /**
   * The sample signal must count at least this many invocations over the evaluation window.
   */
  minSamples?: number;
  /**
   * The go/no-go criteria to pass before advancing past this stage.
   */
  exitCriteria?: Criterion[];
}
/**
 * Who reaches the agent in a stage: named orgs and users, a percentage of the target population, or both.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "audience".
 */
export interface Audience {
  /**
   * Organizations (or teams) that have the agent.
   */
  orgs?: string[];
  /**
   * Individual users, e.g. email addresses.
   */
  users?: string[];
  /**
   * Share of the target users or workloads, 0 to 100.
   */
  percent?: number;
  /**
   * The expected volume in this stage, for a named audience that has no percent; used with the cost envelope to check the spend limit.
   */
  invocationsPerDay?: number;
}
/**
 * One go/no-go check: a signal against max and/or min, a signal within a percentage of a manifest value, a recent passing rollback drill, or a recent passing, current refusal test run.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "criterion".
 */
export interface Criterion {
  id: Id;
  /**
   * Why the criterion matters.
   */
  description?: string;
  signal?: SignalName;
  /**
   * Passes when the observed value is at most this (inclusive).
   */
  max?: number;
  /**
   * Passes when the observed value is at least this (inclusive).
   */
  min?: number;
  /**
   * Passes when the observed value is within this many percent of the value that "of" points to.
   */
  withinPercent?: number;
  /**
   * A dotted path to a number in this manifest, e.g. inventory.costEnvelope.usdPerInvocation.
   */
  of?: string;
  for?: Duration;
  /**
   * Passes when a rollback drill of the current rollback section passed within this period.
   */
  drill?: {
    passedWithin: Duration;
  };
  /**
   * Passes when `agent-rollout guardrails test` passed within this period against the agent, guardrails section and cases as they are now.
   */
  guardrails?: {
    passedWithin: Duration;
  };
  /**
   * Reported but does not decide the verdict.
   */
  observe?: boolean;
}
/**
 * How the agent is switched off and its credentials revoked, how that is verified, and the window it must fit in. Drilled with agent-rollout drill.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "rollback".
 */
export interface Rollback {
  window: Duration;
  /**
   * The rollback steps, in order.
   *
   * @minItems 1
   */
  steps: [Step, ...Step[]];
  /**
   * Probes that prove the agent is off and nothing downstream broke.
   */
  verify?: Probe[];
  /**
   * Steps that put a drill environment back after the drill.
   */
  restore?: Step[];
}
/**
 * One step of the rollback: a command (run, with a timeout) or a manual instruction the operator confirms.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "step".
 */
export interface Step {
  id: Id;
  /**
   * What the step does.
   */
  description?: string;
  run?: Argv;
  /**
   * Run the command through a shell. Off by default, so $(...) in an argument stays literal.
   */
  shell?: boolean;
  /**
   * An instruction for the operator, who confirms when it is done.
   */
  manual?: string;
  credential?: Id;
  timeout?: Duration;
  /**
   * Variables added to the command's environment.
   */
  env?: {
    [k: string]: string | undefined;
  };
}
/**
 * A check that the rollback took effect: a command or an HTTP request, and what it must return.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "probe".
 */
export interface Probe {
  id: Id;
  /**
   * What the probe proves.
   */
  description?: string;
  run?: Argv;
  /**
   * A request whose status and body are checked.
   */
  http?: {
    /**
     * The URL to request.
     */
    url: string;
    /**
     * GET by default.
     */
    method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
    headers?: EnvHeaders;
    /**
     * A request body to send.
     */
    body?: string;
  };
  /**
   * What the probe must observe.
   */
  expect: {
    /**
     * The command's expected exit code.
     */
    exitCode?: number;
    /**
     * A substring the command's output must contain, or /regex/.
     */
    stdout?: string;
    /**
     * The expected status, or a list of acceptable ones (e.g. [401, 403] for a revoked token).
     *
     * @minItems 1
     */
    status?: number | [number, ...number[]];
    /**
     * A substring the response body must contain, or /regex/.
     */
    body?: string;
  };
  timeout?: Duration;
  /**
   * How many more attempts after a failed one, for a change that takes time to propagate.
   */
  retries?: number;
  interval?: Duration;
}
/**
 * Where rollout events are announced (a chat webhook, an incident tool): each sink gets the events it lists, after the change is committed. A failed delivery is reported, never blocks or undoes the change.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "notify".
 */
export interface Notify {
  /**
   * The webhooks to call.
   *
   * @minItems 1
   */
  sinks: [NotifySink, ...NotifySink[]];
}
/**
 * One webhook: where (url, or env:NAME when the URL is itself a secret, as a Slack webhook URL is), in which format, for which events.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "notifySink".
 */
export interface NotifySink {
  id: Id;
  /**
   * An http(s) URL, or env:NAME to read it from the environment at run time (a Slack webhook URL is a secret).
   */
  url: string;
  /**
   * slack: a Slack incoming-webhook message ({"text": ...}); json: the event as JSON.
   */
  format: 'slack' | 'json';
  /**
   * The events sent to this sink: advance, rollback, pause, resume, enable, disable, org, mode, gate (a recorded gate that is no-go or inconclusive), drill (a failed drill), guard (every guard decision).
   *
   * @minItems 1
   */
  events: [
    (
      | 'advance'
      | 'rollback'
      | 'pause'
      | 'resume'
      | 'enable'
      | 'disable'
      | 'org'
      | 'mode'
      | 'gate'
      | 'drill'
      | 'guard'
    ),
    ...(
      | 'advance'
      | 'rollback'
      | 'pause'
      | 'resume'
      | 'enable'
      | 'disable'
      | 'org'
      | 'mode'
      | 'gate'
      | 'drill'
      | 'guard'
    )[]
  ];
  headers?: EnvHeaders;
  timeout?: Duration;
}
/**
 * Where the rollout stands. Changed by agent-rollout commands, each change with an audit entry.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "state".
 */
export interface State {
  /**
   * The global kill switch: false turns the agent off everywhere.
   */
  enabled: boolean;
  stage: Id;
  /**
   * When the rollout entered the current stage (RFC 3339).
   */
  since?: string;
  governanceMode?: GovernanceMode;
  /**
   * A pause in force; it blocks advancing.
   */
  paused?: {
    /**
     * Why the rollout is paused.
     */
    reason: string;
    /**
     * When it was paused (RFC 3339).
     */
    at: string;
    /**
     * Who paused it.
     */
    by?: string;
  };
  /**
   * Per-organization overrides of enabled and governanceMode.
   */
  orgs?: {
    [k: string]: OrgState | undefined;
  };
}
/**
 * An override of the global state for one organization.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "orgState".
 */
export interface OrgState {
  /**
   * Whether the agent is on for this organization.
   */
  enabled?: boolean;
  governanceMode?: GovernanceMode;
}
