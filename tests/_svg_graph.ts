// Reads a Graphviz SVG of a drawDot / draw_dot graph back into comparable text, so a graph drawn
// by denograd can be compared with one drawn by the Python original (whose node ids differ).

/** A drawn value graph as sets of canonical strings. */
export interface DrawnGraph {
  /** One `label | data … | grad …` string per record node. */
  records: string[];
  /** One `op -> record` string per op node. */
  ops: string[];
  /** One `from => to` string per edge, each end named as in `records` / `ops`. */
  edges: string[];
}

function unescape(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
}

/** Parse the node and edge groups of a Graphviz SVG (as both Graphviz 2.43 and 16 write them). */
export function readGraph(svg: string): DrawnGraph {
  const texts = new Map<string, string[]>();
  for (
    const m of svg.matchAll(
      /<g id="node\d+" class="node">\s*<title>([^<]*)<\/title>([\s\S]*?)<\/g>/g,
    )
  ) {
    texts.set(
      unescape(m[1]),
      [...m[2].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => unescape(t[1])),
    );
  }
  const rawEdges: [string, string][] = [];
  for (const m of svg.matchAll(/<g id="edge\d+" class="edge">\s*<title>([^<]*)<\/title>/g)) {
    const [from, to] = unescape(m[1]).split("->");
    rawEdges.push([from, to]);
  }
  const name = new Map<string, string>();
  for (const [id, t] of texts) if (t.length === 3) name.set(id, t.join(" | "));
  for (const [id, t] of texts) {
    if (t.length !== 1) continue;
    const target = rawEdges.find(([from]) => from === id)?.[1];
    name.set(id, `${t[0]} -> ${target === undefined ? "?" : name.get(target)}`);
  }
  const records = [...texts].filter(([, t]) => t.length === 3).map(([id]) => name.get(id)!);
  const ops = [...texts].filter(([, t]) => t.length === 1).map(([id]) => name.get(id)!);
  const edges = rawEdges.map(([from, to]) => `${name.get(from)} => ${name.get(to)}`);
  return { records: records.sort(), ops: ops.sort(), edges: edges.sort() };
}
