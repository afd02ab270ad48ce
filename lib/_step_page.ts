// The page of a `stepBackward()` stepper: what Jupyter shows, and the script that replays the
// recorded steps in it. Kept apart from step_backward.ts, which records the steps; this file is
// the machinery that makes the page small, fast and readable.
//
// - The HTML holds a PNG of the last step (what viewers that run no script show: see
//   _figure.ts), the picture as inert text, the steps as JSON and the script. With its scripts
//   and styles removed (as sanitizers do) nothing but the PNG is left: the script makes every
//   control.
// - The picture is Graphviz's SVG made compact: no comments, titles or ids, whole-pixel
//   coordinates, edges as relative curves, one class per element and one style sheet instead of
//   attributes on each. An MLP(2, [16, 16, 1]) output (1,619 Graphviz nodes) drops from 2.4 MB to
//   0.95 MB of HTML (SVG 0.66 MB, JSON 0.23 MB, PNG 30 kB); its PNG leaves out text too small to
//   read, which would be most of its bytes.
// - The script keeps what each box, oval and edge shows, works out the state of a step from
//   compact arrays (a replay of the recorded grads, a few thousand additions), and touches only
//   the elements whose state changed: a step of that MLP's 640 runs 1 to 4 ms of script
//   (Chromium, on the 2-core machine this was built on), with no forced layout: positions are
//   read before anything changes.
// - It shows the graph no smaller than a scale at which the text stays readable (records 14 px
//   at 11.2 px, edge labels 13 px at 10.4 px) and scrolls it to follow the steps: each step
//   brings the value being processed, its children and the edges being labelled into view, in
//   the graph's box and in the page.
import { formatFixed } from "./_format.ts";
import {
  escapeAttribute,
  fallbackImg,
  fallbackPng,
  fallbackScale,
  inertSvg,
  VIEWER,
} from "./_figure.ts";

/** The recorded steps and names as the page reads them (JSON). */
export interface PageData {
  /** Each value's name, as its box shows it, in the order of `nodes`. */
  names: string[];
  /** The values whose names the stepper made up (shown in italics). */
  auto: number[];
  ops: string[];
  /** Each value's op on its children's names (`a * b`), or `""`. */
  formulas: string[];
  /** Each value's data, in full (Python's repr). */
  data: string[];
  /** Each value's children, one per edge into its op: edge k is the k-th of all these. */
  kids: number[][];
  /** How many uses of its child each edge carries (2 for `a + a`). */
  counts: number[];
  /** Each edge's local derivative(s) in full (`1.0 + 1.0` for `a + a`), or null if unknown. */
  locals: (string | null)[];
  /** Each value's nudged derivative in full and whether it agrees with its grad, or null. */
  checks: ([string, number] | null)[];
  /** Each step: the value processed, the caption, and [value, grad, value, grad, ...] written. */
  steps: [number, string, (number | string)[]][];
  /** The output's index. */
  root: number;
}

/** A grad cell's text; the page's script writes the same (`gradText` in {@linkcode SCRIPT}). */
export function gradText(
  grad: number,
  received: number,
  uses: number,
  leaf: boolean,
  agrees: boolean | undefined,
): string {
  const count = uses > 1 ? ` (${received}/${uses})` : "";
  const mark = leaf && received === uses && agrees !== undefined ? (agrees ? " ✓" : " ✗") : "";
  return `grad ${formatFixed(grad, 4)}${count}${mark}`;
}

/**
 * The colours of the states, with their WCAG contrast ratios. Fills carry black text at 8.9:1
 * or more and differ from white by 1.9:1 to 2.4:1 (orange and blue about 2:1, green 2.4:1); from
 * each other by hue (1.03:1 to 1.22:1 in luminance), so each state has a mark besides its colour:
 * the value being processed a 4 px border, a value just written a 2.5 px border and its grad in
 * bold, a value waiting for more uses a dashed border, a final one a fill with a 1.5 px border,
 * an untouched one no fill and a thin grey border. Borders against white: #e65100 3.8:1,
 * #01579b 7.4:1, #1b5e20 7.9:1, #767676 4.5:1; grey edge labels #555555 7.5:1.
 */
const COLOURS = {
  current: ["#ffa726", "#e65100"],
  written: ["#4fc3f7", "#01579b"],
  done: ["#66bb6a", "#1b5e20"],
  untouched: ["#ffffff", "#767676"],
  highlight: "#7b1fa2", // the hovered value and its edges: 7.8:1 against white
};

