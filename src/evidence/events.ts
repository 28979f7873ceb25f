/**
 * The evidence events: one JSON object per line of a run's evidence log (log.ts), appended as things happen.
 * Cases are evaluated over these events and every report is rendered from them, so `hanbench report
 * <evidence>` re-creates a run's results. This layer sits at the bottom: every other layer writes these
 * events, and it imports nothing of the project above src/zcl.
 *
 * Values in events are JSON-safe: bigints become decimal strings, Buffers become hex strings.
 * Keys (network key, install codes, link keys) never go into evidence.
 */

/** The role of a hub-side Smart Energy server endpoint. */
export type EndpointRole = "gpf" | "esme";

/** Fields common to every event. */
export interface EventBase {
  /** Position in the log, from 1. */
  seq: number;
  /** Hub time (ISO-8601, UTC). */
  t: string;
  /** Wall-clock time (ISO-8601, UTC). */
  wall: string;
}

/** The run itself: written first. */
export interface RunEvent {
  kind: "run";
  tool: string;
  version: string;
  mode: "virtual" | "bench";
  seed: number;
  /** Hub parameters without keys: channel, panId, extendedPanId, hub IEEE, endpoints of GPF and ESME. */
  hub: Record<string, unknown>;
  /** Baseline of the suite (specification versions). */
  baseline: Record<string, string>;
  /** Detection window in hub ms. */
  windowMs: number;
  duts: DutDeclaration[];
  /** Devices other than the DUTs that the hub admits on purpose (the ESME when it is a node of its own). */
  admitted?: { label: string; ieee: string }[];
  // Provenance (docs/reports.md): where a report's verdicts come from. Kept in the run event so that
  // `hanbench report` re-renders it from the log alone; absent in logs written before it existed.
  /** Names this run in every report: `hb-<start, compact UTC>-<8 hex digits>`. */
  reportId?: string;
  build?: BuildInfo;
  /** zigbee-herdsman's version (package.json of the copy that ran). */
  herdsman?: string;
  /** The suite version the cases implement (cot-suite.md "version N"). */
  suiteVersion?: string;
  /** Where `baseline` was read from, when it was a file (absent: the baseline built into hanbench). */
  baselineFile?: string;
  /** Hub endpoint layout (cot-suite.md "Actors and hub topology"): `default` or `silabs`. */
  endpointLayout?: string;
  coordinator?: CoordinatorInfo;
  lab?: LabInfo;
  /** Departures from the suite's topology or procedure in this run (single-dongle ESME …). */
  deviations?: string[];
  /** What hanbench cannot do yet and that applied to this run (no APS security …). */
  limitations?: string[];
  /** The lab's requirements map given at run time (docs/reports.md), as validated. */
  requirements?: RequirementsMap;
  /**
   * Smart Energy security of the run: `cbke` (the hub runs Key Establishment with its certificate, whose
   * issuer id is given, and secures SE traffic to keyed devices) or `off`. Absent: off.
   */
  security?: { mode: "cbke" | "off"; issuer?: string };
  /** Set when the log is a `hanbench serve` session (devices and CoTs came from a person at the console). */
  session?: "serve";
  /**
   * The cases selected with `--cases` (what was asked, the cases in suite order, the suite's other cases) and
   * the plan's phases walked and skipped. Absent: every case and phase. Reports show only the selected cases.
   */
  /**
   * `--window auto`: each DUT's window is learned in the baseline (`window` events) as `factor` × its slowest
   * poll interval, between `floorMs` and `ceilingMs` (= `windowMs`, which a DUT that was not seen polling keeps).
   */
  windowAuto?: { factor: number; floorMs: number; ceilingMs: number };
  selection?: { asked: string; cases: string[]; notSelected: string[]; phases: string[]; skippedPhases: string[] };
}

/**
 * A device declared after the run event: in a `hanbench serve` session the Device Log changes while it runs,
 * so a device under test (`dut`) or a device the hub admits on purpose (`admitted`, a meter) is declared when
 * it is added. The cases see them as if the run event had listed them (cluster-cot `runOf`).
 */
export interface DeclaredEvent {
  kind: "declared";
  dut?: DutDeclaration;
  admitted?: { label: string; ieee: string };
}

/** A lab's requirements map (docs/reports.md): case id → the clauses it checks. */
export interface RequirementsMap {
  /** The file it was read from. */
  file?: string;
  /** The map's own title, if it has one. */
  name?: string;
  cases: Record<string, RequirementEntry>;
}

export interface RequirementEntry {
  clauses: { id: string; text?: string }[];
  /** For an `interpretation` case: the lab confirms hanbench's reading, or holds the case not applicable. */
  interpretation?: "confirm" | "not_applicable";
}

