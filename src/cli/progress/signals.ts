const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Ctrl-C (SIGINT), a SIGTERM or an exit while the bar is on screen: `clear` takes it off, then the signal
 * does what it did before there was a bar (Node ends the process; a migration's transaction is rolled back
 * by the database when the connection drops). A listener would otherwise keep Node from ending the process,
 * so it is removed and the signal sent again. Returns the undo.
 */
export function clearOnInterrupt(clear: () => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    clear();
    process.kill(process.pid, signal);
  };
  const remove = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off("exit", clear);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on("exit", clear);
  return remove;
}
