function minRooms(meetings) {
  const events = [];
  for (const [s, e] of meetings) {
    events.push([s, 1]);
    events.push([e, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let busy = 0;
  let best = 0;
  for (const [, d] of events) {
    busy += d;
    best = Math.max(best, busy);
  }
  return best;
}

module.exports = { minRooms };
