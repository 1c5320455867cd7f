/** The repository's root directory. */
export const root: string;
/** Compiles each entry of src/ and every module it imports into dist/. */
export function compileModuleGraph(entries: readonly string[]): void;
