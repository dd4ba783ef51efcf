export function checkImports(files: Map<string, string>): string[];
export function readSources(root: string): Map<string, string>;
