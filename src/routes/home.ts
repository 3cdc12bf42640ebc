import { createRouter } from "../http/router.ts";

/**
 * `GET /`: a short page for a person who opened the server in a browser, pointing at the docs and at
 * a first price and cost. No script and no style, so the API's `default-src 'none'` CSP holds.
 */
const HOME_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Pricebook</title></head>
<body>
<h1>Pricebook</h1>
<p>Cloud list prices and account costs, with the source and as-of date of every number.</p>
<h2>Pages</h2>
<ul>
<li><a href="/ui/costs">Costs</a>: month to date, the trend and the forecast, where the money goes</li>
<li><a href="/ui/budgets">Budgets</a>: limits, actual and forecast spend, breach dates; create and delete</li>
<li><a href="/ui/prices">Prices</a>: explore the catalogue, filter instance types, compare across regions and clouds</li>
<li><a href="/ui/resources">Running resources</a>: AWS EKS clusters and SageMaker, with their run-rates</li>
</ul>
<h2>API</h2>
<ul>
<li><a href="/docs">API documentation</a> (and the <a href="/openapi.json">OpenAPI document</a>)</li>
<li><a href="/v1/catalog">What can be priced</a>: clouds, services, regions, item ids</li>
<li>A price: <a href="/v1/prices/aws/ec2?region=us-east-1&amp;instanceType=m5.large">/v1/prices/aws/ec2?region=us-east-1&amp;instanceType=m5.large</a></li>
<li>A cost summary: <a href="/v1/costs/aws/summary">/v1/costs/aws/summary</a></li>
<li><a href="/healthz">Health</a>: the mode and why</li>
</ul>
<p>With API keys configured, <code>/v1</code> needs <code>Authorization: Bearer &lt;key&gt;</code>.</p>
</body>
</html>
`;

export function homeRoutes() {
  return createRouter().get("/", (c) => c.html(HOME_HTML));
}
