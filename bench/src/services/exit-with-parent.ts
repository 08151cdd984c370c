// preloaded into every process the bench starts: should the bench itself be killed before it
// can stop them, they stop too (an orphan is re-parented, and its parent pid changes)
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 1_000).unref();
