/// <reference lib="dom" />
// Functions the browser test runs inside a Jupyter Notebook 6 page (with playwright's
// page.evaluate). Each is sent as source text, so each must be self-contained.

/** What one SVG output looks like once laid out in the page. */
export interface SvgReport {
  /** Its laid-out size in CSS pixels. */
  width: number;
  height: number;
  /** Its `width` attribute in CSS pixels: its size before any shrinking. */
  naturalWidth: number;
  /** The width of the output area it sits in. */
  containerWidth: number;
  /** Whether it fits its output area. */
  fits: boolean;
  /** Whether an ancestor scrolls sideways far enough to show all of it. */
  scrollable: boolean;
  /** The contents of its `<text>` elements, in document order. */
  texts: string[];
  /** How many record nodes (boxes split into cells) it has. */
  records: number;
  /** Whether it is a `stepBackward()` stepper's, whose texts change as it steps. */
  stepper: boolean;
}

/** What one code cell shows after running. */
export interface CellReport {
  /** The cell's index among all of the notebook's cells. */
  index: number;
  /** `ename: evalue` of each error output. */
  errors: string[];
  /** The text of its printed (stream) outputs, as shown. */
  printed: string;
  svgs: SvgReport[];
  /** Each `<img>` output's laid-out and natural size. */
  images: { width: number; height: number; naturalWidth: number; naturalHeight: number }[];
}

// deno-lint-ignore no-explicit-any
type Notebook = any;

/**
 * Where the page is: loaded with its kernel connected, which code cells (by index among all
 * cells) have not run, whether the kernel is busy, and the size of all outputs so far.
 */
export function runState(): { ready: boolean; pending: number[]; busy: boolean; outputs: number } {
  const nb: Notebook = (globalThis as Notebook).Jupyter?.notebook;
  if (!nb?._fully_loaded || !nb.kernel?.is_connected()) {
    return { ready: false, pending: [], busy: true, outputs: 0 };
  }
  const cells = nb.get_cells();
  const pending = cells.flatMap((c: Notebook, i: number) =>
    c.cell_type === "code" && c.get_text().trim() !== "" &&
      typeof c.input_prompt_number !== "number"
      ? [i]
      : []
  );
  const outputs = JSON.stringify(cells.map((c: Notebook) => c.output_area?.outputs)).length;
  return { ready: true, pending, busy: nb.kernel_busy, outputs };
}

/** Turn autosave off, so the file on disk stays as it is, and clear the saved outputs. */
export function prepare(): void {
  const nb: Notebook = (globalThis as Notebook).Jupyter.notebook;
  nb.set_autosave_interval(0);
  nb.clear_all_output();
}

/** Run one cell, as Shift+Enter would. */
export function runCell(index: number): void {
  (globalThis as Notebook).Jupyter.notebook.execute_cells([index]);
}

/** Mark the notebook clean, so leaving the page neither saves nor asks to. */
export function forget(): void {
  const nb: Notebook = (globalThis as Notebook).Jupyter.notebook;
  nb.set_autosave_interval(0);
  nb.set_dirty(false);
}

