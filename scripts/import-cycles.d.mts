/** Every .ts file below `folder`, skipping dependencies and build output. */
export function typescriptFiles(folder: string): string[];
/** Each import cycle as the sorted real paths of its files. */
export function findImportCycles(files: readonly string[]): string[][];
