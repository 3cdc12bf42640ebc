import { HttpResponse, http } from "msw";

/**
 * Fakes of the Amazon EKS (REST-JSON) and Amazon SageMaker (JSON 1.1) APIs for the calls the run-rate
 * makes, speaking their wire protocols so the real SDK clients parse the answers:
 *
 * - EKS: GET https://eks.<region>.amazonaws.com/clusters, /clusters/{name},
 *   /clusters/{name}/node-groups, /clusters/{name}/node-groups/{ng}, /clusters/{name}/fargate-profiles;
 *   `maxResults` / `nextToken` query parameters, camelCase bodies (`cluster.version`,
 *   `cluster.upgradePolicy.supportType`, `nodegroup.scalingConfig.desiredSize`, …), timestamps as epoch
 *   seconds, errors as an HTTP status + `x-amzn-errortype` + `{"message"}`.
 * - SageMaker: POST https://api.sagemaker.<region>.amazonaws.com/ with `X-Amz-Target: SageMaker.<Op>`
 *   (ListEndpoints, DescribeEndpoint, DescribeEndpointConfig, ListNotebookInstances, ListTrainingJobs,
 *   DescribeTrainingJob); PascalCase bodies, `StatusEquals` honoured, `NextToken` paging, errors as 400 +
 *   `x-amzn-errortype` + `{"__type","message"}`.
 *
 * Shapes follow the EKS and SageMaker API references (and the SDK's own schemas); values are realistic.
 */

type Json = Record<string, unknown>;

export interface FakeEksCluster {
  /** The DescribeCluster `cluster` object, as AWS sends it. */
  cluster: Json;
  nodegroups: Json[];
  fargateProfiles: Json[];
}

export interface FakeRegionState {
  clusters: FakeEksCluster[];
  /** DescribeEndpoint outputs. */
  endpoints: Json[];
  /** DescribeEndpointConfig outputs, by EndpointConfigName. */
  endpointConfigs: Json[];
  /** ListNotebookInstances summaries. */
  notebooks: Json[];
  /** DescribeTrainingJob outputs. */
  trainingJobs: Json[];
}

export interface FakeFault {
  api: "eks" | "sagemaker";
  op: string;
  status: number;
  type: string;
  message: string;
  /** Faults this many calls, then clears; forever when absent. */
  times?: number;
}

export interface FakeCall {
  api: "eks" | "sagemaker";
  op: string;
  region: string;
  params: Json;
}

const ACCOUNT = "111122223333";
const T0 = 1_736_899_200; // 2025-01-15T00:00:00Z, epoch seconds as AWS sends them

function requestId(): string {
  return crypto.randomUUID();
}

// --- fixture builders: realistic shapes --------------------------------------------------------

