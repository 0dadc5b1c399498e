const mods = process.argv.slice(2);
const mb = () => Math.round(process.memoryUsage().rss / 1048576);
let prev = mb();
console.log('bare', prev);
for (const m of mods) { await import(m); global.gc?.(); const now = mb(); console.log(m, now, '+' + (now - prev)); prev = now; }
