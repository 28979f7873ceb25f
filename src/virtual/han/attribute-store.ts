/** A node's attribute values by endpoint, cluster and attribute id, each with its ZCL type. */
import { type Attribute, type AttrValue, typedValueBytes } from "./zcl-lite.js";

/**
 * A stored value. Its bytes in a Read Attributes Response (type id, value) are encoded by src/zcl's codec
 * when it is first read and kept, so that reading an unchanged attribute again encodes nothing; a new value
 * is a new entry (`set`), never a change in place.
 */
class StoredAttribute implements Attribute {
  #typed: Buffer | undefined;
  constructor(
    readonly type: number,
    readonly value: AttrValue,
  ) {}

  get typed(): Buffer {
    return this.#typed ?? this.#encode();
  }

  /** Apart from the getter, so that the codec is not compiled into every read's path once encoded. */
  #encode(): Buffer {
    this.#typed = typedValueBytes(this);
    return this.#typed;
  }
}

export class AttributeStore {
  readonly #byEndpoint = new Map<number, Map<number, Map<number, Attribute>>>();

  set(ep: number, cluster: number, attrId: number, type: number, value: AttrValue): void {
    let byCluster = this.#byEndpoint.get(ep);
    if (!byCluster) {
      byCluster = new Map();
      this.#byEndpoint.set(ep, byCluster);
    }
    let attrs = byCluster.get(cluster);
    if (!attrs) {
      attrs = new Map();
      byCluster.set(cluster, attrs);
    }
    attrs.set(attrId, new StoredAttribute(type, value));
  }

  get(ep: number, cluster: number, attrId: number): Attribute | undefined {
    return this.#byEndpoint.get(ep)?.get(cluster)?.get(attrId);
  }

  /** Every attribute of a cluster on an endpoint, by id (undefined when it has none). */
  cluster(ep: number, cluster: number): ReadonlyMap<number, Attribute> | undefined {
    return this.#byEndpoint.get(ep)?.get(cluster);
  }
}
