import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import Assembler from "stream-json/assembler.js";
import { parser } from "stream-json/parser.js";
import { type PriceFilter, type PriceListProduct, parsePriceListItem } from "./price-list.ts";

/**
 * Reads one AWS bulk offer file (`offers/v1.0/aws/<OfferCode>/current/<region>/index.json`) as a
 * stream: a region's EC2 offer is hundreds of MB, so it is never held whole. Products are assembled
 * one at a time and kept only when `keep` accepts them; the OnDemand terms are assembled only for the
 * products kept. AWS writes `products` before `terms`; a file with terms first is refused.
 */

export interface OfferProduct {
  sku: string;
  productFamily?: string;
  attributes: Record<string, string>;
}

export interface StreamedOffer {
  url: string;
  offerCode: string;
  version: string;
  publicationDate: string;
  products: PriceListProduct[];
  /** Products read in the whole file (kept or not), for the report. */
  productsRead: number;
}

export type Fetcher = (url: string) => Promise<Response>;

/** A Price List GetProducts filter, applied to an offer-file product (the same filters live mode sends). */
export function matchesFilters(product: OfferProduct, filters: readonly PriceFilter[]): boolean {
  return filters.every((f) => {
    const value = f.field.toLowerCase() === "productfamily" ? product.productFamily : attribute(product.attributes, f.field);
    switch (f.type ?? "TERM_MATCH") {
      case "TERM_MATCH":
      case "EQUALS":
        return value === f.value;
      case "CONTAINS":
        return value !== undefined && value.includes(f.value);
      case "ANY_OF":
        return value !== undefined && f.value.split(",").includes(value);
      case "NONE_OF":
        return value === undefined || !f.value.split(",").includes(value);
    }
  });
}

/** Attribute names are matched without regard to case, as the Price List does ("capacitystatus"). */
function attribute(attributes: Record<string, string>, field: string): string | undefined {
  if (Object.hasOwn(attributes, field)) return attributes[field];
  const lower = field.toLowerCase();
  for (const [name, value] of Object.entries(attributes)) if (name.toLowerCase() === lower) return value;
  return undefined;
}

const HEADER = new Set(["offerCode", "version", "publicationDate"]);

function detached<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Streams the offer at `url`, keeping the products `keep` accepts, each with its OnDemand terms.
 * Throws with the URL named on an HTTP error or a malformed file.
 */
export async function streamOffer(fetcher: Fetcher, url: string, keep: (product: OfferProduct) => boolean): Promise<StreamedOffer> {
  const res = await fetcher(url);
  if (!res.ok || !res.body) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const header: Record<string, string> = {};
  const kept = new Map<string, OfferProduct>();
  const terms = new Map<string, unknown>();
  let productsRead = 0;
  let productsDone = false;

  // Path of open containers: keys[d] is the key being read at depth d (the root object is depth 1).
  const keys: Array<string | undefined> = [];
  let depth = 0;
  let capture: { asm: Assembler; kind: "product" | "terms"; key: string } | undefined;

  const tokens = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>).pipe(parser.asStream({ streamValues: false }));
  for await (const token of tokens as AsyncIterable<{ name: string; value?: unknown }>) {
    if (capture) {
      capture.asm.consume(token as never);
      if (capture.asm.done) {
        const value = capture.asm.current as unknown;
        // What is kept is copied: the parser's strings are slices of its input chunks, and keeping
        // one would keep its whole chunk alive (a region's EC2 offer would stay in memory piecemeal).
        if (capture.kind === "product") {
          productsRead++;
          const product = value as OfferProduct;
          if (product?.attributes && keep(product)) kept.set(detached(capture.key), detached(product));
        } else if (kept.has(capture.key)) {
          terms.set(detached(capture.key), detached(value));
        }
        capture = undefined;
        depth--; // the captured container has closed
      }
      continue;
    }
    switch (token.name) {
      case "keyValue":
        keys[depth] = token.value as string;
        break;
      case "startObject":
      case "startArray": {
        depth++;
        const inProducts = depth === 3 && keys[1] === "products";
        const inOnDemand = depth === 4 && keys[1] === "terms" && keys[2] === "OnDemand";
        if (inOnDemand && !productsDone) throw new Error(`${url}: terms come before products; not an offer file this reader understands`);
        if ((inProducts || (inOnDemand && kept.has(keys[3] as string))) && token.name === "startObject") {
          const asm = new Assembler();
          asm.consume(token as never);
          capture = { asm, kind: inProducts ? "product" : "terms", key: keys[depth - 1] as string };
        }
        break;
      }
      case "endObject":
      case "endArray":
        if (depth === 2 && keys[1] === "products") productsDone = true;
        depth--;
        break;
      case "stringValue":
        if (depth === 1 && HEADER.has(keys[1] as string)) header[keys[1] as string] = detached(token.value as string);
        break;
    }
  }
  if (!header.offerCode || !header.publicationDate) throw new Error(`${url}: not an AWS offer file (no offerCode or publicationDate)`);

  const products: PriceListProduct[] = [];
  for (const [sku, product] of kept) {
    const onDemand = terms.get(sku);
    if (!onDemand) continue;
    products.push(
      parsePriceListItem(
        { product, serviceCode: header.offerCode, terms: { OnDemand: onDemand }, publicationDate: header.publicationDate, version: header.version },
        header.offerCode,
      ),
    );
  }
  return {
    url,
    offerCode: header.offerCode,
    version: header.version ?? "",
    publicationDate: header.publicationDate,
    products,
    productsRead,
  };
}
