// A notebook the browser test writes under .test-artifacts/ and runs next to the ones in
// notebooks/: it shows what those may not (awkward labels, a graph too wide for the page, the
// top-to-bottom layout, gradient colours, a PNG), with what each cell must show.

/** What a code cell must show, beyond running without an error. */
export interface CellExpectation {
  /** Per graph SVG, texts that must be among its `<text>` elements (exactly these, when `exact`). */
  svgTexts?: string[][];
  exact?: boolean;
  /** Lines that must appear in its printed output. */
  printed?: string[];
  /** How many `<img>` outputs (PNG graphs) it shows. */
  images?: number;
  /** Whether its graph is too big to read when fitted (so it must open zoomed, and scroll). */
  zoomed?: boolean;
}

/** A label with every character that DOT records or HTML would take as syntax. */
export const AWKWARD_LABEL = '{ } | < > " \\ <script>window.__pwned = 1</script>';
/** A label that would run script if it were ever parsed as HTML. */
export const IMG_LABEL = '<img src="x" onerror="window.__pwned = 1">';

const cells: [string, CellExpectation][] = [
  ['import { drawDot, Value } from "../../mod.ts";', {}],
  [
    `// Labels that are DOT and HTML syntax, on two lines.
const odd = new Value(1.5, { label: ${JSON.stringify(AWKWARD_LABEL + "\n" + IMG_LABEL)} });
drawDot(odd.tanh());`,
    // tanh(1.5) = 0.905148… (Python: math.tanh(1.5)).
    { svgTexts: [[AWKWARD_LABEL, IMG_LABEL, "data 1.5000", "tanh", "data 0.9051"]] },
  ],
  ['console.log("first printed line");\nconsole.log("second printed line");', {
    printed: ["first printed line", "second printed line"],
  }],
  [
    `// A forward pass of an MLP(2, [4, 4, 1]) (b + Σ w·x, then ReLU): too big to read fitted.
let seed = 1;
const uniform = () => (seed = (seed * 16807) % 2147483647) / 2147483647 * 2 - 1;
let xs = [new Value(2, { label: "x1" }), new Value(3, { label: "x2" })];
for (const [layer, size] of [4, 4, 1].entries()) {
  xs = Array.from({ length: size }, () => {
    let act = new Value(uniform(), { label: "b" });
    for (const x of xs) act = act.add(new Value(uniform(), { label: "w" }).mul(x));
    return layer === 2 ? act : act.relu();
  });
}
const out = xs[0];
out.label = "out";
out.backward();
drawDot(out, { colorByGrad: true });`,
    { svgTexts: [["x1", "x2", "out", "ReLU", "grad 1.0000"]], zoomed: true },
  ],
  [
    `// L = (a * b + c) * f, top to bottom.
const a = new Value(2, { label: "a" }), b = new Value(-3, { label: "b" });
const c = new Value(10, { label: "c" }), f = new Value(-2, { label: "f" });
const L = a.mul(b).add(c).mul(f);
L.label = "L";
L.backward();
drawDot(L, { rankdir: "TB" });`,
    // The Day-2 lecture's values: L = -8, dL/da = 6, dL/db = -4, dL/dc = -2, dL/df = 4.
    {
      svgTexts: [[
        "a",
        "data 2.0000",
        "grad 6.0000",
        "b",
        "grad -4.0000",
        "c",
        "grad -2.0000",
        "f",
        "grad 4.0000",
        "L",
        "data -8.0000",
      ]],
    },
  ],
  ['drawDot(L, { format: "png" });', { images: 1 }],
];

/** The notebook, as nbformat 4 JSON, with no outputs. */
export function fixtureNotebook(): unknown {
  return notebookOf("drawDot in the browser", cells.map(([source]) => source));
}

/** A notebook (nbformat 4) for the Deno kernel: a title, then `sources` as code cells, no outputs. */
export function notebookOf(title: string, sources: string[]): unknown {
  return {
    cells: [
      { cell_type: "markdown", metadata: {}, source: [`# ${title}`] },
      ...sources.map((source) => ({
        cell_type: "code",
        execution_count: null,
        metadata: {},
        outputs: [],
        source: [source],
      })),
    ],
    metadata: {
      kernelspec: { display_name: "Deno", language: "typescript", name: "deno" },
      language_info: { name: "typescript" },
    },
    nbformat: 4,
    nbformat_minor: 4,
  };
}

/** What each code cell of the notebook must show, by cell index (the markdown cell is 0). */
export function fixtureExpectations(): Map<number, CellExpectation> {
  return new Map(cells.map(([, expect], i) => [i + 1, expect]));
}
