/** Argument checks shared by the kernel families: errors name the function, the operand and the sizes. */

export function checkLength(fn: string, name: string, arr: ArrayLike<number>, need: number): void {
  if (arr.length < need) throw new Error(`${fn}: ${name} has ${arr.length} elements, needs ${need}`);
}