/** The style sheet of the picture, every rule under `scope` (a selector, or `""`). */
function css(scope: string): string {
  const [cur, written, done, plain] = [
    COLOURS.current,
    COLOURS.written,
    COLOURS.done,
    COLOURS.untouched,
  ];
  const rules = [
    "text{fill:#000}",
    ".e text{font-size:13px;fill:#555;visibility:hidden}", // shown once its step has come
    ".e[data-s] text{visibility:visible}",
    ".e path,.r path{fill:none;stroke:#000}",
    ".e path+path,.r path+path{fill:#000}",
    `.v rect{fill:${plain[0]};stroke:${plain[1]}}`,
    `.v path{stroke:${plain[1]}}`,
    ".o ellipse{fill:#fff;stroke:#000}",
    ".a{font-style:italic}",
    `.v[data-s=current] rect{fill:${cur[0]};stroke:${cur[1]};stroke-width:4px}`,
    `.v[data-s=written] rect{fill:${written[0]};stroke:${written[1]};stroke-width:2.5px}`,
    ".v[data-s=written] text:last-child{font-weight:bold}", // not drawn in PNGs (resvg)
    `.v[data-s=waiting] rect{stroke:${written[1]};stroke-width:2px;stroke-dasharray:6 3}`,
    `.v[data-s=done] rect{fill:${done[0]};stroke:${done[1]};stroke-width:1.5px}`,
    ".v[data-s] path{stroke:#333}",
    `.o[data-s=current] ellipse{fill:${cur[0]};stroke:${cur[1]};stroke-width:3px}`,
    `.e[data-s=cur] path{stroke:${written[1]};stroke-width:2px}`,
    `.e[data-s=cur] path+path{fill:${written[1]}}`,
    `.e[data-s=cur] text{fill:${written[1]};font-weight:bold}`,
  ];
  return rules.map((rule) => {
    const brace = rule.indexOf("{");
    const selectors = rule.slice(0, brace).split(",").map((s) => scope ? `${scope} ${s}` : s);
    return selectors.join(",") + rule.slice(brace);
  }).join("");
}

/** Graphviz's SVG made compact (see the top of this file): its size and markup. */
interface Compact {
  width: number;
  height: number;
  /** `<svg ...>` ... `</svg>` without a namespace or style: for the page. */
  svg: string;
}

/** Whole pixels: the page never shows the picture above 100 %. */
function px(x: string): string {
  return String(Math.round(Number(x)));
}

/** Every number in `s` rounded to whole pixels, and `,` as a space. */
function pixels(s: string): string {
  return s.replace(/-?\d+(?:\.\d+)?/g, px).replace(/,/g, " ");
}

/** Numbers as SVG path data writes them: a space before each, unless it has a minus sign. */
function numbers(ns: number[]): string {
  return ns.map((n, i) => i > 0 && n >= 0 ? ` ${n}` : String(n)).join("");
}

/**
 * A Graphviz edge (`M x,y C x,y x,y x,y ...`, cubic pieces end to end) in whole pixels, each
 * piece relative to where the last ended (`c`): small numbers, about half the text.
 */
function curve(d: string): string {
  const ns = (d.match(/-?\d+(?:\.\d+)?/g) ?? []).map((n) => Math.round(Number(n)));
  if (!/^M[^A-Za-z]*C[^A-Za-z]*$/.test(d) || ns.length < 8 || (ns.length - 2) % 6 !== 0) {
    return pixels(d);
  }
  let [x, y] = ns;
  const rel: number[] = [];
  for (let i = 2; i < ns.length; i += 6) {
    for (let j = 0; j < 6; j += 2) rel.push(ns[i + j] - x, ns[i + j + 1] - y);
    [x, y] = [ns[i + 4], ns[i + 5]];
  }
  return `M${numbers(ns.slice(0, 2))}c${numbers(rel)}`;
}

/** A record's separators, `[x0, y0, x1, y1]` each, as one path. */
function separators(lines: number[][]): string {
  let [x, y] = [0, 0];
  return lines.map(([x0, y0, x1, y1], i) => {
    const to = i === 0 ? `M${numbers([x0, y0])}` : `m${numbers([x0 - x, y0 - y])}`;
    [x, y] = [x1, y1];
    return to +
      (x0 === x1 ? `v${y1 - y0}` : y0 === y1 ? `h${x1 - x0}` : `l${numbers([x1 - x0, y1 - y0])}`);
  }).join("");
}

/** Every layout compacted, kept per layout string (a stepper asks for its HTML and SVG). */
const compacted = new Map<string, Compact>();

/**
 * Graphviz's SVG of a stepper's DOT (records `dgv<i>`, op nodes `dgo<i>`, labelled edges
 * `dge<k>`) as compact markup: a group per element, classed `v v<i>`, `o o<i>`, `e e<k>`, and
 * `r r<i>` for the arrow from op `i` to its value; a name the stepper made up is classed `a`.
 */