/** Which hanbench ran: its version, and the git commit when it was built from (or ran in) a checkout. */
export interface BuildInfo {
  version: string;
  /** Full commit id. */
  commit?: string;
  /** The checkout had changes not committed. */
  dirty?: boolean;
  /** When dist/ was built (ISO), if the code ran from dist/. */
  builtAt?: string;
  /** `dist` (built), `source` (src/ through the TypeScript loader). */
  from?: "dist" | "source";
}

/** The coordinator as the run found it. */
export interface CoordinatorInfo {
  /** herdsman adapter type (`zstack`). */
  adapter: string;
  /** Serial path or tcp:// URL. */
  port?: string;
  /** What the dongle reports (herdsman getCoordinatorVersion): firmware `type` and its `meta` (revision …). */
  type?: string;
  meta?: Record<string, unknown>;
  /** The coordinator's IEEE address (the hub's). */
  ieee?: string;
  /** `type` and `meta` in one line, e.g. `ZStack3x0 revision 20240710 (2.7.1)`. */
  firmware?: string;
  channel?: number;
  panId?: string;
  extendedPanId?: string;
}

/** Who ran the test and what they noted (`--lab`, `--operator`, `--note`, or a bench file). */
export interface LabInfo {
  lab?: string;
  operator?: string;
  notes?: string[];
  /** The bench file these came from, if any. */
  benchFile?: string;
}

export interface DutDeclaration {
  /** e.g. `ihd:keeps-history`, or the label of a DUT file. */
  label: string;
  kind: "ihd" | "ppmid";
  /** EUI-64 as 16 lower-case hex digits with 0x prefix (herdsman's form). */
  ieee: string;
  /** Behaviour profile (virtual) or DUT file path (bench). */
  profile?: string;
  dutFile?: string;
  firmware?: string;
  /** IHDTS / PPMIDTS version the device claims, e.g. "5.0". */
  claims?: string;
  /** What the device declares it never shows (a PPMID without consumption history): its clear case does not apply. */
  neverShows?: ShownCategory[];
  /** What the declaration says the device's Basic cluster reports (compared with what it does). */
  manufacturer?: string;
  model?: string;
  hardwareVersion?: number;
  dateCode?: string;
  /** An IHD that declares it does CBKE (a PPMID, Type 1, always does). */
  cbke?: boolean;
  probe: "virtual" | "console" | "operator";
}

/** What a DUT file can declare a device never shows. */
export type ShownCategory = "consumption" | "messages";

export interface PhaseEvent {
  kind: "phase";
  name: string;
  state: "start" | "end";
  detail?: string;
  /**
   * On `end`: why the phase ended. `complete`: every wait of it ended as soon as the evidence its cases need
   * was there for every DUT (a phase without waits ends when its steps are done); `window`: a wait ran its
   * whole length (the cases need it, or the evidence did not come). Absent in logs from before it existed.
   */
  ended?: "complete" | "window";
}

/** A ZCL frame that went over the HAN between a device and the hub (either direction). */
export interface ZclEvent {
  kind: "zcl";
  /** `in`: device → hub. `out`: hub → device. */
  dir: "in" | "out";
  /** The device's IEEE address. */
  device: string;
  nwk: number;
  /** Device endpoint. */
  deviceEp: number;
  /** Hub endpoint the frame was addressed to (in) or sent from (out). */
  hubEp: number;
  /** Which hub server the hub endpoint is, if it is one of them. */
  role?: EndpointRole;
  profileId?: number;
  clusterId: number;
  cluster?: string;
  frameType: "global" | "specific";
  direction: "clientToServer" | "serverToClient";
  tsn: number;
  commandId: number;
  command: string;
  /**
   * Decoded payload (JSON-safe). A Read Attributes frame carries the attribute ids (`ReadAttributesPayload`,
   * read back with zcl-event.ts `readAttributeIds`); other frames the fields their decoder gave.
   */
  payload?: unknown;
  /**
   * What a device's frame (`in`) holds that the ZCL or SE specification does not allow (src/zcl's
   * ZclViolation: field, byte offset, what); absent when nothing, or when src/zcl cannot decode the frame.
   */
  violations?: { field: string; offset: number; what: string }[];
  /** The ZCL frame bytes, hex. */
  raw: string;
  /**
   * Whether the frame went with APS security (a link key), where the coordinator says so (Z-Stack
   * AF_INCOMING_MSG SecurityUse for `in`, the AF security option for `out`); absent when unknown.
   */
  apsSecured?: boolean;
}

/** The payload of a Read Attributes ZclEvent: the attribute ids asked for, in order. */
export type ReadAttributesPayload = readonly number[];