/** Report every code cell's outputs. */
export function inspectCells(): CellReport[] {
  const nb: Notebook = (globalThis as Notebook).Jupyter.notebook;
  const reports: CellReport[] = [];
  nb.get_cells().forEach((cell: Notebook, index: number) => {
    if (cell.cell_type !== "code") return;
    const element: HTMLElement = cell.element[0];
    const errors = cell.output_area.outputs
      .filter((o: Notebook) => o.output_type === "error")
      .map((o: Notebook) => `${o.ename}: ${o.evalue}`);
    const printed = [...element.querySelectorAll<HTMLElement>(".output_stream")]
      .map((e) => e.innerText).join("\n");
    const svgs = [...element.querySelectorAll<SVGSVGElement>(".output_area svg")]
      .filter((svg) => svg.querySelector("g.graph"))
      .map((svg) => {
        const rect = svg.getBoundingClientRect();
        const container = svg.closest<HTMLElement>(".output_subarea") ?? svg.parentElement!;
        const box = container.getBoundingClientRect();
        // The nearest ancestor that scrolls sideways, if any, must reach the SVG's right edge.
        let scroller: HTMLElement | null = svg.parentElement;
        while (scroller && !/auto|scroll/.test(getComputedStyle(scroller).overflowX)) {
          scroller = scroller.parentElement;
        }
        const scrollable = scroller !== null &&
          scroller.scrollWidth >= rect.right - scroller.getBoundingClientRect().left +
              scroller.scrollLeft - 1;
        return {
          width: rect.width,
          height: rect.height,
          naturalWidth: parseFloat(svg.getAttribute("width") ?? "0"),
          containerWidth: box.width,
          fits: rect.right <= box.right + 1 && rect.left >= box.left - 1,
          scrollable,
          texts: [...svg.querySelectorAll("text")].map((t) => t.textContent ?? ""),
          records: [...svg.querySelectorAll("g.node")].filter((n) => n.querySelector("polyline"))
            .length,
          stepper: svg.closest("[data-denograd-stepper]") !== null,
        };
      });
    const images = [...element.querySelectorAll<HTMLImageElement>(".output_area img")].map(
      (img) => ({
        width: img.getBoundingClientRect().width,
        height: img.getBoundingClientRect().height,
        naturalWidth: img.naturalWidth,
        naturalHeight: img.naturalHeight,
      }),
    );
    reports.push({ index, errors, printed, svgs, images });
  });
  return reports;
}

/**
 * Every record cell's text that is not inside its cell, drawn in `font` (or in the font the SVG
 * asks for when `font` is `null`): `"<text>" x…x in cell x…x` descriptions, in SVG units.
 */
export function textsOutsideCells(font: string | null): string[] {
  const problems: string[] = [];
  const slack = 0.5; // rounding in Graphviz's coordinates
  for (const node of document.querySelectorAll<SVGGElement>(".output_area svg g.node")) {
    const separators = [...node.querySelectorAll<SVGPolylineElement>("polyline")];
    if (separators.length === 0) continue; // an op node, not a record
    const outline = node.querySelector<SVGPolygonElement>("polygon")!.getBBox();
    const lines = separators.map((s) => s.getBBox());
    for (const text of node.querySelectorAll<SVGTextElement>("text")) {
      const before = text.style.fontFamily;
      if (font !== null) text.style.fontFamily = font;
      const b = text.getBBox();
      text.style.fontFamily = before;
      const cx = b.x + b.width / 2, cy = b.y + b.height / 2;
      let [left, right] = [outline.x, outline.x + outline.width];
      let [top, bottom] = [outline.y, outline.y + outline.height];
      for (const l of lines) {
        if (l.width < 0.01 && l.y <= cy && cy <= l.y + l.height) { // a vertical separator
          if (l.x <= cx) left = Math.max(left, l.x);
          else right = Math.min(right, l.x);
        }
        if (l.height < 0.01 && l.x <= cx && cx <= l.x + l.width) { // a horizontal one
          if (l.y <= cy) top = Math.max(top, l.y);
          else bottom = Math.min(bottom, l.y);
        }
      }
      if (
        b.x < left - slack || b.x + b.width > right + slack || b.y < top - slack ||
        b.y + b.height > bottom + slack
      ) {
        const f = (a: number, z: number) => `${a.toFixed(1)}…${z.toFixed(1)}`;
        problems.push(
          `"${text.textContent}" x ${f(b.x, b.x + b.width)} y ${f(b.y, b.y + b.height)} ` +
            `in cell x ${f(left, right)} y ${f(top, bottom)}`,
        );
      }
    }
  }
  return problems;
}

/** Let the page scroll as a whole, so a full-page screenshot shows every cell. */
export function unrollForScreenshot(): void {
  const style = document.createElement("style");
  style.textContent =
    "html, body, #site { height: auto !important; overflow: visible !important; }";
  document.head.append(style);
}

/** What a saved graph, chart or stepper output shows in an untrusted notebook. */
export interface PictureReport {
  /** The cell's index among all of the notebook's cells, and the output's text form. */
  index: number;
  kind: string;
  /** Its `<img>`s: natural width (0 if it did not load), and whether it lies inside the area. */
  images: { naturalWidth: number; width: number; inside: boolean }[];
  /** How many `<svg>` elements it shows. */
  svgs: number;
  /** The text it shows (a sanitised SVG or script would leave its labels here). */
  text: string;
}