function compact(layout: string, auto: ReadonlySet<number>): Compact {
  const key = layout + [...auto].join(",");
  const known = compacted.get(key);
  if (known !== undefined) return known;
  const head = /<svg width="([\d.]+)px" height="([\d.]+)px"[^>]*viewBox="([^"]*)"/.exec(layout)!;
  const [width, height] = [Number(head[1]), Number(head[2])];
  const transform =
    /<g id="graph0" class="graph" transform="([^"]*)"|<g class="graph" transform="([^"]*)"/
      .exec(layout)!;
  const move = (transform[1] ?? transform[2]).replace(/^scale\(1 1\) rotate\(0\) /, "");
  const groups: string[] = [];
  const group =
    /<g (?:id="[^"]*" )?class="(node|edge)(?: dg([voe])(\d+))?">\n<title>([^<]*)<\/title>\n([\s\S]*?)<\/g>/g;
  for (const [, , kind, n, title, body] of layout.matchAll(group)) {
    let cls: string;
    if (kind === undefined) { // the arrow from an op node to its value: n<i>_op -> n<i>
      const i = /^n(\d+)_op/.exec(title.replace(/&#45;&gt;/g, "->"))?.[1];
      if (i === undefined) continue;
      cls = `r r${i}`;
    } else cls = `${kind} ${kind}${n}`;
    const shapes: string[] = [];
    const texts: string[] = [];
    const lines: number[][] = []; // a record's separators
    for (const [, tag, attrs, content] of body.matchAll(ELEMENT)) {
      const a = Object.fromEntries(
        [...attrs.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      );
      if (tag === "text") {
        // the first text of a record is its name, in italics if the stepper made it up
        const made = kind === "v" && texts.length === 0 && auto.has(Number(n)) ? ' class="a"' : "";
        texts.push(
          `<text x="${px(a.x)}" y="${px(a.y)}"${made}>${content.replace(/&#45;/g, "-")}</text>`,
        );
      } else if (tag === "ellipse") {
        shapes.push(
          `<ellipse cx="${px(a.cx)}" cy="${px(a.cy)}" rx="${px(a.rx)}" ry="${px(a.ry)}"/>`,
        );
      } else if (tag === "path") {
        shapes.push(`<path d="${curve(a.d)}"/>`);
      } else if (tag === "polyline") {
        lines.push(pixels(a.points).split(" ").map(Number));
      } else if (kind === "v") { // a record's outline: a rectangle
        const xy = pixels(a.points).split(" ").map(Number);
        const xs = xy.filter((_, i) => i % 2 === 0), ys = xy.filter((_, i) => i % 2 === 1);
        const [x, y] = [Math.min(...xs), Math.min(...ys)];
        shapes.push(
          `<rect x="${x}" y="${y}" width="${Math.max(...xs) - x}" height="${
            Math.max(...ys) - y
          }"/>`,
        );
      } else { // an arrowhead, after its edge's curve: a closed path
        const ns = pixels(a.points).split(" ").slice(0, -2).map(Number);
        const steps = ns.slice(2).map((n, i) => n - ns[i]); // each point from the one before
        shapes.push(`<path d="M${numbers(ns.slice(0, 2))}l${numbers(steps)}z"/>`);
      }
    }
    if (lines.length > 0) shapes.push(`<path d="${separators(lines)}"/>`);
    // the texts last: a record's grad is its last child
    groups.push(`<g class="${cls}">${shapes.join("")}${texts.join("")}</g>`);
  }
  const svg = `<svg width="${width}" height="${height}" viewBox="${pixels(head[3])}">` +
    `<g transform="${move}" font-family="Courier,monospace" font-size="14" text-anchor="middle">` +
    `${groups.join("")}</g></svg>`;
  const result = { width, height, svg };
  if (compacted.size > 8) compacted.delete(compacted.keys().next().value!);
  compacted.set(key, result);
  return result;
}
const ELEMENT = /<(polygon|polyline|ellipse|path|text)\b([^>]*?)(?:\/>|>([^<]*)<\/text>)/g;

/**
 * The picture of the last step as a standalone SVG file: the value processed last and the
 * children it wrote in their colours, every other value final, every edge labelled.
 */
export function stepperSvg(layout: string, page: PageData): string {
  const { svg } = compact(layout, new Set(page.auto));
  const [node, , grads] = page.steps.at(-1)!;
  const last = page.steps.length - 1;
  const written = new Set(last === 0 ? [] : grads.filter((_, i) => i % 2 === 0) as number[]);
  let edge = 0;
  const parent: number[] = [];
  page.kids.forEach((kids, i) => kids.forEach(() => parent[edge++] = i));
  const state = (kind: string, n: number) =>
    kind === "v"
      ? n === node ? "current" : written.has(n) ? "written" : "done"
      : kind === "o"
      ? n === node ? "current" : ""
      : kind === "e"
      ? parent[n] === node ? "cur" : "on"
      : "";
  return svg
    .replace(/^<svg /, `<svg xmlns="http://www.w3.org/2000/svg" `)
    .replace(
      /(viewBox="[^"]*">)/,
      `$1<style>${css("")}</style><rect width="100%" height="100%" fill="#fff"/>`,
    )
    .replace(/<g class="([voe]) \1(\d+)/g, (all, kind: string, n: string) => {
      const s = state(kind, Number(n));
      return s ? `<g data-s="${s}" class="${kind} ${kind}${n}` : all;
    });
}

/**
 * The stepper's `text/html`: the PNG of its last step, the picture as inert text, the steps as
 * JSON and the script, in a `<div>` that holds nothing else (a sanitizer leaves the PNG alone).
 */
export async function stepperHtml(
  layout: string,
  page: PageData,
  text: { label: string; alt: string },
): Promise<string> {
  const { width, height, svg } = compact(layout, new Set(page.auto));
  // Text drawn smaller than 4 px is a grey smear that takes most of a PNG's bytes: a picture
  // that small shows the shape of the graph and the colours of the last step, without text.
  const still = stepperSvg(layout, page);
  const png = await fallbackPng(
    fallbackScale({ width, height }) * 13 < 4
      ? still.replace(/<text\b[^>]*>[^<]*<\/text>/g, "").replace(
        /^<svg /,
        '<svg shape-rendering="crispEdges" ',
      )
      : still,
  );
  const json = JSON.stringify(page).replace(/</g, "\\u003c");
  return `<div class="denograd-stepper" data-denograd-stepper tabindex="0" role="group" ` +
    `aria-label="${escapeAttribute(text.label)}" data-lm-suppress-shortcuts="true" ` +
    `data-p-suppress-shortcuts="true">${fallbackImg(png, { width, height }, text.alt)}` +
    `${inertSvg(svg)}<script type="application/json">${json}</script>` +
    `<script>${SCRIPT}</script></div>`;
}

/** Below this scale the text would be too small to read: the picture scrolls instead. */
const READABLE_SCALE = 0.8;

/**
 * The page's script: finds its stepper (or, where output scripts run detached from their
 * element, as in the classic Notebook, every stepper not yet started) and builds it: the
 * controls, the caption, the picture in a box that follows the steps, the card.
 */
const SCRIPT = `(function () {
  var view = ${VIEWER};
  var CSS = ${JSON.stringify(css(".denograd-stepper svg") + pageCss())};
  // Python's "%.4f" and repr(float), as lib/_format.ts writes them
  function fixed4(x) {
    if (x !== x) return "nan";
    if (!isFinite(x)) return x > 0 ? "inf" : "-inf";
    var a = Math.abs(x), s = a.toFixed(4), t = a * 32;
    if (t === Math.floor(t) && t % 2 === 1) {
      var d = s.charCodeAt(s.length - 1) - 48;
      if (d % 2 === 1) s = s.slice(0, -1) + String(d - 1);
    }
    return (x < 0 || Object.is(x, -0) ? "-" : "") + s;
  }
  function repr(x) {
    if (x !== x) return "nan";
    if (!isFinite(x)) return x > 0 ? "inf" : "-inf";
    var sign = x < 0 || Object.is(x, -0) ? "-" : "", p = Math.abs(x).toExponential().split("e");
    var digits = p[0].replace(".", ""), e = Number(p[1]);
    if (e < -4 || e >= 16) {
      var m = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
      return sign + m + "e" + (e < 0 ? "-" : "+") + (Math.abs(e) < 10 ? "0" : "") + Math.abs(e);
    }
    if (e < 0) return sign + "0." + new Array(-e).join("0") + digits;
    var whole = digits.slice(0, e + 1);
    while (whole.length < e + 1) whole += "0";
    return sign + whole + "." + (digits.slice(e + 1) || "0");
  }
  function gradText(g, k, n, leaf, check) {
    return "grad " + fixed4(g) + (n > 1 ? " (" + k + "/" + n + ")" : "") +
      (leaf && k === n && check ? (check[1] ? " \\u2713" : " \\u2717") : "");
  }
  function start(root) {
    if (root.hasAttribute("data-ready")) return;
    var carrier = root.querySelector("script[type='image/svg+xml']");
    var json = root.querySelector("script[type='application/json']");
    var img = root.querySelector(":scope > img");
    if (!carrier || !json || !img) return;
    root.setAttribute("data-ready", "");
    var data = JSON.parse(json.textContent), steps = data.steps, last = steps.length - 1;
    var names = data.names, kids = data.kids, counts = data.counts, N = names.length;

    // The graph's structure: edge k goes from child[k] into parent[k]'s op.
    var first = [], child = [], parent = [], outOf = [], uses = [], leaf = [], stepOf = [];
    var E = 0;
    for (var i = 0; i < N; i++) { outOf.push([]); uses.push(0); stepOf.push(-1); }
    for (i = 0; i < N; i++) {
      first.push(E);
      leaf.push(kids[i].length === 0);
      for (var j = 0; j < kids[i].length; j++, E++) {
        child.push(kids[i][j]); parent.push(i); outOf[kids[i][j]].push(E); uses[kids[i][j]] += counts[E];
      }
    }
    steps.forEach(function (s, t) { if (t > 0) stepOf[s[0]] = t; });

    // The page: controls, caption, legend, and the picture in its box.
    var style = document.createElement("style");
    style.textContent = CSS;
    root.appendChild(style);
    var bar = document.createElement("div");
    bar.className = "dg-bar";
    bar.innerHTML = '<button type="button" data-act="reset" title="Reset (Home)">\\u21ba Reset</button>' +
      '<button type="button" data-act="prev" title="Previous (\\u2190)">\\u25c0 Previous</button>' +
      '<button type="button" data-act="play" title="Play or pause (space)">\\u25b6 Play</button>' +
      '<button type="button" data-act="next" title="Next (\\u2192)">Next \\u25b6</button>' +
      '<input type="range" min="0" max="' + last + '" step="1" value="0" aria-label="Step">' +
      '<span class="dg-count"></span>' +
      '<span class="dg-zoom"><button type="button" data-zoom="fit" title="Show the whole graph">Fit</button>' +
      '<button type="button" data-zoom="1" title="Natural size">100\\u00a0%</button></span>';
    var caption = document.createElement("div");
    caption.className = "dg-caption";
    caption.setAttribute("aria-live", "polite");
    var legend = document.createElement("div");
    legend.className = "dg-legend";
    legend.innerHTML = '<span><span class="dg-sw" data-s="current"></span>running _backward()</span>' +
      '<span><span class="dg-sw" data-s="written"></span>grad just written</span>' +
      '<span><span class="dg-sw" data-s="waiting"></span>waiting for its other uses</span>' +
      '<span><span class="dg-sw" data-s="done"></span>grad final</span>' +
      '<span>(1/2): uses that have sent their share</span>' +
      '<span>\\u2713: agrees with nudging the leaf</span><span><em>v7</em>: a name given here</span>';
    var host = document.createElement("div");
    host.className = "dg-host";
    root.appendChild(bar); root.appendChild(caption); root.appendChild(legend); root.appendChild(host);
    var holder = document.createElement("div");
    holder.innerHTML = carrier.textContent;
    var svg = holder.querySelector("svg");
    var size = { width: Number(svg.getAttribute("width")), height: Number(svg.getAttribute("height")) };
    var v = view(host, svg, size);
    v.box.style.maxHeight = "max(240px, calc(100vh - 260px))";
    img.remove();
    var card = document.createElement("div");
    card.className = "dg-card";
    card.setAttribute("role", "tooltip");
    card.hidden = true;
    host.style.position = "relative";
    host.appendChild(card);
    v.box.addEventListener("scroll", place);
    var move = /translate\\(([-\\d.]+) ([-\\d.]+)\\)/.exec(svg.querySelector("g").getAttribute("transform") || "") || [0, 0, 0];
    var tx = Number(move[1]), ty = Number(move[2]);

    var records = [], grads = [], ops = [], edges = [], arrows = [];
    svg.querySelectorAll("g[class]").forEach(function (g) {
      var c = /^([voer]) [voer](\\d+)/.exec(g.getAttribute("class"));
      if (!c) return;
      var n = Number(c[2]);
      if (c[1] === "v") { records[n] = g; grads[n] = g.lastElementChild; }
      else if (c[1] === "o") ops[n] = g;
      else if (c[1] === "e") edges[n] = g;
      else arrows[n] = g;
    });
    var slider = bar.querySelector("input"), counter = bar.querySelector(".dg-count");
    var button = {};
    bar.querySelectorAll("button[data-act]").forEach(function (b) { button[b.getAttribute("data-act")] = b; });

    // What is shown, kept so that a step touches only what changes.
    var shownState = [], shownText = [], shownOp = [], shownEdge = [];
    var grad = new Float64Array(N), got = new Int32Array(N), step = -1;
    function set(g, s) { if (s) g.setAttribute("data-s", s); else g.removeAttribute("data-s"); }
    function stateAt(s) {
      grad.fill(0); got.fill(0);
      for (var u = 0; u <= s; u++) {
        var w = steps[u][2];
        for (var q = 0; q < w.length; q += 2) grad[w[q]] = Number(w[q + 1]);
        if (u === 0) continue;
        var p = steps[u][0];
        for (var k = first[p]; k < first[p] + kids[p].length; k++) got[child[k]] += counts[k];
      }
    }
    function render(s) {
      stateAt(s);
      var now = steps[s][0], written = {};
      if (s > 0) for (var q = 0; q < steps[s][2].length; q += 2) written[steps[s][2][q]] = 1;
      for (var i = 0; i < N; i++) {
        var st = i === now ? "current" : written[i] ? "written"
          : (stepOf[i] > 0 && stepOf[i] < s) || (leaf[i] && uses[i] > 0 && got[i] === uses[i]) ? "done"
          : got[i] > 0 && got[i] < uses[i] ? "waiting" : "";
        if (st !== shownState[i]) { shownState[i] = st; if (records[i]) set(records[i], st); }
        var text = gradText(grad[i], got[i], uses[i], leaf[i], data.checks[i]);
        if (text !== shownText[i]) { shownText[i] = text; if (grads[i]) grads[i].textContent = text; }
        var os = i === now && !leaf[i] ? "current" : "";
        if (os !== shownOp[i]) { shownOp[i] = os; if (ops[i]) set(ops[i], os); }
      }
      for (var k = 0; k < E; k++) {
        var t = stepOf[parent[k]], es = s > 0 && t > 0 && t <= s ? (t === s ? "cur" : "on") : "";
        if (es !== shownEdge[k]) { shownEdge[k] = es; if (edges[k]) set(edges[k], es); }
      }
    }

    // Where things are, in the box's pixels at the current scale (measured once, when shown).
    var measured = new WeakMap();
    function bbox(g) {
      if (!g) return null;
      var b = measured.get(g);
      if (!b) {
        var r = g.getBBox();
        b = { x0: r.x + tx, y0: r.y + ty, x1: r.x + r.width + tx, y1: r.y + r.height + ty };
        if (r.width > 0) measured.set(g, b); // (a hidden output measures 0)
      }
      var z = v.scale();
      return { x0: b.x0 * z, y0: b.y0 * z, x1: b.x1 * z, y1: b.y1 * z };
    }
    function union(a, b) {
      if (!a) return b;
      if (!b) return a;
      return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
    }
    // Where follow() last scrolled the box to, and until when it may still be on its way there.
    var target = { left: 0, top: 0 }, moving = 0;
    v.box.addEventListener("scrollend", function () { moving = 0; });
    function follow(smooth, page) {
      var now = steps[step][0], box = v.box;
      var cur = bbox(records[now]), region = union(cur, bbox(ops[now]));
      for (var k = first[now]; k < first[now] + kids[now].length; k++) {
        region = union(region, union(bbox(records[child[k]]), bbox(edges[k])));
      }
      if (!cur) return;
      var w = box.clientWidth, h = box.clientHeight, busy = Date.now() < moving;
      target.left = v.axis(region.x0, region.x1, cur.x0, cur.x1, busy ? target.left : box.scrollLeft, w, box.scrollWidth);
      target.top = v.axis(region.y0, region.y1, cur.y0, cur.y1, busy ? target.top : box.scrollTop, h, box.scrollHeight);
      var how = v.motion(smooth);
      if (target.left !== box.scrollLeft || target.top !== box.scrollTop) {
        moving = Date.now() + (how === "smooth" ? 1500 : 100);
        box.scrollTo({ left: target.left, top: target.top, behavior: how });
      }
      if (page) followInPage(cur, how);
    }
    // The page too: the value being processed must be inside the window (or the notebook's
    // scrolling area), once the box has scrolled to it.
    var scroller;
    function followInPage(cur, how) {
      if (scroller === undefined) {
        scroller = null;
        for (var p = root.parentElement; p; p = p.parentElement) {
          var o = getComputedStyle(p).overflowY;
          if ((o === "auto" || o === "scroll") && p.scrollHeight > p.clientHeight) { scroller = p; break; }
        }
      }
      var b = v.box.getBoundingClientRect();
      var y0 = b.top + cur.y0 - target.top, y1 = b.top + cur.y1 - target.top;
      var top = 0, bottom = window.innerHeight;
      if (scroller) {
        var r = scroller.getBoundingClientRect();
        top = Math.max(top, r.top); bottom = Math.min(bottom, r.bottom);
      }
      var m = 12, d = 0;
      if (y1 + m > bottom) d = y1 + m - bottom;
      if (y0 - m - d < top) d = y0 - m - top;
      if (Math.abs(d) < 1) return;
      if (scroller) scroller.scrollBy({ top: d, behavior: how });
      else window.scrollBy({ top: d, behavior: how });
    }

    // The card: a value's numbers in full, on hover, tap or keyboard focus.
    var carded = -1, keyboard = false;
    function highlight(i, on) {
      if (i < 0) return;
      var all = [records[i], ops[i], arrows[i]];
      for (var k = first[i]; k < first[i] + kids[i].length; k++) all.push(edges[k]);
      outOf[i].forEach(function (k) { all.push(edges[k]); });
      all.forEach(function (g) { if (g) g.classList.toggle("hl", on); });
    }
    function line(text, cls) {
      var d = document.createElement("div");
      if (cls) d.className = cls;
      d.textContent = text;
      card.appendChild(d);
    }
    function showCard(i) {
      if (i !== carded) { highlight(carded, false); highlight(i, true); }
      carded = i;
      if (i < 0) { card.hidden = true; return; }
      var name = names[i];
      card.replaceChildren();
      line(name + (data.formulas[i] ? " = " + data.formulas[i] : leaf[i] ? "  (a leaf)" : "  (op " + data.ops[i] + ")"), "dg-title");
      line("data = " + data.data[i]);
      var final = uses[i] === 0 || got[i] === uses[i];
      line("grad = " + repr(grad[i]) + "  after step " + step +
        (uses[i] > 1 ? "  (" + got[i] + " of " + uses[i] + " uses sent)" : "") + (final && step > 0 ? ", final" : ""));
      for (var k = first[i]; k < first[i] + kids[i].length; k++) {
        var l = data.locals[k];
        line("d" + name + "/d" + names[child[k]] + " = " + (l === null ? "unknown (its own _backward())" : l + (counts[k] > 1 ? " (used " + counts[k] + " times)" : "")));
      }
      if (outOf[i].length) {
        var users = outOf[i].map(function (k) { return names[parent[k]]; });
        line("used by " + (users.length > 4 ? users.slice(0, 4).join(", ") + ", \\u2026 (" + users.length + ")" : users.join(", ")));
      }
      var check = data.checks[i];
      if (check && leaf[i]) {
        var r = names[data.root];
        line(final && step > 0
          ? "nudging " + name + ": (" + r + "(" + name + "+h) \\u2212 " + r + "(" + name + "\\u2212h)) / 2h = " + check[0] + (check[1] ? "  \\u2713 agrees" : "  \\u2717 disagrees")
          : "nudging " + name + " gives d" + r + "/d" + name + ": shown once its grad is final", check[1] || !final ? "" : "dg-bad");
      }
      card.hidden = false;
      place();
    }
    // The card lies over the page, beside the value's box: on its right, else below it (it may
    // reach past the picture's box, which would clip it), kept inside the stepper's width.
    function place() {
      if (!(carded >= 0)) return;
      var at = bbox(records[carded]), box = v.box, busy = Date.now() < moving;
      var x = (busy ? target.left : box.scrollLeft) - box.offsetLeft - box.clientLeft;
      var y = (busy ? target.top : box.scrollTop) - box.offsetTop - box.clientTop;
      var w = card.offsetWidth, W = host.clientWidth;
      var left = at.x1 + 10 - x, top = Math.max(at.y0 - y, 0);
      if (left + w > W) { left = at.x0 - x; top = at.y1 - y + 8; }
      card.style.left = Math.max(0, Math.min(left, W - w)) + "px";
      card.style.top = top + "px";
    }
    function valueAt(e) {
      var g = e.target.closest && e.target.closest("g.v, g.o");
      if (!g) return -1;
      var c = /^[vo] [vo](\\d+)/.exec(g.getAttribute("class"));
      return c ? Number(c[1]) : -1;
    }
    svg.addEventListener("pointerover", function (e) { var i = valueAt(e); if (i >= 0) showCard(i); });
    svg.addEventListener("pointerleave", function () { showCard(keyboard && root.contains(document.activeElement) ? steps[step][0] : -1); });
    svg.addEventListener("pointerdown", function (e) { keyboard = false; var i = valueAt(e); showCard(i); });

    function show(to, page) {
      to = Math.max(0, Math.min(last, to));
      if (to === step) return follow(page, page); // there already: bring it back into view
      step = to;
      follow(page, page); // positions are read before anything changes: no forced layout
      render(step);
      root.setAttribute("data-step", String(step));
      slider.value = String(step);
      counter.textContent = "Step " + step + " of " + last;
      caption.textContent = steps[step][1];
      button.reset.setAttribute("aria-disabled", String(step === 0));
      button.prev.setAttribute("aria-disabled", String(step === 0));
      button.next.setAttribute("aria-disabled", String(step === last));
      if (keyboard && root.contains(document.activeElement)) showCard(steps[step][0]);
      else if (carded >= 0) showCard(carded);
    }
    var timer = 0, every = Math.max(60, Math.min(900, 30000 / Math.max(1, last)));
    function stop() {
      if (timer) clearInterval(timer);
      timer = 0;
      button.play.textContent = "\\u25b6 Play";
      caption.setAttribute("aria-live", "polite");
    }
    function play() {
      if (timer) return stop();
      if (step === last) show(0, true);
      button.play.textContent = "\\u275a\\u275a Pause";
      caption.setAttribute("aria-live", "off"); // a screen reader hears the step it pauses on
      timer = setInterval(function () {
        if (!root.isConnected || step >= last) return stop();
        show(step + 1, every >= 400);
        if (step === last) stop();
      }, every);
    }
    bar.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest("button");
      if (!b || b.getAttribute("aria-disabled") === "true") return;
      var act = b.getAttribute("data-act"), z = b.getAttribute("data-zoom");
      if (act === "play") return play();
      if (act) { stop(); show(act === "reset" ? 0 : act === "prev" ? step - 1 : step + 1, true); }
      if (z) zoom(z === "fit" ? v.fitScale() : 1, true);
    });
    slider.addEventListener("input", function () { stop(); show(Number(slider.value), true); });
    root.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      keyboard = true;
      var tag = e.target.tagName;
      if (e.key === " " || e.key === "Spacebar") {
        e.stopPropagation(); // not the notebook's own shortcuts
        if (tag === "BUTTON" || tag === "INPUT") return; // a button presses itself
        e.preventDefault();
        return play();
      }
      if (e.key === "Escape") { e.stopPropagation(); return showCard(-1); }
      var to = { ArrowRight: step + 1, ArrowLeft: step - 1, Home: 0, End: last }[e.key];
      if (to === undefined) return;
      e.stopPropagation();
      if (e.target === slider) return; // the slider moves itself
      e.preventDefault();
      stop();
      show(to, true);
    });
    root.addEventListener("pointerdown", function (e) {
      keyboard = false;
      if (!svg.contains(e.target)) showCard(-1); // (a tap on a box shows its card)
    });
    // Keyboard focus (Tab, or a key) shows the card of the value being processed.
    root.addEventListener("focusin", function (e) {
      if (keyboard || (e.target.matches && e.target.matches(":focus-visible"))) {
        keyboard = true;
        showCard(steps[step][0]);
      }
    });
    root.addEventListener("focusout", function (e) { if (!root.contains(e.relatedTarget)) showCard(-1); });

    // Zoom: never smaller than readable unless asked (Fit), never above 100 %.
    var zoomed = false;
    function readable() { return Math.min(1, Math.max(v.fitScale(), ${READABLE_SCALE})); }
    function zoom(to, asked) {
      zoomed = asked;
      v.zoom(to);
      root.setAttribute("data-zoom", asked ? String(to) : "auto");
      bar.querySelector(".dg-zoom").hidden = v.fitScale() >= 1;
      if (step >= 0) follow(false, false);
      if (carded >= 0) showCard(carded);
    }
    function layout() {
      if (!v.box.clientWidth) return false;
      zoom(readable(), false);
      return true;
    }
    var width = 0;
    new ResizeObserver(function () {
      var w = v.box.clientWidth;
      if (w && w !== width && !zoomed) layout();
      width = w;
    }).observe(host);
    layout();
    show(0, false);
  }
  var me = document.currentScript;
  var own = me && me.closest && me.closest("[data-denograd-stepper]");
  if (own) start(own);
  else document.querySelectorAll("[data-denograd-stepper]").forEach(start);
})();`;

/** The style of the controls, the caption (a fixed height: no jump between steps) and the card. */
function pageCss(): string {
  const s = ".denograd-stepper";
  const [cur, written, done] = [COLOURS.current, COLOURS.written, COLOURS.done];
  return [
    `${s}{font:13px/1.4 sans-serif;color:#222}`,
    `${s}:focus-visible{outline:2px solid #1565c0;outline-offset:2px}`,
    `${s} .dg-bar{display:flex;flex-wrap:wrap;align-items:center;gap:4px 6px;margin:0 0 4px}`,
    `${s} button{font:inherit;padding:2px 8px;cursor:pointer}`,
    `${s} button[aria-disabled=true]{opacity:.45;cursor:default}`,
    `${s} input[type=range]{width:180px;margin:0 4px}`,
    `${s} .dg-count{font-variant-numeric:tabular-nums;min-width:8.5em}`,
    `${s} .dg-zoom{margin-left:auto}`,
    `${s} .dg-caption{height:4.2em;overflow-y:auto;margin:0 0 2px}`,
    `${s} .dg-legend{font-size:12px;color:#444;margin:0 0 4px;display:flex;flex-wrap:wrap;gap:2px 14px}`,
    `${s} .dg-sw{display:inline-block;box-sizing:border-box;width:20px;height:13px;margin-right:4px;` +
    `vertical-align:-2px;background:#fff;border:1px solid ${COLOURS.untouched[1]}}`,
    `${s} .dg-sw[data-s=current]{background:${cur[0]};border:3px solid ${cur[1]}}`,
    `${s} .dg-sw[data-s=written]{background:${written[0]};border:2px solid ${written[1]}}`,
    `${s} .dg-sw[data-s=waiting]{border:2px dashed ${written[1]}}`,
    `${s} .dg-sw[data-s=done]{background:${done[0]};border:1.5px solid ${done[1]}}`,
    `${s} .denograd-view{border:1px solid #ddd}`,
    `${s} .dg-card{position:absolute;z-index:20;pointer-events:none;background:#fff;color:#111;` +
    `border:1px solid #444;border-radius:4px;box-shadow:0 2px 6px rgba(0,0,0,.25);padding:6px 9px;` +
    `font:13px/1.45 monospace;white-space:nowrap}`,
    `${s} .dg-title{font-weight:bold}`,
    `${s} .dg-bad{color:#b71c1c}`,
    // a glow around the hovered value's box and op, which keeps their state's own border
    `${s} svg .v.hl,${s} svg .o.hl{filter:drop-shadow(0 0 3px ${COLOURS.highlight}) ` +
    `drop-shadow(0 0 3px ${COLOURS.highlight})}`,
    `${s} svg .e.hl path,${s} svg .r.hl path{stroke:${COLOURS.highlight};stroke-width:3px}`,
    `${s} svg .e.hl path+path,${s} svg .r.hl path+path{fill:${COLOURS.highlight}}`,
  ].join("");
}
