/**
 * A concurrent edit (412 on an ETag'd save): the user's edits, the changes from the version
 * they opened to the one saved meanwhile, and the two merged. A field the user did not touch
 * takes the saved value; a field they changed keeps theirs.
 */
export function changedFields<T extends object>(from: T, to: T): string[] {
  return (Object.keys(to) as Array<keyof T>).filter((key) => JSON.stringify(from[key]) !== JSON.stringify(to[key])).map(String);
}

export function rebaseEdits<T extends object>(opened: T, mine: T, theirs: T): T {
  const merged = { ...theirs };
  for (const key of Object.keys(mine) as Array<keyof T>) {
    if (JSON.stringify(mine[key]) !== JSON.stringify(opened[key])) merged[key] = mine[key];
  }
  return merged;
}
