// Outside-in check of the service's Swagger UI, driven through Debian's
// Chromium with playwright-core (no browser download):
//   1. open ${BASE_URL}/swagger-ui/
//   2. "Authorize" -> OAuth2 scheme `oauth2`, password flow, log in
//   3. GET /api/v1/me (operationId get_me) -> "Try it out" -> "Execute"
//   4. the live response must be 200 and contain the user's email
//
// Usage: node swagger-ui.mjs
// Env:   BASE_URL        (default http://127.0.0.1:18080)
//        DEMO_USERNAME   (default admin@coopera.example)
//        DEMO_PASSWORD   (default admin-demo-password)
//        SCREENSHOT_DIR  (default ../target)
//        CHROMIUM        (default /usr/bin/chromium)
//        TIMEOUT_MS      (per step, default 15000)

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const started = performance.now();
const here = path.dirname(fileURLToPath(import.meta.url));

const BASE_URL = (process.env.BASE_URL || "http://127.0.0.1:18080").replace(/\/+$/, "");
const USERNAME = process.env.DEMO_USERNAME || "admin@coopera.example";
const PASSWORD = process.env.DEMO_PASSWORD || "admin-demo-password";
const SCREENSHOT_DIR = path.resolve(here, process.env.SCREENSHOT_DIR || "../target");
const SCREENSHOT = path.join(SCREENSHOT_DIR, "swagger-ui-me.png");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const TIMEOUT_MS = Number(process.env.TIMEOUT_MS || 15000);
const TOKEN_PATH = "/api/v1/auth/token";

const elapsed = () => `${((performance.now() - started) / 1000).toFixed(2)}s`;
const log = (msg) => console.log(`[swagger-ui ${elapsed()}] ${msg}`);

class CheckFailed extends Error {}
function fail(msg) {
  throw new CheckFailed(msg);
}

// Every request Swagger UI sends to the token endpoint, with its answer,
// so a failed login can be reported exactly as the browser sent it.
const tokenExchanges = [];
function describeTokenExchanges() {
  if (tokenExchanges.length === 0) return "  (Swagger UI sent no request to the token endpoint)";
  return tokenExchanges
    .map((x, i) => {
      const h = Object.entries(x.headers)
        .filter(([k]) => !["user-agent", "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform"].includes(k))
        .map(([k, v]) => `    ${k}: ${v}${k === "authorization" ? decodeBasic(v) : ""}`)
        .join("\n");
      return [
        `  #${i + 1} ${x.method} ${x.url}`,
        h,
        `    body: ${redact(x.body)}`,
        `  -> ${x.status ?? "(no response)"} ${x.responseBody ? x.responseBody.slice(0, 500) : ""}`,
      ].join("\n");
    })
    .join("\n");
}
function decodeBasic(v) {
  const m = /^Basic\s+(.*)$/i.exec(v || "");
  if (!m) return "";
  try {
    return `   (decodes to ${JSON.stringify(Buffer.from(m[1], "base64").toString("utf8"))})`;
  } catch {
    return "";
  }
}
function redact(body) {
  if (body == null) return "(none)";
  return body.replace(/(password=)[^&]*/g, "$1<redacted>");
}

const userDataDir = mkdtempSync(path.join(tmpdir(), "coopera-swagger-ui-"));
let context;
let page;
let exitCode = 0;

