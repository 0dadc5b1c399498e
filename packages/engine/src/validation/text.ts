/**
 * `https://host/api///` → `https://host/api`. A loop rather than `/\/+$/`: a search for that
 * pattern restarts at every slash of a run that does not end the string, which is quadratic.
 */
export function trimTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end--;
  return text.slice(0, end);
}