/**
 * Every saved output whose text form is a graph's, a chart's or a stepper's (`Graph(...)`,
 * `Chart(...)`, `StepBackward(...)`), as the page shows it.
 */
export function inspectPictures(): PictureReport[] {
  const nb: Notebook = (globalThis as Notebook).Jupyter.notebook;
  const reports: PictureReport[] = [];
  nb.get_cells().forEach((cell: Notebook, index: number) => {
    if (cell.cell_type !== "code") return;
    const areas = cell.output_area.element[0].querySelectorAll(":scope > .output_area");
    cell.output_area.outputs.forEach((output: Notebook, k: number) => {
      const kind = [output.data?.["text/plain"] ?? ""].flat().join("");
      if (!/^(Graph|Chart|StepBackward)\(/.test(kind)) return;
      const sub: HTMLElement = areas[k].querySelector(".output_subarea");
      const box = sub.getBoundingClientRect();
      reports.push({
        index,
        kind,
        images: [...sub.querySelectorAll("img")].map((img) => {
          const r = img.getBoundingClientRect();
          return {
            naturalWidth: img.naturalWidth,
            width: r.width,
            inside: r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1,
          };
        }),
        svgs: sub.querySelectorAll("svg").length,
        text: sub.innerText.trim(),
      });
    });
  });
  return reports;
}

/** How a figure (a graph or chart shown by its script) lies in the page. */
export interface FigureReport {
  /** The cell's index among all of the notebook's cells. */
  index: number;
  /** Whether its script replaced the PNG with the SVG. */
  shown: boolean;
  /** The SVG's size at 100 % and as shown, in CSS pixels. */
  naturalWidth: number;
  width: number;
  /** The smallest text's size as shown, in CSS pixels (its font size times the scale). */
  textPx: number;
  /** Whether the scrolling box lies inside the output area. */
  inArea: boolean;
  /** Whether all of the picture is in view without scrolling. */
  whole: boolean;
  /** Whether the box can scroll to show the rest. */
  scrolls: boolean;
  /** Whether the node it opens on (a graph's output) is inside the box's visible part. */
  anchorInView: boolean | null;
}

/** Every figure in the page's output areas (not steppers: they are checked on their own). */
export function inspectFigures(): FigureReport[] {
  const nb: Notebook = (globalThis as Notebook).Jupyter.notebook;
  const reports: FigureReport[] = [];
  const inside = (r: DOMRect, b: DOMRect) =>
    r.left >= b.left - 1 && r.right <= b.right + 1 && r.top >= b.top - 1 &&
    r.bottom <= b.bottom + 1;
  nb.get_cells().forEach((cell: Notebook, index: number) => {
    if (cell.cell_type !== "code") return;
    for (const figure of cell.element[0].querySelectorAll("[data-denograd-figure]")) {
      const svg = figure.querySelector("svg");
      const box: HTMLElement | null = figure.querySelector(".denograd-view");
      if (!svg || !box) {
        reports.push({
          index,
          shown: false,
          naturalWidth: 0,
          width: 0,
          textPx: 0,
          inArea: false,
          whole: false,
          scrolls: false,
          anchorInView: null,
        });
        continue;
      }
      const naturalWidth = parseFloat(svg.getAttribute("width") ?? "0");
      const width = svg.getBoundingClientRect().width;
      const sizes = [...svg.querySelectorAll("text")].map((t) =>
        parseFloat(t.getAttribute("font-size") ?? getComputedStyle(t).fontSize)
      );
      const area = figure.closest(".output_subarea")!.getBoundingClientRect();
      const view = box.getBoundingClientRect();
      let anchorInView: boolean | null = null;
      const name = figure.getAttribute("data-anchor");
      if (name) {
        const title = [...svg.querySelectorAll("g.node > title")].find((t) =>
          t.textContent === name
        );
        anchorInView = title !== undefined &&
          inside(title.parentElement!.getBoundingClientRect(), view);
      }
      reports.push({
        index,
        shown: true,
        naturalWidth,
        width,
        textPx: Math.min(...sizes) * width / naturalWidth,
        inArea: inside(view, area),
        whole: box.scrollWidth <= box.clientWidth + 1 && box.scrollHeight <= box.clientHeight + 1,
        scrolls: box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1,
        anchorInView,
      });
    }
  });
  return reports;
}
