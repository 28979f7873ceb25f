/**
 * A strict reader for the XML subset the reports write (prolog, elements, double-quoted attributes, text,
 * the five predefined entities). Throws on anything malformed, so a test can tell well-formed output.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  if (/[<>]/.test(s)) throw new Error(`unescaped markup in text: ${s.slice(0, 40)}`);
  return s.replace(/&([a-z]+);|&/g, (m, name: string | undefined) => {
    if (!name || !(name in ENTITIES)) throw new Error(`bad entity near ${m}`);
    return ENTITIES[name]!;
  });
}

export function readXml(xml: string): XmlElement {
  let i = 0;
  const rest = () => xml.slice(i);
  const prolog = /^<\?xml [^?]*\?>\s*/.exec(rest());
  if (!prolog) throw new Error("no XML declaration");
  i += prolog[0].length;

  const element = (): XmlElement => {
    const open = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>/.exec(rest());
    if (!open) throw new Error(`expected an element at ${i}: ${rest().slice(0, 40)}`);
    i += open[0].length;
    const attrs: Record<string, string> = {};
    for (const m of open[2]!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      if (m[1]! in attrs) throw new Error(`duplicate attribute ${m[1]}`);
      attrs[m[1]!] = unescapeXml(m[2]!);
    }
    const el: XmlElement = { name: open[1]!, attrs, children: [], text: "" };
    if (open[3] === "/") return el;
    for (;;) {
      const text = /^[^<]*/.exec(rest())![0];
      el.text += unescapeXml(text);
      i += text.length;
      if (rest().startsWith(`</${el.name}>`)) {
        i += el.name.length + 3;
        return el;
      }
      if (rest().startsWith("</")) throw new Error(`mismatched close tag in <${el.name}> at ${i}`);
      if (i >= xml.length) throw new Error(`unclosed <${el.name}>`);
      el.children.push(element());
    }
  };
  const root = element();
  if (rest().trim() !== "") throw new Error("content after the root element");
  return root;
}
