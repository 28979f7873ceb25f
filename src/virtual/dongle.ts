/**
 * The virtual dongle: a virtual coordinator on a simulated HAN — a Z-Stack ZNP (herdsman adapter
 * "zstack", the default) or an EmberZNet NCP ("ember") — reachable over TCP (`tcp://`) and optionally
 * through a socat pty, with emulated devices and link fault injection.
 *
 * ```ts
 * const dongle = await VirtualDongle.start({ stateDir, devices: ["node"] });
 * // herdsman: new Controller({ transport: { path: dongle.path, adapter: "zstack" }, ... })
 * await dongle.stop();
 * ```
 */
import { type Clock, RealClock } from "../hub/clock.js";
import { log } from "../log.js";
import { addSecret } from "../redact.js";
import { HanMedium, type MediumOptions } from "./han/medium.js";
import type { EmulatedNode } from "./han/node.js";
import { type EmberNcp, NcpState, createEmberNcp, preformEmberNetwork } from "./ember/index.js";
import { createZnp } from "./znp/index.js";
import type { ZnpEmulator } from "./znp/emulator.js";
import { ZnpState } from "./znp/state.js";
import { type FormedNetwork, preformNetwork } from "./znp/commissioning.js";
import { LinkFaults } from "./transport/faults.js";
import { SocatPty } from "./transport/pty.js";
import { TcpHostServer, parseTcpUrl } from "./transport/tcp.js";
import { coordinatorIeee, createDevice } from "./registry.js";
import "./kinds.js";

/** The coordinator protocols the dongle can speak, named as herdsman names its adapters. */
export type VirtualAdapter = "zstack" | "ember";
export const VIRTUAL_ADAPTERS: readonly VirtualAdapter[] = ["zstack", "ember"];

/** What the dongle needs of a coordinator, whatever its protocol. */
export interface VirtualCoordinator {
  readonly ieee: string;
  /** A network is in its non-volatile state. */
  readonly formed: boolean;
  /** Called when the network was wiped (the devices must forget it). */
  onNetworkCleared: () => void;
  /** Bytes from the host. */
  fromHost(chunk: Buffer): void;
  /** Where bytes for the host go; `undefined` while no host is connected. */
  setSink(sink: ((bytes: Buffer) => void) | undefined): void;
  /** The network address a device had when it joined before. */
  rememberedAddress(ieee: string): number | undefined;
  close(): void;
}

export interface VirtualDongleOptions {
  /** The coordinator protocol (default "zstack"). */
  adapter?: VirtualAdapter;
  /** `tcp://HOST:PORT` to listen on (default tcp://127.0.0.1:0, a free port). */
  listen?: string;
  /** Also expose the dongle as a pty at this path (needs socat). */
  pty?: string;
  /** Directory of the persistent NV state (default: in memory only). */
  stateDir?: string;
  /** Seed of identities, addresses and loss (default 1). */
  seed?: number;
  /** Coordinator IEEE (default derived from the seed). */
  ieee?: string;
  /** HAN latency / loss. */
  medium?: Omit<MediumOptions, "seed">;
  /** Only devices whose install code the trust centre was given may join. */
  requireInstallCodes?: boolean;
  /** Device specs to create, e.g. ["node", "ihd:compliant"]. They join when a permit-join window opens. */
  devices?: string[];
  /** Device behaviour time (default RealClock). */
  clock?: Clock;
  /**
   * Come up with this network already formed, as a dongle a host formed in an earlier session: a host
   * with the same channel, PAN ID and network key resumes it (herdsman then skips forming and its 3 s
   * wait for the NIB). Ignored when a stored state already has a network. `emberExtendedPanId`
   * (little-endian, as the NCP holds it) is for ember, whose host names the EPID; Z-Stack takes the
   * coordinator IEEE.
   */
  network?: FormedNetwork & { emberExtendedPanId?: Buffer };
}

export class VirtualDongle {
  readonly adapter: VirtualAdapter;
  readonly medium: HanMedium;
  readonly coordinator: VirtualCoordinator;
  readonly faults: LinkFaults;
  readonly clock: Clock;
  readonly seed: number;
  readonly devices: EmulatedNode[] = [];
  /** Bytes carried on the host link so far, per direction (what a UART would have had to carry). */
  readonly linkBytes = { toDongle: 0, toHost: 0 };
  readonly #tcp: TcpHostServer;
  readonly #log = log("virtual-dongle");
  #url = "";
  #pty: SocatPty | undefined;
  #stopping = false;
  #write: ((b: Buffer) => void) | undefined;

