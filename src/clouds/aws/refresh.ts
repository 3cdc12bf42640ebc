import { canonical } from "../../domain/money.ts";
import type { PriceItem } from "../../domain/price.ts";
import { diffRows, type RegionChanges, readTableFile, type TableFile, type TableRow, writeTableFile } from "../../fallback/rewrite.ts";
import { statedSpecs } from "../../fallback/specs.ts";
import { tableCatalog } from "../registry.ts";
import { ec2Items, ec2Queries } from "./ec2.ts";
import { eksFargateQueries, eksItems, eksQueries } from "./eks.ts";
import { lambdaEdgeRequestQueries, lambdaItems, lambdaQueries } from "./lambda.ts";
import { type Fetcher, matchesFilters, type StreamedOffer, streamOffer } from "./offer-stream.ts";
import type { PriceListProduct } from "./price-list.ts";
import type { PriceQuery } from "./products.ts";
import { sagemakerItems, sagemakerQueries } from "./sagemaker.ts";

/**
 * `npm run fallback:refresh`: rebuilds the AWS tables from AWS's public bulk offer files (no
 * credentials), `<base>/offers/v1.0/aws/<OfferCode>/current/<region>/index.json`, one region at a
 * time, each file streamed (offer-stream.ts). The products kept are exactly those the live Price List
 * queries ask for (the same filters), turned into items by the live mappers, so the tables, live mode
 * and the refresh agree. Each row cites the offer file and version it was read from; its as-of is the
 * offer's publicationDate. A region whose offers cannot be read keeps its table as it was.
 */
/** AWS's own host of the bulk offer files (the AWS_PRICING_OFFERS_URL setting's default). */
export const OFFER_BASE_URL = "https://pricing.us-east-1.amazonaws.com";

export const REFRESHABLE = ["eks", "ec2", "lambda", "sagemaker"] as const;
export type PriceService = (typeof REFRESHABLE)[number];

export interface RefreshOptions {
  dir: string;
  regions: readonly string[];
  services: readonly PriceService[];
  fetcher?: Fetcher;
  baseUrl?: string;
  dryRun?: boolean;
  log?: (line: string) => void;
}

export interface RegionOutcome extends RegionChanges {
  status: "written" | "dry-run" | "unchanged" | "skipped";
  /** Why a region was skipped (an offer could not be read). */
  reason?: string;
}

/** Items of one region, with the offer each came from; `keep` names current rows to carry over. */
type Read = Array<{ item: PriceItem; offer: StreamedOffer }> & { keep?: string[] };

class OfferReader {
  readonly #fetcher: Fetcher;
  readonly #base: string;
  /** Offers without a regional file (CloudFront) are read once per run. */
  readonly #global = new Map<string, Promise<StreamedOffer>>();

  constructor(fetcher: Fetcher, base: string) {
    this.#fetcher = fetcher;
    this.#base = base;
  }

  url(offerCode: string, region?: string): string {
    return `${this.#base}/offers/v1.0/aws/${offerCode}/current/${region ? `${region}/` : ""}index.json`;
  }