export function eksCluster(
  region: string,
  name: string,
  version: string,
  options: { supportType?: "STANDARD" | "EXTENDED"; platformVersion?: string; status?: string } = {},
): Json {
  return {
    name,
    arn: `arn:aws:eks:${region}:${ACCOUNT}:cluster/${name}`,
    createdAt: T0,
    version,
    endpoint: `https://A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6.gr7.${region}.eks.amazonaws.com`,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/eksClusterRole`,
    resourcesVpcConfig: {
      subnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
      securityGroupIds: [],
      clusterSecurityGroupId: "sg-0123456789abcdef0",
      vpcId: "vpc-0123456789abcdef0",
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ["0.0.0.0/0"],
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: "10.100.0.0/16", ipFamily: "ipv4" },
    logging: { clusterLogging: [{ types: ["api", "audit"], enabled: true }] },
    identity: { oidc: { issuer: `https://oidc.eks.${region}.amazonaws.com/id/A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6` } },
    status: options.status ?? "ACTIVE",
    certificateAuthority: { data: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==" },
    platformVersion: options.platformVersion ?? "eks.10",
    tags: { team: "platform" },
    health: { issues: [] },
    accessConfig: { authenticationMode: "API_AND_CONFIG_MAP" },
    ...(options.supportType ? { upgradePolicy: { supportType: options.supportType } } : {}),
  };
}

export function eksNodegroup(
  region: string,
  clusterName: string,
  name: string,
  options: { instanceTypes?: string[] | null; capacityType?: "ON_DEMAND" | "SPOT"; desiredSize: number; version?: string },
): Json {
  return {
    nodegroupName: name,
    nodegroupArn: `arn:aws:eks:${region}:${ACCOUNT}:nodegroup/${clusterName}/${name}/0ac8f0a2-1b3c-4d5e-8f90-123456789abc`,
    clusterName,
    version: options.version ?? "1.31",
    releaseVersion: "1.31.4-20250115",
    createdAt: T0,
    modifiedAt: T0 + 3600,
    status: "ACTIVE",
    ...(options.capacityType ? { capacityType: options.capacityType } : {}),
    scalingConfig: { minSize: Math.min(1, options.desiredSize), maxSize: Math.max(options.desiredSize, 1) * 2, desiredSize: options.desiredSize },
    ...(options.instanceTypes === null ? {} : { instanceTypes: options.instanceTypes ?? ["m5.large"] }),
    subnets: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
    amiType: "AL2023_x86_64_STANDARD",
    nodeRole: `arn:aws:iam::${ACCOUNT}:role/eksNodeRole`,
    labels: {},
    resources: { autoScalingGroups: [{ name: `eks-${name}-0ac8f0a2-1b3c-4d5e-8f90-123456789abc` }] },
    diskSize: 20,
    health: { issues: [] },
    updateConfig: { maxUnavailable: 1 },
    tags: {},
  };
}

export function eksFargateProfile(region: string, clusterName: string, name: string): Json {
  return {
    fargateProfileName: name,
    fargateProfileArn: `arn:aws:eks:${region}:${ACCOUNT}:fargateprofile/${clusterName}/${name}/1ac8f0a2-1b3c-4d5e-8f90-123456789abc`,
    clusterName,
    createdAt: T0,
    podExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/AmazonEKSFargatePodExecutionRole`,
    subnets: ["subnet-0a1b2c3d4e5f60001"],
    selectors: [{ namespace: name.replace(/^fp-/, "") }],
    status: "ACTIVE",
    tags: {},
  };
}

/** A real-time endpoint with one instance variant, and its config. */
export function realtimeEndpoint(
  region: string,
  name: string,
  variants: Array<{ name: string; instanceType: string; count: number }>,
  options: { status?: string; configName?: string } = {},
): { endpoint: Json; config: Json } {
  const configName = options.configName ?? `${name}-config`;
  return {
    endpoint: {
      EndpointName: name,
      EndpointArn: `arn:aws:sagemaker:${region}:${ACCOUNT}:endpoint/${name}`,
      EndpointConfigName: configName,
      ProductionVariants: variants.map((v) => ({
        VariantName: v.name,
        DeployedImages: [
          {
            SpecifiedImage: `763104351884.dkr.ecr.${region}.amazonaws.com/pytorch-inference:2.1.0-cpu-py310`,
            ResolvedImage: `763104351884.dkr.ecr.${region}.amazonaws.com/pytorch-inference@sha256:0f4e6f4b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f`,
            ResolutionTime: T0,
          },
        ],
        CurrentWeight: 1.0,
        DesiredWeight: 1.0,
        CurrentInstanceCount: v.count,
        DesiredInstanceCount: v.count,
      })),
      EndpointStatus: options.status ?? "InService",
      CreationTime: T0,
      LastModifiedTime: T0 + 600,
    },
    config: {
      EndpointConfigName: configName,
      EndpointConfigArn: `arn:aws:sagemaker:${region}:${ACCOUNT}:endpoint-config/${configName}`,
      ProductionVariants: variants.map((v) => ({
        VariantName: v.name,
        ModelName: `${name}-model`,
        InitialInstanceCount: 1,
        InstanceType: v.instanceType,
        InitialVariantWeight: 1.0,
      })),
      CreationTime: T0,
    },
  };
}

export function serverlessEndpoint(
  region: string,
  name: string,
  memorySizeInMB: number,
  maxConcurrency: number,
): { endpoint: Json; config: Json } {
  const configName = `${name}-serverless-config`;
  const serverless = { MemorySizeInMB: memorySizeInMB, MaxConcurrency: maxConcurrency };
  return {
    endpoint: {
      EndpointName: name,
      EndpointArn: `arn:aws:sagemaker:${region}:${ACCOUNT}:endpoint/${name}`,
      EndpointConfigName: configName,
      ProductionVariants: [
        {
          VariantName: "AllTraffic",
          DeployedImages: [],
          CurrentWeight: 1.0,
          DesiredWeight: 1.0,
          CurrentServerlessConfig: serverless,
          DesiredServerlessConfig: serverless,
        },
      ],
      EndpointStatus: "InService",
      CreationTime: T0,
      LastModifiedTime: T0 + 600,
    },
    config: {
      EndpointConfigName: configName,
      EndpointConfigArn: `arn:aws:sagemaker:${region}:${ACCOUNT}:endpoint-config/${configName}`,
      ProductionVariants: [{ VariantName: "AllTraffic", ModelName: `${name}-model`, ServerlessConfig: serverless }],
      CreationTime: T0,
    },
  };
}

export function notebookInstance(region: string, name: string, instanceType: string, status = "InService"): Json {
  return {
    NotebookInstanceName: name,
    NotebookInstanceArn: `arn:aws:sagemaker:${region}:${ACCOUNT}:notebook-instance/${name}`,
    NotebookInstanceStatus: status,
    Url: `${name}.notebook.${region}.sagemaker.aws`,
    InstanceType: instanceType,
    CreationTime: T0,
    LastModifiedTime: T0 + 120,
  };
}

export function trainingJob(
  region: string,
  name: string,
  resources: { instanceType: string; count: number } | Array<{ group: string; instanceType: string; count: number }>,
  status = "InProgress",
): Json {
  const resourceConfig = Array.isArray(resources)
    ? {
        InstanceGroups: resources.map((g) => ({ InstanceType: g.instanceType, InstanceCount: g.count, InstanceGroupName: g.group })),
        VolumeSizeInGB: 50,
      }
    : { InstanceType: resources.instanceType, InstanceCount: resources.count, VolumeSizeInGB: 50 };
  return {
    TrainingJobName: name,
    TrainingJobArn: `arn:aws:sagemaker:${region}:${ACCOUNT}:training-job/${name}`,
    TrainingJobStatus: status,
    SecondaryStatus: status === "InProgress" ? "Training" : "Completed",
    HyperParameters: { epochs: "10" },
    AlgorithmSpecification: {
      TrainingImage: `683313688378.dkr.ecr.${region}.amazonaws.com/sagemaker-xgboost:1.7-1`,
      TrainingInputMode: "File",
    },
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole`,
    OutputDataConfig: { S3OutputPath: `s3://ml-artifacts-${ACCOUNT}/${name}/` },
    ResourceConfig: resourceConfig,
    StoppingCondition: { MaxRuntimeInSeconds: 86_400 },
    CreationTime: T0,
    TrainingStartTime: T0 + 180,
    LastModifiedTime: T0 + 240,
    EnableNetworkIsolation: false,
  };
}

// --- the fake --------------------------------------------------------------------------------

function page<T>(items: readonly T[], maxResults: number | undefined, token: string | undefined, pageSize: number) {
  const start = token ? Number(Buffer.from(token, "base64url").toString("utf8").replace("offset:", "")) : 0;
  const size = Math.min(pageSize, maxResults ?? pageSize);
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(`offset:${start + size}`).toString("base64url") : undefined;
  return { slice, next };
}

export class FakeEksSageMaker {
  readonly #regions = new Map<string, FakeRegionState>();
  readonly calls: FakeCall[] = [];
  faults: FakeFault[] = [];
  /** Upper bound on page size, below the caller's maxResults, to exercise paging. */
  pageSize = 100;

  region(region: string): FakeRegionState {
    let state = this.#regions.get(region);
    if (!state) {
      state = { clusters: [], endpoints: [], endpointConfigs: [], notebooks: [], trainingJobs: [] };
      this.#regions.set(region, state);
    }
    return state;
  }

  reset(): void {
    this.#regions.clear();
    this.calls.length = 0;
    this.faults = [];
    this.pageSize = 100;
  }

  callsOf(op: string): FakeCall[] {
    return this.calls.filter((c) => c.op === op);
  }

  #fault(api: FakeFault["api"], op: string): FakeFault | undefined {
    const fault = this.faults.find((f) => f.api === api && (f.op === op || f.op === "*"));
    if (!fault) return undefined;
    if (fault.times !== undefined && --fault.times <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  // EKS: REST-JSON.
  eks(request: Request): Response {
    const url = new URL(request.url);
    const region = url.hostname.split(".")[1] as string;
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const q = url.searchParams;
    const maxResults = q.has("maxResults") ? Number(q.get("maxResults")) : undefined;
    const nextToken = q.get("nextToken") ?? undefined;
    const state = this.region(region);
    const json = (body: unknown) =>
      HttpResponse.json(body as Json, { headers: { "x-amzn-requestid": requestId() } });
    const error = (status: number, type: string, message: string) =>
      new HttpResponse(JSON.stringify({ message }), {
        status,
        headers: {
          "content-type": "application/json",
          "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazonaws.eks/`,
          "x-amzn-requestid": requestId(),
        },
      });

    let op = "Unknown";
    if (request.method === "GET" && parts[0] === "clusters") {
      if (parts.length === 1) op = "ListClusters";
      else if (parts.length === 2) op = "DescribeCluster";
      else if (parts[2] === "node-groups") op = parts.length === 3 ? "ListNodegroups" : "DescribeNodegroup";
      else if (parts[2] === "fargate-profiles") op = parts.length === 3 ? "ListFargateProfiles" : "DescribeFargateProfile";
    }
    this.calls.push({ api: "eks", op, region, params: { path: parts, ...Object.fromEntries(q) } });
    const fault = this.#fault("eks", op);
    if (fault) return error(fault.status, fault.type, fault.message);

    const cluster = parts[1] ? state.clusters.find((c) => c.cluster.name === parts[1]) : undefined;
    if (parts[1] && !cluster) return error(404, "ResourceNotFoundException", `No cluster found for name: ${parts[1]}.`);
    switch (op) {
      case "ListClusters": {
        const { slice, next } = page(state.clusters.map((c) => c.cluster.name as string), maxResults, nextToken, this.pageSize);
        return json({ clusters: slice, ...(next ? { nextToken: next } : {}) });
      }
      case "DescribeCluster":
        return json({ cluster: cluster?.cluster });
      case "ListNodegroups": {
        const names = (cluster?.nodegroups ?? []).map((n) => n.nodegroupName as string);
        const { slice, next } = page(names, maxResults, nextToken, this.pageSize);
        return json({ nodegroups: slice, ...(next ? { nextToken: next } : {}) });
      }
      case "DescribeNodegroup": {
        const ng = cluster?.nodegroups.find((n) => n.nodegroupName === parts[3]);
        if (!ng) return error(404, "ResourceNotFoundException", `No node group found for name: ${parts[3]}.`);
        return json({ nodegroup: ng });
      }
      case "ListFargateProfiles": {
        const names = (cluster?.fargateProfiles ?? []).map((p) => p.fargateProfileName as string);
        const { slice, next } = page(names, maxResults, nextToken, this.pageSize);
        return json({ fargateProfileNames: slice, ...(next ? { nextToken: next } : {}) });
      }
      case "DescribeFargateProfile": {
        const fp = cluster?.fargateProfiles.find((p) => p.fargateProfileName === parts[3]);
        if (!fp) return error(404, "ResourceNotFoundException", `No Fargate Profile found with name: ${parts[3]}.`);
        return json({ fargateProfile: fp });
      }
      default:
        return error(404, "UnknownOperationException", `no such EKS operation in the fake: ${request.method} ${url.pathname}`);
    }
  }

  // SageMaker: JSON 1.1.
  async sagemaker(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const region = url.hostname.split(".")[2] as string;
    const target = request.headers.get("x-amz-target") ?? "";
    const op = target.startsWith("SageMaker.") ? target.slice("SageMaker.".length) : "Unknown";
    const body = (JSON.parse((await request.text()) || "{}") ?? {}) as Json;
    this.calls.push({ api: "sagemaker", op, region, params: body });
    const state = this.region(region);
    const json = (out: unknown) =>
      new HttpResponse(JSON.stringify(out), {
        status: 200,
        headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId() },
      });
    const error = (status: number, type: string, message: string) =>
      new HttpResponse(JSON.stringify({ __type: `com.amazonaws.sagemaker#${type}`, message }), {
        status,
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazonaws.sagemaker/`,
          "x-amzn-requestid": requestId(),
        },
      });
    const fault = this.#fault("sagemaker", op);
    if (fault) return error(fault.status, fault.type, fault.message);

    const maxResults = typeof body.MaxResults === "number" ? body.MaxResults : undefined;
    const nextToken = typeof body.NextToken === "string" ? body.NextToken : undefined;
    const status = typeof body.StatusEquals === "string" ? body.StatusEquals : undefined;
    switch (op) {
      case "ListEndpoints": {
        const summaries = state.endpoints
          .filter((e) => !status || e.EndpointStatus === status)
          .map((e) => ({
            EndpointName: e.EndpointName,
            EndpointArn: e.EndpointArn,
            CreationTime: e.CreationTime,
            LastModifiedTime: e.LastModifiedTime,
            EndpointStatus: e.EndpointStatus,
          }));
        const { slice, next } = page(summaries, maxResults, nextToken, this.pageSize);
        return json({ Endpoints: slice, ...(next ? { NextToken: next } : {}) });
      }
      case "DescribeEndpoint": {
        const e = state.endpoints.find((x) => x.EndpointName === body.EndpointName);
        if (!e)
          return error(
            400,
            "ValidationException",
            `Could not find endpoint "arn:aws:sagemaker:${region}:${ACCOUNT}:endpoint/${String(body.EndpointName).toLowerCase()}".`,
          );
        return json(e);
      }
      case "DescribeEndpointConfig": {
        const c = state.endpointConfigs.find((x) => x.EndpointConfigName === body.EndpointConfigName);
        if (!c)
          return error(
            400,
            "ValidationException",
            `Could not find endpoint configuration "arn:aws:sagemaker:${region}:${ACCOUNT}:endpoint-config/${String(body.EndpointConfigName).toLowerCase()}".`,
          );
        return json(c);
      }
      case "ListNotebookInstances": {
        const items = state.notebooks.filter((n) => !status || n.NotebookInstanceStatus === status);
        const { slice, next } = page(items, maxResults, nextToken, this.pageSize);
        return json({ NotebookInstances: slice, ...(next ? { NextToken: next } : {}) });
      }
      case "ListTrainingJobs": {
        const summaries = state.trainingJobs
          .filter((j) => !status || j.TrainingJobStatus === status)
          .map((j) => ({
            TrainingJobName: j.TrainingJobName,
            TrainingJobArn: j.TrainingJobArn,
            CreationTime: j.CreationTime,
            LastModifiedTime: j.LastModifiedTime,
            TrainingJobStatus: j.TrainingJobStatus,
            SecondaryStatus: j.SecondaryStatus,
          }));
        const { slice, next } = page(summaries, maxResults, nextToken, this.pageSize);
        return json({ TrainingJobSummaries: slice, ...(next ? { NextToken: next } : {}) });
      }
      case "DescribeTrainingJob": {
        const j = state.trainingJobs.find((x) => x.TrainingJobName === body.TrainingJobName);
        if (!j) return error(400, "ResourceNotFound", `Requested resource not found: training job ${String(body.TrainingJobName)}`);
        return json(j);
      }
      default:
        return error(400, "UnknownOperationException", `no such SageMaker operation in the fake: ${target}`);
    }
  }

  /** msw handlers for both APIs, any region. */
  handlers() {
    return [
      http.get(/^https:\/\/eks\.[a-z0-9-]+\.amazonaws\.com\//, ({ request }) => this.eks(request)),
      http.post(/^https:\/\/api\.sagemaker\.[a-z0-9-]+\.amazonaws\.com\/?$/, ({ request }) => this.sagemaker(request)),
    ];
  }

  /** Adds a real-time or serverless endpoint (and its config) to a region. */
  addEndpoint(region: string, e: { endpoint: Json; config: Json }, options: { withConfig?: boolean } = {}): void {
    const state = this.region(region);
    state.endpoints.push(e.endpoint);
    if (options.withConfig ?? true) state.endpointConfigs.push(e.config);
  }
}
