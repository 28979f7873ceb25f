/**
 * A terminal screen for tests: feeds it what a program wrote to its pty and reads back the rows a person
 * would see. Knows what node's readline and pino-pretty write: printable text, CR, LF, backspace, and the
 * CSI sequences for cursor moves (A B C D G H) and erasing (J K); colours and other CSI sequences are
 * dropped. No wrapping: rows are as long as what was written on them.
 */
/** ESC [ params final: a control sequence. */
const CSI = new RegExp(`^${String.fromCharCode(27)}\\[([0-9;?]*)([A-Za-z])`);

export class Screen {
  readonly rows: string[] = [""];
  #row = 0;
  #col = 0;

  write(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === "\x1b" && text[i + 1] === "[") {
        const m = CSI.exec(text.slice(i));
        if (m) {
          this.#csi(m[1]!, m[2]!);
          i += m[0].length - 1;
          continue;
        }
      }
      if (ch === "\r") this.#col = 0;
      else if (ch === "\n") this.#down(1);
      else if (ch === "\b") this.#col = Math.max(0, this.#col - 1);
      else if (ch >= " " || ch === "\t") this.#put(ch);
    }
  }

  /** The rows, trailing spaces removed, without empty rows at the end. */
  get text(): string[] {
    const out = this.rows.map((r) => r.replace(/\s+$/, ""));
    while (out.length && out.at(-1) === "") out.pop();
    return out;
  }

  /** The row the cursor is on. */
  get current(): string {
    return (this.rows[this.#row] ?? "").replace(/\s+$/, "");
  }

  #put(ch: string): void {
    const row = this.rows[this.#row]!.padEnd(this.#col, " ");
    this.rows[this.#row] = row.slice(0, this.#col) + ch + row.slice(this.#col + 1);
    this.#col++;
  }

  #down(n: number): void {
    this.#row += n;
    while (this.rows.length <= this.#row) this.rows.push("");
  }

  #csi(params: string, final: string): void {
    const n = Number(params.split(";")[0] || "0");
    switch (final) {
      case "A":
        this.#row = Math.max(0, this.#row - (n || 1));
        break;
      case "B":
        this.#down(n || 1);
        break;
      case "C":
        this.#col += n || 1;
        break;
      case "D":
        this.#col = Math.max(0, this.#col - (n || 1));
        break;
      case "G":
        this.#col = Math.max(0, (n || 1) - 1);
        break;
      case "H": {
        const [r = 1, c = 1] = params.split(";").map((x) => Number(x || "1"));
        this.#row = 0;
        this.#down(r - 1);
        this.#col = c - 1;
        break;
      }
      case "J": // 0: to the end of the screen
        if (n === 0) {
          this.rows[this.#row] = this.rows[this.#row]!.slice(0, this.#col);
          this.rows.length = this.#row + 1;
        }
        break;
      case "K": {
        const row = this.rows[this.#row]!;
        if (n === 0) this.rows[this.#row] = row.slice(0, this.#col);
        else if (n === 1) this.rows[this.#row] = " ".repeat(this.#col) + row.slice(this.#col);
        else this.rows[this.#row] = "";
        break;
      }
      default: // colours (m) and modes: nothing on the screen
    }
  }
}
