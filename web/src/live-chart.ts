/**
 * Live training curves on a canvas: loss (left) and accuracy (right) per epoch, train solid and test dashed.
 * Redrawn whole on every epoch (a few dozen points), so it needs no plotting library in the page.
 */
import type { EpochMetrics } from '../../src/training/record.js';

const TRAIN = '#2f6fdb';
const TEST = '#d9622b';

interface Series {
  values: (number | null)[];
  color: string;
  dashed: boolean;
}

function panel(ctx: CanvasRenderingContext2D, x0: number, w: number, h: number, title: string, epochs: number,
  series: Series[], range: [number, number]): void {
  const pad = { l: 44, r: 10, t: 22, b: 26 };
  const pw = w - pad.l - pad.r;
  const ph = h - pad.t - pad.b;
  const [lo, hi] = range;
  const px = (e: number): number => x0 + pad.l + (epochs <= 1 ? pw / 2 : ((e - 1) / (epochs - 1)) * pw);
  const py = (v: number): number => pad.t + ph - ((v - lo) / (hi - lo || 1)) * ph;
  ctx.fillStyle = '#1d2330';
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(title, x0 + pad.l, 14);
  ctx.strokeStyle = '#cfd6e3';
  ctx.lineWidth = 1;
  ctx.strokeRect(x0 + pad.l, pad.t, pw, ph);
  ctx.fillStyle = '#5d6677';
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    ctx.fillText(v.toFixed(2), x0 + 4, py(v) + 4);
  }
  ctx.fillText(`epoch 1..${epochs}`, x0 + pad.l + pw / 2 - 30, h - 8);
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dashed ? [5, 4] : []);
    ctx.beginPath();
    let open = false;
    s.values.forEach((v, i) => {
      if (v === null) return;
      if (open) ctx.lineTo(px(i + 1), py(v));
      else ctx.moveTo(px(i + 1), py(v));
      open = true;
    });
    ctx.stroke();
    s.values.forEach((v, i) => {
      if (v !== null) ctx.fillRect(px(i + 1) - 2, py(v) - 2, 4, 4);
    });
  }
  ctx.setLineDash([]);
}

/**
 * Draws at the canvas's displayed size times the device pixel ratio, so its 12 px labels are 12 CSS px on any screen
 * (a fixed 900 px drawing scaled down to a phone's width made them unreadable). Shows the canvas if hidden.
 */
export function drawCurves(canvas: HTMLCanvasElement, history: EpochMetrics[], epochs: number): void {
  canvas.hidden = false;
  const ratio = window.devicePixelRatio || 1;
  const box = canvas.getBoundingClientRect();
  canvas.width = Math.max(1, Math.round(box.width * ratio));
  canvas.height = Math.max(1, Math.round(box.height * ratio));
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  const width = box.width;
  const height = box.height;
  ctx.clearRect(0, 0, width, height);
  const losses = history.flatMap((m) => [m.trainLoss, m.testLoss ?? m.trainLoss]);
  const maxLoss = Math.max(0.1, ...losses);
  const half = width / 2;
  panel(ctx, 0, half, height, 'loss', epochs, [
    { values: history.map((m) => m.trainLoss), color: TRAIN, dashed: false },
    { values: history.map((m) => m.testLoss), color: TEST, dashed: true },
  ], [0, maxLoss]);
  const accs = history.flatMap((m) => [m.trainAccuracy, m.testAccuracy ?? m.trainAccuracy]);
  panel(ctx, half, half, height, half < 260 ? 'accuracy (test dashed)' : 'accuracy (train solid, test dashed)', epochs, [
    { values: history.map((m) => m.trainAccuracy), color: TRAIN, dashed: false },
    { values: history.map((m) => m.testAccuracy), color: TEST, dashed: true },
  ], [Math.min(0.5, ...accs), 1]);
}