/**
 * A value the hub served to a device (or pushed to every device: device `*`). `item` names what was served:
 * an attribute name (`previousDayConsumptionDelivered`), a command field (`getProfileResponse.intervals[3]`,
 * `displayMessage.messageId`). A figure of a period (consumption or cost of a day, week, month, half-hour)
 * carries the period, [period, periodEnd): cot-suite.md "Attribution" sorts what a device holds by it.
 */
export interface ServedEvent {
  kind: "served";
  device: string;
  role: EndpointRole;
  clusterId: number;
  item: string;
  value: unknown;
  /** Start of the period the value is the figure of (ISO). */
  period?: string;
  /** End of that period (ISO, exclusive); a running period ends in the future. */
  periodEnd?: string;
}

export interface JoinEvent {
  kind: "join";
  device: string;
  nwk: number;
  accepted: boolean;
  reason: string;
}

export interface LeaveEvent {
  kind: "leave";
  device: string;
  reason?: string;
}

export interface InterviewEvent {
  kind: "interview";
  device: string;
  status: "started" | "successful" | "failed";
}

/**
 * What a device's Basic cluster (0x0000) said when the host interviewed it: the attributes herdsman's
 * interview reads. A field the device did not answer is absent.
 */
export interface BasicEvent {
  kind: "basic";
  device: string;
  manufacturerName?: string;
  modelId?: string;
  /** SWBuildID (0x4000). */
  swBuildId?: string;
  hwVersion?: number;
  dateCode?: string;
  appVersion?: number;
  stackVersion?: number;
  zclVersion?: number;
  /** As herdsman names it (`Mains (single phase)`, `Battery` …). */
  powerSource?: string;
}

/** A ZDO discovery request a device sent to the hub (Match_Desc, Simple_Desc, Active_EP). */
export interface DiscoveryEvent {
  kind: "discovery";
  device: string;
  request: "matchDesc" | "simpleDesc" | "activeEp" | "nodeDesc";
  /** What the hub answered with (endpoint numbers). */
  endpoints: number[];
  clusters?: number[];
  /** Who answered: the hub's IEEE address, or the ESME's when it is a node of its own. */
  responder?: string;
}

/** A CoT recorded on one meter (GPF: GCS09; ESME: ECS12). */
export interface CotEvent {
  kind: "cot";
  /** The meter it was recorded on. */
  meter: EndpointRole;
  providerId: number;
  issuerEventId: number;
  tariffType: number;
  /** ISO time the CoT takes effect (T). */
  implementationTime: string;
  /** ISO time the meter recorded it. */
  recordedAt: string;
  /** ProposedTenancyChangeControl the meter shows. */
  control: number;
  /** Whether the hub pushed PublishChangeOfTenancy unsolicited. */
  pushed: boolean;
}

/**
 * A meter's CoT record went (the meter or the hub replaced): its Device Management shows no CoT again
 * (0x0200 "no date") until the next CoT recorded on it.
 */
export interface CotResetEvent {
  kind: "cot-reset";
  meter: EndpointRole;
}

/** Power or network presence of a device changed (virtual runs, or an operator step on the bench). */
export interface PresenceEvent {
  kind: "presence";
  device: string;
  online: boolean;
}

/**
 * A restart done to see that nothing is cleared by it (COT-16): the hub's (its host stopped and started again on
 * the same dongle and state), or a DUT's power cycle or leave and rejoin (virtual: the emulated device; bench: the
 * operator, who said it was done). Logged once the restart is over.
 */
export interface RestartEvent {
  kind: "restart";
  what: "hub" | "power-cycle" | "leave-rejoin";
  /** The DUT restarted (absent for the hub). */
  device?: string;
  by: "hanbench" | "operator";
}

/** What a probe found a DUT holding. */
export interface ProbeEvent {
  kind: "probe";
  device: string;
  label: string;
  method: "virtual" | "console" | "operator";
  /** Why the probe was taken (e.g. "baseline", "after-cot", "before-future-cot"). */
  purpose: string;
  ok: boolean;
  /** When ok is false: why no answer could be had. */
  error?: string;
  holdings?: Holdings;
  /** Operator answers, verbatim. */
  answers?: Record<string, string>;
}

/**
 * What a DUT holds, by class (cot-suite.md "Attribution"): interval data (`consumption`: consumption and
 * cost figures of a period), supplier messages, top-ups and debt-recovery entries (prepayment, COT-11),
 * device aggregates (totals, averages, budgets the device computes itself) and meter state (readings,
 * balance, tariff; reported, never judged).
 */
export interface Holdings {
  consumption: HeldValue[];
  messages: HeldMessage[];
  topUps: HeldValue[];
  debts: HeldValue[];
  aggregates?: HeldAggregate[];
  state?: HeldValue[];
}