try {
  log(`Chromium ${CHROMIUM}, profile ${userDataDir}, target ${BASE_URL}/swagger-ui/`);
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 1600 },
    timeout: 60000,
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  page = context.pages()[0] ?? (await context.newPage());
  log(`browser ${context.browser()?.version() ?? "(persistent context)"} started`);

  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("request", (req) => {
    if (new URL(req.url()).pathname === TOKEN_PATH && req.method() !== "OPTIONS") {
      tokenExchanges.push({ req, method: req.method(), url: req.url(), headers: req.headers(), body: req.postData() });
    }
  });
  page.on("response", async (res) => {
    const x = tokenExchanges.find((t) => t.req === res.request());
    if (!x) return;
    x.status = res.status();
    try {
      x.responseBody = await res.text();
    } catch {
      /* body gone */
    }
  });

  // 1. The page, and the spec rendered in it.
  const nav = await page.goto(`${BASE_URL}/swagger-ui/`, { waitUntil: "domcontentloaded" });
  if (!nav || !nav.ok()) fail(`GET ${BASE_URL}/swagger-ui/ answered ${nav ? nav.status() : "nothing"}`);
  const authorizeBtn = page.locator(".scheme-container button.authorize, .auth-wrapper button.authorize").first();
  await authorizeBtn.waitFor({ state: "visible" }).catch(() =>
    fail(`Swagger UI did not render an "Authorize" button${pageErrors.length ? `; page errors: ${pageErrors.join(" | ")}` : ""}`),
  );
  log("Swagger UI loaded");

  // 2. Authorize with the password flow of the `oauth2` scheme.
  await authorizeBtn.click();
  const dialog = page.locator(".dialog-ux .modal-ux");
  await dialog.waitFor({ state: "visible" }).catch(() => fail('the "Authorize" dialog did not open'));
  // Swagger UI shows one block per OAuth2 flow, headed "oauth2 (OAuth2, <flow>)";
  // pick the password flow of scheme `oauth2`. (Select by heading, not by the
  // username input: once logged in, the block shows the username as text.)
  const pwBlock = dialog
    .locator(".auth-container")
    .filter({ has: page.locator("h4", { hasText: /^\s*oauth2\s*\(OAuth2,\s*password\)/ }) })
    .first();
  if ((await pwBlock.count()) === 0) {
    const headings = await dialog.locator(".auth-container h4").allInnerTexts();
    fail(`the Authorize dialog has no password-flow block for scheme "oauth2"; it shows: ${JSON.stringify(headings)}`);
  }
  const flowText = (await pwBlock.locator("p", { hasText: "Flow:" }).first().innerText().catch(() => "")).trim();
  log(`dialog block: "${(await pwBlock.locator("h4").first().innerText()).trim()}" ${flowText ? `(${flowText})` : ""}`);

  await pwBlock.locator("input#oauth_username").fill(USERNAME);
  await pwBlock.locator("input#oauth_password").fill(PASSWORD);
  // client_id / client_secret are deliberately left empty; whatever "client
  // credentials location" Swagger UI defaults to is what is tested.
  const clientLocation = await pwBlock
    .locator("select#password_type")
    .inputValue()
    .catch(() => "(no selector)");
  log(`filled username/password; client credentials location = ${clientLocation}`);

  const tokenResponse = page.waitForResponse(
    (r) => new URL(r.url()).pathname === TOKEN_PATH && r.request().method() === "POST",
    { timeout: TIMEOUT_MS },
  );
  await pwBlock.locator("button.authorize", { hasText: /^\s*Authorize\s*$/ }).click();
  const tr = await tokenResponse.catch(() => null);
  if (!tr) fail(`Swagger UI sent no POST ${TOKEN_PATH} after the dialog's Authorize\n${describeTokenExchanges()}`);
  // Let the response handler record the body.
  await page.waitForTimeout(100);
  if (tr.status() !== 200) {
    const shown = (await pwBlock.locator(".errors").allInnerTexts().catch(() => [])).join(" ").trim();
    fail(
      `the token request failed with ${tr.status()}; Swagger UI shows: ${JSON.stringify(shown)}\n` +
        `request(s) Swagger UI sent:\n${describeTokenExchanges()}`,
    );
  }
  const logout = pwBlock.locator("button", { hasText: /^\s*Logout\s*$/ });
  await logout.waitFor({ state: "visible" }).catch(async () => {
    const shown = (await pwBlock.innerText({ timeout: 2000 }).catch(() => "")).replace(/\s+/g, " ").slice(0, 400);
    fail(`token answered 200 but the dialog does not show "Logout"; it shows: ${shown}\n${describeTokenExchanges()}`);
  });
  const authorizedText = await pwBlock.locator("h6", { hasText: "Authorized" }).count();
  log(`logged in (dialog shows "Logout"${authorizedText ? ' and "Authorized"' : ""})`);
  await dialog.locator("button.close-modal, button", { hasText: /^\s*Close\s*$/ }).first().click();
  await dialog.waitFor({ state: "hidden" }).catch(() => fail("the Authorize dialog did not close"));

  // 3. GET /api/v1/me: expand, Try it out, Execute.
  const op = page.locator("#operations-auth-get_me");
  await op.waitFor({ state: "visible" }).catch(() => fail("operation GET /api/v1/me (#operations-auth-get_me) not shown"));
  await op.locator(".opblock-summary").first().click();
  const tryOut = op.locator("button.try-out__btn");
  await tryOut.waitFor({ state: "visible" }).catch(() => fail('"Try it out" not shown for GET /api/v1/me'));
  // tryItOutEnabled may already have switched it on (the button then says "Cancel").
  if (/Try it out/i.test(await tryOut.innerText())) await tryOut.click();
  const execute = op.locator("button.execute");
  await execute.waitFor({ state: "visible" }).catch(() => fail('"Execute" not shown for GET /api/v1/me'));

  const meResponse = page.waitForResponse(
    (r) => new URL(r.url()).pathname === "/api/v1/me" && r.request().method() === "GET",
  );
  await execute.click();
  const mr = await meResponse.catch(() => fail("Execute sent no GET /api/v1/me"));
  const sentAuth = mr.request().headers()["authorization"] || "";
  log(`Execute -> GET /api/v1/me answered ${mr.status()} (Authorization sent: ${sentAuth ? sentAuth.split(" ")[0] + " …" : "none"})`);

  // 4. The live response that Swagger UI shows.
  const live = op.locator(".live-responses-table .response").first();
  await live.waitFor({ state: "visible" }).catch(() => fail("no live response shown after Execute"));
  const shownCode = (await live.locator(".response-col_status").first().innerText()).trim();
  const shownBody = (await live.locator(".response-col_description .microlight, .response-col_description pre").first().innerText()).trim();
  // The viewport (1280x1600) with the operation at its top: the request, the
  // curl line and the live response, as a person would see them.
  await op.evaluate((el) => el.scrollIntoView({ block: "start" }));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: SCREENSHOT });
  log(`screenshot ${SCREENSHOT}`);

  if (shownCode !== "200") fail(`the live response shows code ${JSON.stringify(shownCode)}, expected 200; body: ${shownBody.slice(0, 400)}`);
  if (!shownBody.includes(USERNAME)) fail(`the live response body does not contain ${USERNAME}: ${shownBody.slice(0, 400)}`);
  log(`live response: ${shownCode} ${shownBody.replace(/\s+/g, " ").slice(0, 160)}`);
  console.log(`PASS swagger-ui: logged in as ${USERNAME} via the oauth2 password flow; GET /api/v1/me -> 200 with the email (${elapsed()})`);
} catch (e) {
  exitCode = 1;
  if (page && !page.isClosed()) {
    try {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      console.error(`(screenshot of the failure: ${SCREENSHOT})`);
    } catch {
      /* ignore */
    }
  }
  console.error(`FAIL swagger-ui: ${e instanceof CheckFailed ? e.message : e?.stack || e} (${elapsed()})`);
} finally {
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
  console.log(`swagger-ui check took ${elapsed()}`);
}
process.exit(exitCode);
