import Big from "big.js";

/**
 * The synthetic account's invented line items: where, for whom (tags), and at what daily level. A line
 * item's cost on a day is a pure function of these numbers, the seed and the date (cells.ts); nothing
 * here is a published price. The always-on resources the account runs (EKS control planes and nodes,
 * SageMaker endpoints and notebooks) are not here: their lines come from the inventory at published
 * prices (inventory-costs.ts).
 */

/** Where growth is anchored: the `daily` amounts below are the line items' levels on this date. */
export const EPOCH = "2026-01-01";
export const AVG_MONTH_DAYS = 30.4375;

export const MOCK_ACCOUNTS = { production: "481516234201", staging: "730285916402" } as const;

export const SERVICES = {
  ec2: "Amazon Elastic Compute Cloud - Compute",
  ec2Other: "EC2 - Other",
  eks: "Amazon Elastic Container Service for Kubernetes",
  s3: "Amazon Simple Storage Service",
  rds: "Amazon Relational Database Service",
  lambda: "AWS Lambda",
  sagemaker: "Amazon SageMaker",
  cloudfront: "Amazon CloudFront",
  dynamodb: "Amazon DynamoDB",
  vpc: "Amazon Virtual Private Cloud",
  cloudwatch: "AmazonCloudWatch",
  elb: "Elastic Load Balancing",
} as const;
export type Diurnal = "flat" | "business" | "batch";

/** What Cost Explorer knows of a line: its dimensions, tags, usage unit and how a day splits into hours. */
export interface CostLine {
  service: string;
  region: string;
  account: string;
  usageType: string;
  /** Cost allocation tags; a missing key is untagged. */
  tags: Record<string, string>;
  /** UsageQuantity unit. */
  unit: string;
  diurnal: Diurnal;
  /** First day with usage, for line items that appeared during the history. */
  from?: string;
}

/** A synthetic line: its daily level is invented (not a published price), and it grows and varies. */
export interface LineItem extends CostLine {
  /** USD per day at EPOCH_DAY, before weekend dip and noise. */
  daily: number;
  /** Compound growth per month. */
  growth: number;
  /** Weekend level relative to weekdays. */
  weekend: number;
  /** The USD price of one usage unit (quantity = cost / price). */
  unitPrice: number;
  /** BlendedCost / UnblendedCost (RIs blended across the organisation). */
  blended?: number;
  /** AmortizedCost / UnblendedCost (Savings Plan upfront fee spread over the term). */
  amortized?: number;
}

const P = MOCK_ACCOUNTS.production;
const S = MOCK_ACCOUNTS.staging;
const prod = (team: string): Record<string, string> => ({ Environment: "prod", Team: team });
const staging = (team: string): Record<string, string> => ({ Environment: "staging", Team: team });
const teamOnly = (team: string): Record<string, string> => ({ Team: team });
const untagged: Record<string, string> = {};

