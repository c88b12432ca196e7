/**
 * The defaults with every option the caller set (not `undefined`) laid over them: the first step of
 * each options resolver, before it validates the filled values.
 */
export function withDefaults<T extends object>(defaults: Readonly<Required<T>>, options: T): Required<T> {
  const filled = { ...defaults } as Required<T>;
  for (const key of Object.keys(defaults) as (keyof T)[]) {
    const value = options[key];
    if (value !== undefined) filled[key] = value as Required<T>[keyof T];
  }
  return filled;
}
