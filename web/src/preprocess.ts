/**
 * Turns a drawn stroke into what the network saw in training, following MNIST's own recipe (LeCun et al.):
 * the ink's bounding box is scaled, keeping its aspect ratio, to fit a 20x20 box (area averaging gives the
 * grey anti-aliased edges MNIST has), then placed in a 28x28 field so that its centre of mass is the centre.
 * The 28x28 bytes then go through the data layer's own 2x2 average pooling (28 -> 14) and the training
 * standardisation, so the page cannot drift from training. No DOM here: the e2e test runs this in Node.
 */
import { avgPool28to14 } from '../../src/data/pairs.js';
import { MNIST_PIXELS, MNIST_SIDE, PAIR_PIXELS } from '../../src/data/types.js';
import { standardizeValues, type Standardization } from '../../src/data/standardize.js';

export type { Standardization };

/** MNIST fits each digit in a 20x20 box inside the 28x28 field. */
const BOX = 20;
/** Ink below this intensity (0..1) does not count for the bounding box (canvas anti-aliasing dust). */
const INK_THRESHOLD = 0.05;

/** A greyscale picture, intensity 0 (background) .. 1 (full ink), row-major. */
export interface GrayImage {
  data: Float32Array;
  width: number;
  height: number;
}

interface Box {
  x0: number;
  y0: number;
  x1: number; // exclusive
  y1: number; // exclusive
}

function inkBox(img: GrayImage): Box | null {
  let x0 = img.width;
  let y0 = img.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[y * img.width + x] > INK_THRESHOLD) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Overlap weights for area-averaging `src` samples into `dst` samples along one axis:
 * w[d][s] = length of [s, s+1) inside destination cell d's footprint, divided by the footprint length.
 */
function areaWeights(src: number, dst: number): Float32Array[] {
  const scale = src / dst;
  const rows: Float32Array[] = [];
  for (let d = 0; d < dst; d++) {
    const lo = d * scale;
    const hi = (d + 1) * scale;
    const w = new Float32Array(src);
    for (let s = Math.floor(lo); s < Math.min(src, Math.ceil(hi)); s++) {
      w[s] = (Math.min(hi, s + 1) - Math.max(lo, s)) / scale;
    }
    rows.push(w);
  }
  return rows;
}

/** Area-average the crop `box` of `img` to `tw` x `th` (separable: rows first, then columns). */
function resizeCrop(img: GrayImage, box: Box, tw: number, th: number): Float32Array {
  const cw = box.x1 - box.x0;
  const ch = box.y1 - box.y0;
  const wx = areaWeights(cw, tw);
  const wy = areaWeights(ch, th);
  const tmp = new Float32Array(ch * tw);
  for (let y = 0; y < ch; y++) {
    const row = (box.y0 + y) * img.width + box.x0;
    for (let tx = 0; tx < tw; tx++) {
      const w = wx[tx];
      let acc = 0;
      for (let x = 0; x < cw; x++) if (w[x] !== 0) acc += w[x] * img.data[row + x];
      tmp[y * tw + tx] = acc;
    }
  }
  const out = new Float32Array(th * tw);
  for (let ty = 0; ty < th; ty++) {
    const w = wy[ty];
    for (let y = 0; y < ch; y++) {
      if (w[y] === 0) continue;
      for (let tx = 0; tx < tw; tx++) out[ty * tw + tx] += w[y] * tmp[y * tw + tx];
    }
  }
  return out;
}

/**
 * MNIST-style 28x28 digit (bytes 0..255) from a drawing, or null when there is no ink ("draw a digit").
 * The centre of mass lands on pixel (14, 14), rounded to whole pixels: that is where the real MNIST digits
 * have theirs (measured on the test sample: every one within half a pixel of 14, not of 13.5).
 * Ink shifted past the border is dropped.
 */
export function mnistDigitFromDrawing(img: GrayImage): Uint8Array | null {
  const box = inkBox(img);
  if (box === null) return null;
  const cw = box.x1 - box.x0;
  const ch = box.y1 - box.y0;
  const scale = BOX / Math.max(cw, ch);
  const tw = Math.max(1, Math.round(cw * scale));
  const th = Math.max(1, Math.round(ch * scale));
  const small = resizeCrop(img, box, tw, th);

  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  const centre = MNIST_SIDE / 2;
  const ox = Math.round(centre - mx / mass);
  const oy = Math.round(centre - my / mass);

  const out = new Uint8Array(MNIST_PIXELS);
  for (let y = 0; y < th; y++) {
    const fy = y + oy;
    if (fy < 0 || fy >= MNIST_SIDE) continue;
    for (let x = 0; x < tw; x++) {
      const fx = x + ox;
      if (fx < 0 || fx >= MNIST_SIDE) continue;
      out[fy * MNIST_SIDE + fx] = Math.round(255 * Math.min(1, small[y * tw + x]));
    }
  }
  return out;
}

/** A 28x28 digit -> the 14x14 network input of one image of a pair, pooled and standardised like training. */
export function networkInput(digit28: Uint8Array, standardization: Standardization | null): Float32Array {
  if (digit28.length !== MNIST_PIXELS) {
    throw new Error(`networkInput: expected ${MNIST_PIXELS} pixels (28x28), got ${digit28.length}`);
  }
  const out = new Float32Array(PAIR_PIXELS);
  avgPool28to14(digit28, 0, out, 0);
  // The training standardisation (scalars of the training pairs, from the weights' manifest), if it was on.
  return standardization === null ? out : standardizeValues(out, standardization, out);
}