export const LINE_ITEMS: readonly LineItem[] = [
  { service: SERVICES.ec2, region: "us-east-1", account: P, usageType: "BoxUsage:m5.large", tags: prod("web"), daily: 30, growth: 0.025, weekend: 0.72, diurnal: "business", unit: "Hrs", unitPrice: 0.096, blended: 0.94, amortized: 0.97 },
  { service: SERVICES.ec2, region: "us-east-1", account: P, usageType: "BoxUsage:c6i.xlarge", tags: prod("platform"), daily: 22, growth: 0.02, weekend: 0.8, diurnal: "business", unit: "Hrs", unitPrice: 0.17, blended: 0.95, amortized: 0.96 },
  { service: SERVICES.ec2, region: "us-east-1", account: P, usageType: "SpotUsage:c5.2xlarge", tags: teamOnly("data"), daily: 6, growth: 0.03, weekend: 0.5, diurnal: "batch", unit: "Hrs", unitPrice: 0.128 },
  { service: SERVICES.ec2, region: "us-west-2", account: S, usageType: "USW2-BoxUsage:m5.large", tags: staging("web"), daily: 9, growth: 0.02, weekend: 0.45, diurnal: "business", unit: "Hrs", unitPrice: 0.096 },
  { service: SERVICES.ec2, region: "eu-west-1", account: P, usageType: "EU-BoxUsage:m6g.large", tags: prod("web"), daily: 10, growth: 0.03, weekend: 0.78, diurnal: "business", unit: "Hrs", unitPrice: 0.086, blended: 0.96 },
  { service: SERVICES.ec2, region: "ap-south-1", account: P, usageType: "APS3-BoxUsage:t3.medium", tags: untagged, daily: 3, growth: 0.01, weekend: 0.9, diurnal: "flat", unit: "Hrs", unitPrice: 0.0448 },
  { service: SERVICES.ec2Other, region: "us-east-1", account: P, usageType: "EBS:VolumeUsage.gp3", tags: prod("platform"), daily: 9, growth: 0.025, weekend: 1, diurnal: "flat", unit: "GB-Mo", unitPrice: 0.08 / AVG_MONTH_DAYS },
  { service: SERVICES.ec2Other, region: "us-east-1", account: P, usageType: "NatGateway-Hours", tags: prod("platform"), daily: 2.16, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.045 },
  { service: SERVICES.ec2Other, region: "us-east-1", account: P, usageType: "NatGateway-Bytes", tags: prod("platform"), daily: 3, growth: 0.02, weekend: 0.75, diurnal: "business", unit: "GB", unitPrice: 0.045 },
  { service: SERVICES.ec2Other, region: "us-west-2", account: S, usageType: "USW2-EBS:SnapshotUsage", tags: untagged, daily: 2.2, growth: 0.03, weekend: 1, diurnal: "flat", unit: "GB-Mo", unitPrice: 0.05 / AVG_MONTH_DAYS },
  { service: SERVICES.s3, region: "us-east-1", account: P, usageType: "TimedStorage-ByteHrs", tags: prod("data"), daily: 14, growth: 0.035, weekend: 1, diurnal: "flat", unit: "GB-Mo", unitPrice: 0.023 / AVG_MONTH_DAYS },
  { service: SERVICES.s3, region: "us-east-1", account: P, usageType: "Requests-Tier1", tags: prod("web"), daily: 2.2, growth: 0.02, weekend: 0.7, diurnal: "business", unit: "Requests", unitPrice: 0.000005 },
  { service: SERVICES.s3, region: "us-west-2", account: S, usageType: "USW2-TimedStorage-ByteHrs", tags: untagged, daily: 1.6, growth: 0.02, weekend: 1, diurnal: "flat", unit: "GB-Mo", unitPrice: 0.023 / AVG_MONTH_DAYS },
  { service: SERVICES.s3, region: "eu-west-1", account: P, usageType: "EU-TimedStorage-ByteHrs", tags: prod("data"), daily: 4, growth: 0.03, weekend: 1, diurnal: "flat", unit: "GB-Mo", unitPrice: 0.023 / AVG_MONTH_DAYS },
  { service: SERVICES.rds, region: "us-east-1", account: P, usageType: "Multi-AZUsage:db.r6g.large", tags: prod("data"), daily: 21, growth: 0.01, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.45, blended: 0.93, amortized: 0.95 },
  { service: SERVICES.rds, region: "us-east-1", account: P, usageType: "RDS:Multi-AZ-GP3-Storage", tags: prod("data"), daily: 4, growth: 0.03, weekend: 1, diurnal: "flat", unit: "GB-Mo", unitPrice: 0.23 / AVG_MONTH_DAYS },
  { service: SERVICES.rds, region: "us-west-2", account: S, usageType: "USW2-InstanceUsage:db.t4g.medium", tags: staging("data"), daily: 1.56, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.065 },
  { service: SERVICES.lambda, region: "us-east-1", account: P, usageType: "Lambda-GB-Second", tags: prod("web"), daily: 7, growth: 0.04, weekend: 0.6, diurnal: "business", unit: "Lambda-GB-Second", unitPrice: 0.0000166667 },
  { service: SERVICES.lambda, region: "us-east-1", account: P, usageType: "Request", tags: prod("web"), daily: 1.2, growth: 0.04, weekend: 0.6, diurnal: "business", unit: "Requests", unitPrice: 0.0000002 },
  { service: SERVICES.lambda, region: "eu-west-1", account: P, usageType: "EU-Lambda-GB-Second", tags: prod("web"), daily: 2.4, growth: 0.04, weekend: 0.65, diurnal: "business", unit: "Lambda-GB-Second", unitPrice: 0.0000166667 },
  { service: SERVICES.lambda, region: "ap-south-1", account: P, usageType: "APS3-Lambda-GB-Second", tags: untagged, daily: 0.6, growth: 0.02, weekend: 0.8, diurnal: "flat", unit: "Lambda-GB-Second", unitPrice: 0.0000166667 },
  { service: SERVICES.sagemaker, region: "us-east-1", account: S, usageType: "USE1-Train:ml.g4dn.xlarge", tags: staging("ml"), daily: 5, growth: 0.06, weekend: 0.2, diurnal: "batch", unit: "Hrs", unitPrice: 0.736, from: "2026-03-09" },
  { service: SERVICES.cloudfront, region: "global", account: P, usageType: "US-DataTransfer-Out-Bytes", tags: prod("web"), daily: 7, growth: 0.03, weekend: 0.85, diurnal: "business", unit: "GB", unitPrice: 0.085 },
  { service: SERVICES.cloudfront, region: "global", account: P, usageType: "EU-DataTransfer-Out-Bytes", tags: prod("web"), daily: 3, growth: 0.03, weekend: 0.85, diurnal: "business", unit: "GB", unitPrice: 0.085 },
  { service: SERVICES.cloudfront, region: "global", account: P, usageType: "IN-DataTransfer-Out-Bytes", tags: prod("web"), daily: 1.2, growth: 0.05, weekend: 0.9, diurnal: "business", unit: "GB", unitPrice: 0.109 },
  { service: SERVICES.cloudfront, region: "global", account: P, usageType: "US-Requests-Tier1", tags: prod("web"), daily: 0.8, growth: 0.03, weekend: 0.85, diurnal: "business", unit: "Requests", unitPrice: 0.00000075 },
  { service: SERVICES.dynamodb, region: "us-east-1", account: P, usageType: "ReadCapacityUnit-Hrs", tags: prod("web"), daily: 4, growth: 0.02, weekend: 0.9, diurnal: "business", unit: "ReadCapacityUnit-Hrs", unitPrice: 0.00013 },
  { service: SERVICES.dynamodb, region: "us-east-1", account: P, usageType: "WriteCapacityUnit-Hrs", tags: prod("web"), daily: 5.5, growth: 0.02, weekend: 0.9, diurnal: "business", unit: "WriteCapacityUnit-Hrs", unitPrice: 0.00065 },
  { service: SERVICES.dynamodb, region: "us-east-1", account: P, usageType: "TimedStorage-ByteHrs", tags: prod("web"), daily: 1.1, growth: 0.03, weekend: 1, diurnal: "flat", unit: "GB-Mo", unitPrice: 0.25 / AVG_MONTH_DAYS },
  { service: SERVICES.dynamodb, region: "eu-west-1", account: P, usageType: "EU-PayPerRequestThroughput", tags: untagged, daily: 0.7, growth: 0.02, weekend: 0.8, diurnal: "business", unit: "Requests", unitPrice: 0.000000283 },
  { service: SERVICES.vpc, region: "us-east-1", account: P, usageType: "USE1-PublicIPv4:InUseAddress", tags: prod("platform"), daily: 1.2, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.005 },
  { service: SERVICES.vpc, region: "us-east-1", account: P, usageType: "USE1-VpcEndpoint-Hours", tags: prod("platform"), daily: 1.44, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.01 },
  { service: SERVICES.vpc, region: "eu-west-1", account: P, usageType: "EU-PublicIPv4:InUseAddress", tags: untagged, daily: 0.6, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.005 },
  { service: SERVICES.vpc, region: "us-west-2", account: S, usageType: "USW2-PublicIPv4:InUseAddress", tags: staging("platform"), daily: 0.48, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.005 },
  { service: SERVICES.cloudwatch, region: "us-east-1", account: P, usageType: "CW:MetricMonitorUsage", tags: prod("platform"), daily: 2.4, growth: 0.02, weekend: 1, diurnal: "flat", unit: "Metrics", unitPrice: 0.3 / AVG_MONTH_DAYS },
  { service: SERVICES.cloudwatch, region: "us-east-1", account: P, usageType: "DataProcessing-Bytes", tags: untagged, daily: 3, growth: 0.03, weekend: 0.7, diurnal: "business", unit: "GB", unitPrice: 0.5 },
  { service: SERVICES.cloudwatch, region: "us-west-2", account: S, usageType: "USW2-CW:MetricMonitorUsage", tags: staging("platform"), daily: 0.6, growth: 0.01, weekend: 1, diurnal: "flat", unit: "Metrics", unitPrice: 0.3 / AVG_MONTH_DAYS },
  { service: SERVICES.elb, region: "us-east-1", account: P, usageType: "LoadBalancerUsage", tags: prod("web"), daily: 1.08, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.0225 },
  { service: SERVICES.elb, region: "us-east-1", account: P, usageType: "LCUUsage", tags: prod("web"), daily: 1.6, growth: 0.03, weekend: 0.7, diurnal: "business", unit: "LCU-Hrs", unitPrice: 0.008 },
  { service: SERVICES.elb, region: "eu-west-1", account: P, usageType: "EU-LoadBalancerUsage", tags: prod("web"), daily: 0.54, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.0252 },
  { service: SERVICES.elb, region: "us-west-2", account: S, usageType: "USW2-LoadBalancerUsage", tags: staging("web"), daily: 0.54, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.0225 },
];

/** Relative activity per UTC hour; HOURLY splits each day along these weights. */
const DIURNAL_PROFILES: Record<Diurnal, readonly number[]> = {
  flat: Array.from({ length: 24 }, () => 1),
  business: Array.from({ length: 24 }, (_, h) => 0.6 + 0.8 * Math.max(0, Math.sin(((h - 7) / 14) * Math.PI))),
  batch: Array.from({ length: 24 }, (_, h) => (h >= 1 && h < 6 ? 2.5 : 0.7)),
};

/** Hour weights as decimal strings, so splitting a day is big.js arithmetic. */
export const DIURNAL_WEIGHTS: Record<Diurnal, readonly Big[]> = {
  flat: hourWeights(DIURNAL_PROFILES.flat),
  business: hourWeights(DIURNAL_PROFILES.business),
  batch: hourWeights(DIURNAL_PROFILES.batch),
};

function hourWeights(profile: readonly number[]): Big[] {
  const total = profile.reduce((a, b) => a + b, 0);
  return profile.map((w) => new Big((w / total).toFixed(12)));
}

