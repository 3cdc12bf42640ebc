import { didYouMean } from "./suggest.ts";

/**
 * One cloud's region codes. Codes are matched case-insensitively (`US-EAST-1` is `us-east-1`) and
 * answered in the cloud's own casing; an unknown code is explained with the closest known ones.
 */
export class RegionCatalog {
  readonly cloud: string;
  readonly codes: readonly string[];
  /** A code shown in documentation and errors. */
  readonly example: string;
  readonly #byLower: ReadonlyMap<string, string>;

  constructor(cloud: string, codes: readonly string[], example: string) {
    this.cloud = cloud;
    this.codes = codes;
    this.example = example;
    this.#byLower = new Map(codes.map((c) => [c.toLowerCase(), c]));
    if (!this.#byLower.has(example.toLowerCase())) throw new Error(`${cloud}: example region ${example} is not a region`);
  }

  /** The region in the cloud's casing, or undefined when it is not one of the cloud's regions. */
  normalize(raw: string): string | undefined {
    return this.#byLower.get(raw.trim().toLowerCase());
  }

  has(code: string): boolean {
    return this.#byLower.get(code.toLowerCase()) === code;
  }

  /** Why `raw` is not a region, with the closest codes. */
  explain(raw: string): string {
    return `"${raw.slice(0, 40)}" is not a ${this.cloud} region code such as ${this.example}${didYouMean(raw, this.codes)}`;
  }
}
