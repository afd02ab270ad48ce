// Pictures in a notebook, whatever shows them. A graph or chart is sent to Jupyter as one
// `text/html` output that holds three things:
//
// - a PNG `<img>` of the picture: what a viewer that runs no script shows (an untrusted notebook
//   in the classic Notebook or JupyterLab, which sanitise HTML, GitHub);
// - the SVG, carried as the text of a `<script type="image/svg+xml">`, which runs nothing and
//   which sanitisers drop whole (inline SVG markup would be reduced to a heap of its texts);
// - a script that swaps the PNG for the SVG in a box that fits the output area's width, zooms on
//   a click and opens a graph too big to read when fitted at a readable size, on its output.
//
// `image/svg+xml` is left out on purpose: every front end that shows SVG prefers the HTML, the
// classic Notebook drops SVG from untrusted notebooks, and Debian's nbconvert 6.5.3 blanks it
// in HTML exports (it inserts `text/html` as it is, so the exported page runs the script).
import { rasterise, svgSize, toBase64 } from "./_image.ts";

/** The fallback PNG has at most this many pixels... */
const FALLBACK_PIXELS = 4e6;
/** ...and is at most this wide: twice a classic Notebook's output area, which fits it to width. */
const FALLBACK_WIDTH = 2400;

/**
 * The PNG a viewer without scripts shows: two pixels per CSS pixel, so it is sharp on high-DPI
 * screens, but never more than {@linkcode FALLBACK_WIDTH} wide or {@linkcode FALLBACK_PIXELS} in
 * all (a viewer shows a wide picture fitted to its width anyway), which keeps notebooks small.
 */
export function fallbackPng(svg: string): Promise<Uint8Array> {
  return rasterise(svg, fallbackScale(svgSize(svg)));
}

/** The scale {@linkcode fallbackPng} draws a picture of `size` CSS pixels at. */
export function fallbackScale(size: { width: number; height: number }): number {
  const { width, height } = size;
  return Math.min(2, FALLBACK_WIDTH / width, Math.sqrt(FALLBACK_PIXELS / (width * height)));
}

/** The `<img>` of `png`, shown at the picture's size in CSS pixels (or fitted to the width). */
export function fallbackImg(
  png: Uint8Array,
  size: { width: number; height: number },
  alt: string,
): string {
  return `<img src="data:image/png;base64,${toBase64(png)}" width="${Math.round(size.width)}" ` +
    `height="${Math.round(size.height)}" alt="${escapeAttribute(alt)}">`;
}

/**
 * SVG markup as the text of a script element that runs nothing, for a script to read. Graphviz
 * and Vega escape `<` in text, so `</script` cannot occur in it; it is escaped all the same.
 */
export function inertSvg(svg: string): string {
  return `<script type="image/svg+xml">${svg.replace(/<\/(script)/gi, "<\\/$1")}</script>`;
}

