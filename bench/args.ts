/** The value of a `--name=value` flag of the bench's command line, or undefined when it is not given. */
export function benchOption(argv: readonly string[], name: string): string | undefined {
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}