export interface HeldValue {
  role: EndpointRole;
  clusterId: number;
  item: string;
  /** The figure as the device holds it; absent when a probe only saw that the period is shown (operator). */
  value?: unknown;
  /** Start of the period (interval data) or the time (a top-up, a debt collection), ISO. */
  period?: string;
  /** End of the period (ISO, exclusive), when the probe knows it. */
  periodEnd?: string;
}

export interface HeldMessage {
  messageId: number;
  text: string;
  /** When the device received the copy it holds (ISO), when the probe knows it. */
  receivedAt?: string;
}

/** A figure the device computes itself over a span it chooses (a since-install total, an average, a budget). */
export interface HeldAggregate {
  role: EndpointRole;
  item: string;
  /** Start of what it covers (ISO). */
  start: string;
  /** How often the device moves it on: `day`, `week`, `month` or `year`. */
  granularity: "day" | "week" | "month" | "year";
  value?: unknown;
}

export interface ErrorEvent {
  kind: "error";
  source: string;
  message: string;
  device?: string;
}

/**
 * A step of Certificate-Based Key Establishment between the hub's Key Establishment server and a device
 * (cbke.md §1), or the resulting link key's installation on the coordinator. Never key material: the link
 * key only by its fingerprint.
 */
export interface KeyEstablishmentEvent {
  kind: "ke";
  device: string;
  step:
    | "initiate"
    | "ephemeral"
    | "confirm"
    | "established"
    | "terminate"
    | "timeout"
    | "refused"
    | "installed"
    | "install-failed";
  /** Who took the step: the device (its request, its Terminate) or the hub (its answer, its Terminate). */
  by: "device" | "hub";
  /** The suite of the exchange (1 or 2; the bitmap a Terminate carries). */
  suite?: number;
  /** Terminate status and its name (UNKNOWN_ISSUER …), and the sender's WaitTime in seconds. */
  status?: number;
  statusName?: string;
  waitTime?: number;
  /** The device's certificate as the Initiate Request carried it: issuer id and subject, hex. */
  issuer?: string;
  subject?: string;
  /** The generate times (seconds) the sender announced in its Initiate message. */
  ephemeralTime?: number;
  confirmTime?: number;
  /** The link key's one-way fingerprint (src/crypto keyFingerprint). */
  fingerprint?: string;
  reason?: string;
}

/**
 * How the run as a whole ended when it could not test: `not-testable` when the key-establishment pre-check
 * found an issuer mismatch between the hub's certificate and a DUT's (either side refused the other's CA).
 */
export interface RunOutcomeEvent {
  kind: "outcome";
  outcome: "not-testable";
  reason: string;
  /** The DUTs concerned. */
  devices: string[];
}

/**
 * The detection window a DUT is judged with, learned from its CoT polls in the baseline (`--window auto`),
 * with why: it replaces the run's `windowMs` for this DUT.
 */
export interface WindowEvent {
  kind: "window";
  device: string;
  windowMs: number;
  /** The slowest interval seen between two of its CoT queries on one meter, when every meter's was seen. */
  intervalMs?: number;
  reason: string;
}

export interface NoteEvent {
  kind: "note";
  message: string;
  data?: Record<string, unknown>;
}

/** The run is over: written last, just before the log is closed (its `wall` is when the run ended). */
export interface EndEvent {
  kind: "end";
  /** Why the run stopped before the plan was done, if it did. */
  aborted?: string;
}

/**
 * A bench run continues in the same log after its process ended (`hanbench run --resume`): written first in the
 * appended part, with the hub time and wall clock of the resume (its `t` and `wall`). The phases that ended
 * stay done; `phase` (absent: none) is redone from its start, and the cases read its last attempt.
 */
export interface ResumeEvent {
  kind: "resume";
  /** The last event kept from before (its seq): what follows was written by the resumed process. */
  after: number;
  /** How the earlier process ended: its `end` event's reason, or that the log stops without one. */
  reason: string;
  /** The first phase with a start and no end, redone from its start. */
  phase?: string;
  /** A line cut by a power failure, dropped from the file before appending: its line number and length. */
  droppedLine?: { line: number; bytes: number };
}

export type EvidenceBody =
  | RunEvent
  | EndEvent
  | ResumeEvent
  | BasicEvent
  | PhaseEvent
  | ZclEvent
  | ServedEvent
  | JoinEvent
  | LeaveEvent
  | InterviewEvent
  | DiscoveryEvent
  | CotEvent
  | CotResetEvent
  | PresenceEvent
  | RestartEvent
  | ProbeEvent
  | ErrorEvent
  | KeyEstablishmentEvent
  | RunOutcomeEvent
  | WindowEvent
  | NoteEvent
  | DeclaredEvent;

export type Evidence = EventBase & EvidenceBody;
