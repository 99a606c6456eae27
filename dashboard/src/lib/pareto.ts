/**
 * The points no other point beats on both axes at once: nothing with less or equal forgetting has
 * more new-label accuracy (and nothing with equal accuracy forgets less). Sorted by forgetting.
 * Of identical points only one is on the front.
 */
export function paretoFront<T>(points: T[], forgetting: (point: T) => number, newAccuracy: (point: T) => number): T[] {
  const sorted = [...points].sort((a, b) => forgetting(a) - forgetting(b) || newAccuracy(b) - newAccuracy(a));
  const front: T[] = [];
  let best = Number.NEGATIVE_INFINITY;
  for (const point of sorted) {
    if (newAccuracy(point) > best) {
      front.push(point);
      best = newAccuracy(point);
    }
  }
  return front;
}
