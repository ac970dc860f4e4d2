// A line cut for display as Sentry trims context lines: at most ~140 characters around the
// column (0-based), "{snip}" where cut. One rule for the collector's source context
// (demo/collector/sourcemaps.js) and the viewer's own view of a same-origin script.
export function trimLine(line, column = 0) {
  if (line.length <= 150) return line;
  const col = Math.max(0, Math.min(line.length, column));
  let start = Math.max(0, col - 60);
  if (start < 5) start = 0;
  let end = Math.min(line.length, start + 140);
  if (end > line.length - 5) end = line.length;
  if (end === line.length) start = Math.max(0, end - 140);
  return `${start > 0 ? '{snip} ' : ''}${line.slice(start, end)}${end < line.length ? ' {snip}' : ''}`;
}