  /** The region's offer file, streamed, keeping what `queries` (all of one offer code) ask for. */
  region(offerCode: string, region: string, queries: readonly PriceQuery[]): Promise<StreamedOffer> {
    return streamOffer(this.#fetcher, this.url(offerCode, region), (p) => queries.some((q) => matchesFilters(p, q.filters)));
  }

  /** The whole-offer file (no region), read once per run for every region that needs it. */
  global(offerCode: string, queries: readonly PriceQuery[]): Promise<StreamedOffer> {
    let offer = this.#global.get(offerCode);
    if (!offer) {
      offer = streamOffer(this.#fetcher, this.url(offerCode), (p) => queries.some((q) => matchesFilters(p, q.filters)));
      this.#global.set(offerCode, offer);
    }
    return offer;
  }
}

/** Tags each item with the offer whose product priced it. */
function tagged(items: Iterable<PriceItem>, offers: readonly StreamedOffer[]): Read {
  const bySku = new Map<string, StreamedOffer>();
  for (const offer of offers) for (const p of offer.products) bySku.set(p.sku, offer);
  const out: Read = [];
  for (const item of items) {
    const offer = (item.sku && bySku.get(item.sku)) || offers[0];
    if (offer) out.push({ item, offer });
  }
  return out;
}

const productsOf = (...offers: StreamedOffer[]): PriceListProduct[] => offers.flatMap((o) => o.products);

async function readService(service: PriceService, region: string, reader: OfferReader, log: (line: string) => void): Promise<Read> {
  switch (service) {
    case "eks": {
      const [eks, ecs] = await Promise.all([
        reader.region("AmazonEKS", region, eksQueries(region)),
        // Fargate for EKS is priced in the AmazonECS offer.
        reader.region("AmazonECS", region, eksFargateQueries(region)),
      ]);
      const items = eksItems(region, eks.products);
      for (const [id, item] of eksItems(region, ecs.products)) if (!items.has(id)) items.set(id, item);
      return tagged(items.values(), [eks, ecs]);
    }
    case "ec2": {
      const ec2 = await reader.region("AmazonEC2", region, ec2Queries(region));
      return tagged(ec2Items(region, ec2.products).values(), [ec2]);
    }
    case "lambda": {
      const lambda = await reader.region("AWSLambda", region, lambdaQueries(region));
      // Lambda@Edge requests are priced in the AmazonCloudFront offer (global, not per region).
      const edge = await reader.global("AmazonCloudFront", lambdaEdgeRequestQueries()).catch((error: Error) => {
        log(`lambda ${region}: AmazonCloudFront offer not read (${error.message}); edge.requests kept as it was`);
        return undefined;
      });
      const offers = edge ? [lambda, edge] : [lambda];
      const read: Read = tagged(lambdaItems(region, productsOf(...offers)).values(), offers);
      if (!edge) read.keep = ["edge.requests"];
      return read;
    }
    case "sagemaker": {
      const offer = await reader.region("AmazonSageMaker", region, sagemakerQueries(region, {}));
      return tagged(sagemakerItems(region, offer.products, {}), [offer]);
    }
  }
}

function sourceKey(offer: StreamedOffer): string {
  return `aws-offer-${offer.offerCode}-${offer.version}`;
}

/** A table row from an item read from an offer: prices in canonical form (the value unchanged). */
function toRow(item: PriceItem, offer: StreamedOffer): TableRow {
  return {
    id: item.id,
    unit: item.unit,
    price: canonical(item.price),
    ...(item.tiers ? { tiers: item.tiers.map((t) => ({ from: canonical(t.from), to: t.to === null ? null : canonical(t.to), price: canonical(t.price) })) } : {}),
    description: item.description,
    ...(item.usageType ? { usageType: item.usageType } : {}),
    ...(item.sku ? { sku: item.sku } : {}),
    source: sourceKey(offer),
    asOf: offer.publicationDate.slice(0, 10),
  };
}

/**
 * Refreshes each (service, region) in turn. Every region's new table is validated before it replaces
 * the old; a region whose offers cannot be read is skipped and keeps its table. Returns, per region,
 * the rows added, changed and removed.
 */
export async function refreshFallbackTables(options: RefreshOptions): Promise<RegionOutcome[]> {
  const reader = new OfferReader(options.fetcher ?? ((url) => fetch(url)), options.baseUrl ?? OFFER_BASE_URL);
  const log = options.log ?? (() => undefined);
  const catalog = tableCatalog();
  const specs = statedSpecs(options.dir, "aws", "ec2");
  const outcomes: RegionOutcome[] = [];

  for (const service of options.services) {
    for (const region of options.regions) {
      const current = readTableFile(options.dir, "aws", service, region);
      let read: Read;
      try {
        read = await readService(service, region, reader, log);
      } catch (error) {
        const reason = (error as Error).message;
        log(`${service} ${region}: not refreshed (${reason}); table kept as it was`);
        outcomes.push({ cloud: "aws", service, region, changes: [], unchanged: current?.rows.length ?? 0, status: "skipped", reason });
        continue;
      }
      const table: TableFile = {
        cloud: "aws",
        service,
        region,
        sources: {},
        ...(current?.freeTier ? { freeTier: current.freeTier } : {}),
        rows: [],
      };
      // The free grant is not in the offers: its source stays.
      const freeSource = current?.freeTier?.source;
      if (freeSource && current?.sources[freeSource]) table.sources[freeSource] = current.sources[freeSource];
      for (const { item, offer } of read.sort((a, b) => (a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0))) {
        const row = toRow(item, offer);
        table.sources[sourceKey(offer)] = {
          citation: `${offer.url} (AWS bulk offer ${offer.offerCode}, version ${offer.version})`,
          asOf: offer.publicationDate.slice(0, 10),
        };
        if (service === "ec2") {
          const stated = specs(item.id);
          if (stated) {
            Object.assign(row, stated.specs, { specSource: stated.sourceKey });
            table.sources[stated.sourceKey] = stated.source;
          } else {
            // A type newer than the spec catalogue: the vCPU and memory the offer states.
            if (item.vcpu !== undefined) row.vcpu = item.vcpu;
            if (item.memoryGiB !== undefined) row.memoryGiB = item.memoryGiB;
          }
        }
        table.rows.push(row);
      }
      for (const id of read.keep ?? []) {
        const row = current?.rows.find((r) => r.id === id);
        if (!row || table.rows.some((r) => r.id === id)) continue;
        table.rows.push(row);
        const cited = current?.sources[row.source];
        if (cited) table.sources[row.source] = cited;
      }
      const diff = diffRows(current?.rows ?? [], table.rows);
      const outcome: RegionOutcome = { cloud: "aws", service, region, ...diff, status: "unchanged" };
      if (table.rows.length === 0) {
        outcome.status = "skipped";
        outcome.reason = "the offers price nothing for this region";
        log(`${service} ${region}: the offers price nothing here; table kept as it was`);
      } else if (diff.changes.length > 0 || !current) {
        outcome.status = options.dryRun ? "dry-run" : "written";
        if (!options.dryRun) writeTableFile(options.dir, table, catalog);
      }
      const count = (kind: string) => diff.changes.filter((c) => c.kind === kind).length;
      if (outcome.status !== "skipped") {
        log(`${service} ${region}: ${table.rows.length} rows from the offer files (${count("added")} added, ${count("changed")} changed, ${count("removed")} removed)`);
      }
      outcomes.push(outcome);
    }
  }
  return outcomes;
}
