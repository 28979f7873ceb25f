/** A little-endian cursor and writer for the ZDO bodies of zdo-bytes.ts. (ZCL frames go through src/zcl.) */

/** A little-endian cursor over a body. Reads past the end throw. */
export class Reader {
  offset = 0;
  constructor(readonly buf: Buffer) {}
  get remaining(): number {
    return this.buf.length - this.offset;
  }
  #uint(width: number): number {
    if (this.offset + width > this.buf.length) {
      throw new Error(`payload ends at byte ${this.buf.length}; needed ${width} more from byte ${this.offset}`);
    }
    const v = this.buf.readUIntLE(this.offset, width);
    this.offset += width;
    return v;
  }
  u8(): number {
    return this.#uint(1);
  }
  u16(): number {
    return this.#uint(2);
  }
}

/** A growing little-endian writer. */
export class Writer {
  #parts: Buffer[] = [];
  #uint(value: number, width: number): this {
    const b = Buffer.alloc(width);
    b.writeUIntLE(value, 0, width);
    this.#parts.push(b);
    return this;
  }
  u8(v: number): this {
    return this.#uint(v, 1);
  }
  u16(v: number): this {
    return this.#uint(v, 2);
  }
  bytes(): Buffer {
    return Buffer.concat(this.#parts);
  }
}