  private constructor(opts: VirtualDongleOptions) {
    this.seed = opts.seed ?? 1;
    this.clock = opts.clock ?? new RealClock();
    this.medium = new HanMedium({ ...opts.medium, seed: this.seed });
    this.adapter = opts.adapter ?? "zstack";
    const ieee = opts.ieee ?? coordinatorIeee(this.seed);
    const requireInstallCodes = opts.requireInstallCodes ?? false;
    if (opts.network) addSecret(opts.network.networkKey);
    if (this.adapter === "ember") {
      const ncp = createEmberNcp({
        state: new NcpState(ieee, opts.stateDir),
        medium: this.medium,
        requireInstallCodes,
      });
      const n = opts.network;
      if (n && !ncp.formed) {
        preformEmberNetwork(ncp, {
          channel: n.channel,
          panId: n.panId,
          networkKey: n.networkKey,
          ...(n.emberExtendedPanId ? { extendedPanId: n.emberExtendedPanId } : {}),
        });
      }
      this.coordinator = ncp;
    } else {
      const znp = createZnp({ state: new ZnpState(ieee, opts.stateDir), medium: this.medium, requireInstallCodes });
      if (opts.network && !znp.formed) preformNetwork(znp, opts.network);
      this.coordinator = znp;
    }
    this.coordinator.onNetworkCleared = () => {
      for (const d of this.devices) d.forget();
    };
    this.faults = new LinkFaults(this.seed);
    this.faults.injector = (dir, bytes) => {
      if (dir === "toDongle") this.coordinator.fromHost(bytes);
      else this.#write?.(bytes);
    };
    this.faults.cutter = () => this.#tcp.dropHost();
    this.#tcp = new TcpHostServer({
      onData: (chunk) => {
        this.linkBytes.toDongle += chunk.length;
        this.coordinator.fromHost(this.faults.filter("toDongle", chunk));
      },
      onConnect: (write) => {
        this.#write = write;
        this.coordinator.setSink((bytes) => {
          const out = this.faults.filter("toHost", bytes);
          this.linkBytes.toHost += out.length;
          if (this.faults.replyDelayMs > 0) setTimeout(() => write(out), this.faults.replyDelayMs);
          else write(out);
        });
        this.#log.info("host connected");
      },
      onDisconnect: () => {
        this.#write = undefined;
        this.coordinator.setSink(undefined);
        this.#log.info("host disconnected");
      },
    });
  }

  /** Creates the dongle, listens, starts the pty if asked and creates the devices. */
  static async start(opts: VirtualDongleOptions = {}): Promise<VirtualDongle> {
    const d = new VirtualDongle(opts);
    const { host, port } = parseTcpUrl(opts.listen ?? "tcp://127.0.0.1:0");
    const bound = await d.#tcp.listen(host, port);
    d.#url = `tcp://${bound.host.includes(":") ? `[${bound.host}]` : bound.host}:${bound.port}`;
    try {
      for (const spec of opts.devices ?? []) d.addDevice(spec);
      if (opts.pty) {
        d.#pty = new SocatPty(opts.pty, bound.port);
        await d.#pty.start();
      }
    } catch (err) {
      await d.stop();
      throw err;
    }
    return d;
  }

  /** The virtual Z-Stack ZNP (throws on an EmberZNet dongle). */
  get znp(): ZnpEmulator {
    if (this.adapter !== "zstack") throw new Error(`this virtual dongle is an ${this.adapter} coordinator, not zstack`);
    return this.coordinator as ZnpEmulator;
  }

  /** The virtual EmberZNet NCP (throws on a Z-Stack dongle). */
  get ncp(): EmberNcp {
    if (this.adapter !== "ember") throw new Error(`this virtual dongle is a ${this.adapter} coordinator, not ember`);
    return this.coordinator as EmberNcp;
  }

  /** The `tcp://` URL of the dongle. */
  get url(): string {
    return this.#url;
  }

  /** What a host should open: the pty path if there is one, else the tcp:// URL. */
  get path(): string {
    return this.#pty?.path ?? this.#url;
  }

  get ptyPid(): number | undefined {
    return this.#pty?.pid;
  }

  get hostConnected(): boolean {
    return this.#tcp.connected;
  }

  /**
   * Creates a device from a spec (`node`, `ihd:compliant` …). A device that the state remembers (it had
   * joined before a restart) comes up joined at its old address; others join when joining is permitted.
   */
  addDevice(spec: string, opts: { autoJoin?: boolean } = {}): EmulatedNode {
    const index = this.devices.length;
    const kind = spec.split(":")[0]!;
    const ordinal = this.devices.filter((x) => x.label.startsWith(`${kind}-`)).length;
    const node = createDevice(spec, {
      index,
      ordinal,
      seed: this.seed,
      clock: this.clock,
      medium: this.medium,
      autoJoin: opts.autoJoin ?? true,
    });
    this.addNode(node);
    return node;
  }

  /** Adds a node built elsewhere (restores it if the trust centre remembers it). */
  addNode(node: EmulatedNode): void {
    this.devices.push(node);
    const nwk = this.coordinator.rememberedAddress(node.ieee);
    if (nwk !== undefined && this.coordinator.formed) node.restore(nwk);
  }

  /**
   * Closes the host connection, like pulling the USB cable; the dongle keeps listening. With a pty, socat
   * exits with its connection, so a new one is started at the same path (the cable plugged back in):
   * the promise resolves once the path is there again.
   */
  async cut(): Promise<void> {
    this.faults.cut();
    const old = this.#pty;
    if (!old || this.#stopping) return;
    await old.stop();
    if (this.#stopping) return;
    const fresh = new SocatPty(old.path, old.port);
    this.#pty = fresh;
    await fresh.start();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#pty?.stop();
    for (const d of this.devices) d.dispose();
    this.medium.close();
    this.coordinator.close();
    await this.#tcp.close();
  }
}
