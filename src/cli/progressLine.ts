// A long read says what it is doing: the count of records read so far, on stderr (one line kept
// rewritten on a terminal, one line per step otherwise), so no command sits silent on a big run.

/** An openRun `onRecord` callback printing `<what>: <n> records` as the records pass (`unit`: what is counted, when not records). */
export function readingProgress(what: string, stream: NodeJS.WriteStream = process.stderr, unit = 'records'): (read: number, done: boolean) => void {
  let shown = false;
  return (read, done) => {
    if (done && !shown) return; // a read too short to have shown progress ends silently
    shown = true;
    const line = `${what}: ${read.toLocaleString('en-US')} ${unit}${done ? ', done' : '...'}`;
    if (stream.isTTY) stream.write(`\r${line}${done ? '\n' : ''}`);
    else stream.write(`${line}\n`);
  };
}
