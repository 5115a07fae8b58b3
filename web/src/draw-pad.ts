/**
 * A square canvas to draw one digit on, with mouse, pen or finger (Pointer Events cover all three;
 * `touch-action: none` in the CSS keeps the finger from scrolling the page). White ink on black, as MNIST.
 *
 * The pad holds either a drawing or an exact 28x28 MNIST digit shown scaled up ("random test pair"):
 * an exact digit goes to the network as is, since it already is MNIST-preprocessed; drawing over it turns
 * it into a drawing. Code that paints on the canvas directly (the e2e test does) dispatches a 'change'
 * event on the canvas so the pad re-reads it.
 */
import type { GrayImage } from './preprocess.js';
import { MNIST_SIDE } from '../../src/data/types.js';

export type PadContent =
  | { kind: 'empty' }
  | { kind: 'drawing'; image: GrayImage }
  | { kind: 'mnist'; digit: Uint8Array; label: number; index: number };

export class DrawPad {
  private readonly ctx: CanvasRenderingContext2D;
  private exact: { digit: Uint8Array; label: number; index: number } | null = null;
  private inked = false;
  private last: { x: number; y: number } | null = null;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onChange: () => void,
  ) {
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx === null) throw new Error('this browser gives no 2D canvas context');
    this.ctx = ctx;
    this.clear(false);
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', (e) => this.up(e));
    canvas.addEventListener('pointercancel', (e) => this.up(e));
    canvas.addEventListener('change', () => {
      this.exact = null;
      this.inked = true;
      this.onChange();
    });
  }

  /** Brush width relative to the pad: a digit drawn across most of the pad gets MNIST-like stroke width. */
  private get brush(): number {
    return this.canvas.width / 14;
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) / r.width) * this.canvas.width,
      y: ((e.clientY - r.top) / r.height) * this.canvas.height,
    };
  }

  private down(e: PointerEvent): void {
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.exact = null;
    this.inked = true;
    this.last = this.point(e);
    this.stroke(this.last, this.last);
    this.onChange();
  }

  private move(e: PointerEvent): void {
    if (this.last === null) return;
    e.preventDefault();
    const p = this.point(e);
    this.stroke(this.last, p);
    this.last = p;
    this.onChange();
  }

  private up(e: PointerEvent): void {
    if (this.last === null) return;
    this.last = null;
    if (this.canvas.hasPointerCapture(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
    this.onChange();
  }

  private stroke(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const ctx = this.ctx;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = this.brush;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
  }

  clear(notify = true): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.exact = null;
    this.inked = false;
    if (notify) this.onChange();
  }

  /** Shows an MNIST digit (28x28 bytes) scaled up, and keeps it to feed the network exactly. */
  showMnist(digit: Uint8Array, label: number, index: number): void {
    const img = new ImageData(MNIST_SIDE, MNIST_SIDE);
    for (let i = 0; i < digit.length; i++) {
      img.data.set([digit[i], digit[i], digit[i], 255], 4 * i);
    }
    const small = document.createElement('canvas');
    small.width = MNIST_SIDE;
    small.height = MNIST_SIDE;
    small.getContext('2d')!.putImageData(img, 0, 0);
    this.ctx.imageSmoothingEnabled = false;
    this.ctx.drawImage(small, 0, 0, this.canvas.width, this.canvas.height);
    this.exact = { digit, label, index };
    this.inked = true;
    this.onChange();
  }

  content(): PadContent {
    if (this.exact !== null) return { kind: 'mnist', ...this.exact };
    if (!this.inked) return { kind: 'empty' };
    const { width, height } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const data = new Float32Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = rgba[4 * i] / 255;
    return { kind: 'drawing', image: { data, width, height } };
  }
}