/** Text for a double-quoted HTML attribute. */
export function escapeAttribute(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

/** What {@linkcode figureHtml} shows besides the SVG. */
export interface FigureOptions {
  /** The text form, for the PNG's `alt` and for screen readers. */
  alt: string;
  /** The size at 100 %, in CSS pixels, of the picture's main text (Graphviz's records: 14). */
  textSize: number;
  /** The Graphviz node (its name, such as `n9`) a figure too big to read opens on: the output. */
  anchor?: string;
}

/**
 * The `text/html` of a picture: the PNG for viewers without scripts, the SVG and the script
 * that shows it (see the top of this file).
 */
export async function figureHtml(svg: string, options: FigureOptions): Promise<string> {
  const size = svgSize(svg);
  const png = await fallbackPng(svg);
  const anchor = options.anchor === undefined
    ? ""
    : ` data-anchor="${escapeAttribute(options.anchor)}"`;
  return `<div class="denograd-figure" data-denograd-figure data-text-size="${options.textSize}"` +
    `${anchor}>${fallbackImg(png, size, options.alt)}${inertSvg(svg)}` +
    `<script>${FIGURE_SCRIPT}</script></div>`;
}

/** In a figure, text this small or smaller when fitted is too small: it opens zoomed instead. */
const MIN_FITTED_TEXT = 7;
/** The text size a too-big figure opens at, in CSS pixels. */
const READABLE_TEXT = 10;

/**
 * The page's viewer, as the source of a function expression `function (host, svg, size)`: puts
 * `svg` (of `size` CSS pixels at 100 %) into a scrolling box appended to `host` and returns
 *
 * - `box`: the scrolling box;
 * - `scale()`: the scale it shows the SVG at;
 * - `fitScale()`: the scale at which the SVG's width fits the box (at most 1);
 * - `zoom(scale, x, y)`: show it at `scale`; with `x, y` (in the SVG's pixels at 100 %), keep
 *   that point where it was on screen, or centre it when it was out of view;
 * - `axis(r0, r1, c0, c1, at, size, most)`: along one axis of the box (scrolled to `at`, `size`
 *   long, `most` in all), where to scroll so that `[r0, r1]` shows, centred if it did not, or as
 *   much of it as fits with `[c0, c1]` in view;
 * - `motion(smooth)`: the `behavior` of a scroll, `"auto"` where reduced motion is asked for;
 * - `reveal(element, smooth)`: scroll the box so that an element of the SVG is inside it.
 */
export const VIEWER = `function (host, svg, size) {
  var box = document.createElement("div");
  box.className = "denograd-view";
  // contain: its width is its container's, never its content's (a flex item, as some front
  // ends make outputs, would otherwise grow to the SVG at 100 % before it can be fitted)
  box.style.cssText = "overflow:auto;max-width:100%;max-height:80vh;position:relative;" +
    "contain:inline-size";
  svg.removeAttribute("style");
  svg.style.cssText = "display:block;max-width:none;max-height:none";
  box.appendChild(svg);
  host.appendChild(box);
  var scale = 0;
  function fitScale() {
    return Math.min(1, (box.clientWidth || host.clientWidth) / size.width);
  }
  function zoom(to, x, y) {
    var sx = x === undefined ? 0 : x * scale - box.scrollLeft;
    var sy = y === undefined ? 0 : y * scale - box.scrollTop;
    var seen = sx >= 0 && sx <= box.clientWidth && sy >= 0 && sy <= box.clientHeight;
    scale = to;
    svg.style.width = size.width * to + "px";
    svg.style.height = size.height * to + "px";
    if (x === undefined) return;
    if (!seen) { sx = box.clientWidth / 2; sy = box.clientHeight / 2; }
    box.scrollLeft = x * to - sx;
    box.scrollTop = y * to - sy;
  }
  // One axis of a scroll: the position that shows [r0, r1] (with a margin), or failing that as
  // much of it as can be shown with [c0, c1] in view; where it is in view already, no move.
  function axis(r0, r1, c0, c1, at, size, most) {
    var m = 12;
    r0 -= m; r1 += m; c0 -= m; c1 += m;
    if (r0 >= at && r1 <= at + size) return at;
    var to = (r0 + r1 - size) / 2;
    if (r1 - r0 > size) to = Math.min(Math.max(to, c1 - size), c0);
    return Math.max(0, Math.min(to, most - size));
  }
  // How to scroll: smoothly if asked, unless the learner asked for reduced motion.
  function motion(smooth) {
    var calm = !window.matchMedia || window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    return smooth && !calm ? "smooth" : "auto";
  }
  function reveal(element, smooth) {
    var b = box.getBoundingClientRect(), q = element.getBoundingClientRect();
    var x0 = q.left - b.left + box.scrollLeft, y0 = q.top - b.top + box.scrollTop;
    var x1 = x0 + q.width, y1 = y0 + q.height;
    box.scrollTo({
      left: axis(x0, x1, x0, x1, box.scrollLeft, box.clientWidth, box.scrollWidth),
      top: axis(y0, y1, y0, y1, box.scrollTop, box.clientHeight, box.scrollHeight),
      behavior: motion(smooth),
    });
  }
  return {
    box: box, scale: function () { return scale; }, fitScale: fitScale, zoom: zoom, axis: axis,
    motion: motion, reveal: reveal,
  };
}`;

/**
 * The figure's script: finds its figure (or, where the page runs output scripts detached from
 * their element, as the classic Notebook does, every figure not yet started) and shows the SVG.
 *
 * A figure whose text stays at least {@linkcode MIN_FITTED_TEXT} px when fitted to the width is
 * fitted (never enlarged); a bigger one opens with its text at {@linkcode READABLE_TEXT} px,
 * scrolled to its anchor (a graph's output). A click toggles between the whole picture and 100 %
 * at the point clicked; dragging pans.
 */
const FIGURE_SCRIPT = `(function () {
  var view = ${VIEWER};
  function start(figure) {
    if (figure.hasAttribute("data-ready")) return;
    var carrier = figure.querySelector("script[type='image/svg+xml']");
    var img = figure.querySelector("img");
    if (!carrier || !img) return;
    figure.setAttribute("data-ready", "");
    var holder = document.createElement("div");
    holder.innerHTML = carrier.textContent;
    var svg = holder.querySelector("svg");
    var size = {
      width: Number(img.getAttribute("width")), height: Number(img.getAttribute("height")),
    };
    var text = Number(figure.getAttribute("data-text-size"));
    var anchor = null, name = figure.getAttribute("data-anchor");
    svg.querySelectorAll("g.node > title").forEach(function (t) {
      if (t.textContent === name) anchor = t.parentNode;
    });
    var bar = document.createElement("div");
    bar.className = "denograd-zoom";
    bar.hidden = true;
    bar.style.cssText = "font:12px sans-serif;color:#444;margin:0 0 4px";
    bar.innerHTML = '<button type="button" data-zoom="fit">Fit</button> ' +
      '<button type="button" data-zoom="1">100%</button> ' +
      '<span>click the picture to zoom in or out; drag to move</span>';
    figure.appendChild(bar);
    var v = view(figure, svg, { width: size.width, height: size.height });
    img.remove();
    var zoomed = false;
    function fit() {
      zoomed = false;
      v.zoom(v.fitScale());
      v.box.style.cursor = v.scale() < 1 ? "zoom-in" : "";
      figure.setAttribute("data-zoom", "fit");
    }
    function zoomTo(scale, x, y) {
      zoomed = true;
      v.zoom(scale, x, y);
      v.box.style.cursor = "zoom-out";
      figure.setAttribute("data-zoom", String(scale));
    }
    function layout() {
      if (!v.box.clientWidth) return false;
      var small = v.fitScale() * text < ${MIN_FITTED_TEXT};
      bar.hidden = v.fitScale() >= 1;
      if (!small) fit();
      else {
        zoomTo(${READABLE_TEXT} / text);
        if (anchor) v.reveal(anchor, false);
      }
      return true;
    }
    bar.onclick = function (e) {
      var z = e.target.getAttribute && e.target.getAttribute("data-zoom");
      if (z === "fit") fit();
      else if (z) { // 100 % at the middle of what is in view
        var s = v.scale();
        zoomTo(1, (v.box.scrollLeft + v.box.clientWidth / 2) / s,
          (v.box.scrollTop + v.box.clientHeight / 2) / s);
      }
    };
    var drag = null;
    v.box.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, left: v.box.scrollLeft, top: v.box.scrollTop };
    });
    v.box.addEventListener("pointermove", function (e) {
      if (!drag) return;
      var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 5) return;
      drag.moved = true;
      v.box.scrollLeft = drag.left - dx;
      v.box.scrollTop = drag.top - dy;
    });
    v.box.addEventListener("pointerup", function (e) {
      var d = drag;
      drag = null;
      if (!d || d.moved || bar.hidden) return;
      var r = svg.getBoundingClientRect(), s = v.scale();
      if (zoomed && s >= 1) fit();
      else zoomTo(1, (e.clientX - r.left) / s, (e.clientY - r.top) / s);
    });
    if (!layout()) {
      var watch = new ResizeObserver(function () { if (layout()) watch.disconnect(); });
      watch.observe(v.box);
    }
    var width = 0;
    new ResizeObserver(function () {
      var w = v.box.clientWidth;
      if (w && width && w !== width && !zoomed) fit();
      width = w;
    }).observe(figure);
  }
  var me = document.currentScript;
  var own = me && me.closest && me.closest("[data-denograd-figure]");
  if (own) start(own);
  else document.querySelectorAll("[data-denograd-figure]").forEach(start);
})();`;
