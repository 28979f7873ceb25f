/** A node's attribute values by endpoint, cluster and attribute id, each with its ZCL type. */
import type { Attribute, AttrValue } from "./zcl-lite.js";

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
    attrs.set(attrId, { type, value });
  }

  get(ep: number, cluster: number, attrId: number): Attribute | undefined {
    return this.#byEndpoint.get(ep)?.get(cluster)?.get(attrId);
  }

  /** Every attribute of a cluster on an endpoint, by id (undefined when it has none). */
  cluster(ep: number, cluster: number): ReadonlyMap<number, Attribute> | undefined {
    return this.#byEndpoint.get(ep)?.get(cluster);
  }
}
