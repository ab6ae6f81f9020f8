// Outside-in check that a quality round's chart and printable report draw,
// in Debian's Chromium with playwright-core (no browser download):
//   1. through the API (as an admin), a round of "Gmina Żółkiewka" on a
//      two-plane methodology with Polish names, completed;
//   2. GET …/chart.svg rendered to a PNG (drawn on a canvas): 640×640, not
//      blank, every label laid out, the Polish names intact;
//   3. GET …/report.html printed to PDF: one page for the summary and one
//      per plane, the chart inline, the names intact.
// The PNG and the PDF are kept in OUTPUT_DIR.
//
// Usage: node quality-render.mjs
// Env:   BASE_URL     (default http://127.0.0.1:18080)
//        TOKEN        an admin's access token (required)
//        OUTPUT_DIR   (default ../target)
//        CHROMIUM     (default /usr/bin/chromium)

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const started = performance.now();
const here = path.dirname(fileURLToPath(import.meta.url));
const BASE_URL = (process.env.BASE_URL || "http://127.0.0.1:18080").replace(/\/+$/, "");
const TOKEN = process.env.TOKEN || "";
const OUTPUT_DIR = path.resolve(here, process.env.OUTPUT_DIR || "../target");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const API = `${BASE_URL}/api/v1`;

const elapsed = () => `${((performance.now() - started) / 1000).toFixed(2)}s`;
class CheckFailed extends Error {}
function fail(msg) {
  throw new CheckFailed(msg);
}

async function call(method, uri, body) {
  const res = await fetch(`${API}${uri}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) fail(`${method} ${uri} -> ${res.status}: ${text.slice(0, 400)}`);
  return text ? JSON.parse(text) : null;
}

const JST = "Gmina Żółkiewka";
const AREAS = [
  [1, "Pożytek publiczny", "Współdziałanie przy uchwałach"],
  [1, "Pożytek publiczny", "Źródła wiedzy o potrzebach"],
  [2, "Zadania zlecone", "Dotacje i konkursy ofert"],
  [2, "Zadania zlecone", "Partnerstwa lokalne"],
];

async function completedRound() {
  const planes = [1, 2].map((number) => ({
    number,
    name: AREAS.find(([n]) => n === number)[1],
    weight: 1,
    areas: AREAS.filter(([n]) => n === number).map(([, , name], i) => ({
      code: `p${number}a${i}`,
      name,
      weight: 1,
      indicators: [
        {
          code: `${number}.${i}`,
          question: `Czy ${name.toLowerCase()} działa?`,
          scale: { type: "yes_no" },
          weight: 1,
          source: "working_group",
        },
      ],
    })),
  }));
  const unique = `${Date.now()}`;
  const methodology = await call("POST", "/quality/methodologies", {
    key: `render-${unique}`,
    name: "Indeks — sprawdzenie wykresu",
    planes,
  });
  // The same local government on a second run against one database, with
  // a round for a year it has none of.
  const found = await call("GET", `/organizations?kind=local_government&q=${encodeURIComponent(JST)}`);
  const jst =
    found.items.find((o) => o.name === JST) ||
    (await call("POST", "/organizations", { name: JST, kind: "local_government", country: "PL", teryt_code: "02" }));
  const taken = await call("GET", `/quality/rounds?organization_id=${jst.id}&limit=100`);
  let year = 2025;
  while (taken.items.some((r) => r.year === year)) year -= 1;
  const official = await call("POST", "/people", { full_name: "Urzędniczka Łucja", organization_id: jst.id });
  const activist = await call("POST", "/people", { full_name: "Działacz Żaneta" });
  const round = await call("POST", "/quality/rounds", {
    organization_id: jst.id,
    year,
    methodology_id: methodology.id,
    working_group: [
      { person_id: official.id, side: "local_government" },
      { person_id: activist.id, side: "ngo" },
    ],
  });
  await call("POST", `/quality/rounds/${round.id}/start`);
  for (const plane of planes) {
    for (const area of plane.areas) {
      for (const indicator of area.indicators) {
        await call("PUT", `/quality/rounds/${round.id}/assessments/${indicator.code}`, {
          answer: indicator.code === "2.1" ? 0 : 1,
          evidence: "Uchwała nr XII/45/2025 — zgłoszone uwagi.",
          recommendation: "Ułatwić składanie ofert.",
        });
      }
    }
  }
  await call("POST", `/quality/rounds/${round.id}/complete`);
  return { id: round.id, year, planes: planes.length };
}

let context;
let exitCode = 0;
const userDataDir = mkdtempSync(path.join(tmpdir(), "coopera-quality-render-"));
try {
  if (!TOKEN) fail("TOKEN (an admin's access token) is required");
  const round = await completedRound();
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    viewport: { width: 800, height: 800 },
    timeout: 60000,
  });
  const page = await context.newPage();
  mkdirSync(OUTPUT_DIR, { recursive: true });

  // The chart, as a browser draws it: rasterised on a canvas (the PNG).
  const chartUrl = `${API}/quality/rounds/${round.id}/chart.svg`;
  const response = await page.goto(chartUrl);
  if (response.status() !== 200) fail(`chart.svg -> ${response.status()}`);
  const drawn = await page.evaluate(async (url) => {
    const labels = [...document.querySelectorAll("text")].map((t) => ({
      text: t.textContent,
      length: t.getComputedTextLength(),
    }));
    // Every line of every label inside the drawing (wrapped, none cut).
    const box = document.documentElement.viewBox.baseVal;
    const outside = [...document.querySelectorAll("text, tspan")]
      .map((t) => ({ text: t.textContent, b: t.getBBox() }))
      .filter(({ b }) => b.x < box.x || b.y < box.y || b.x + b.width > box.x + box.width || b.y + b.height > box.y + box.height)
      .map(({ text }) => text);
    const title = document.querySelector("svg > title")?.textContent;
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElementNS("http://www.w3.org/1999/xhtml", "canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) inked += 1;
    }
    return {
      width: canvas.width,
      height: canvas.height,
      inked: inked / (canvas.width * canvas.height),
      png: canvas.toDataURL("image/png"),
      labels,
      outside,
      title,
    };
  }, chartUrl);
  const png = path.join(OUTPUT_DIR, "quality-chart.png");
  writeFileSync(png, Buffer.from(drawn.png.split(",")[1], "base64"));
  if (drawn.width !== 640 || drawn.height !== 640) fail(`the chart is ${drawn.width}×${drawn.height}, expected 640×640`);
  if (drawn.inked < 0.05) fail(`the chart is nearly blank (${(drawn.inked * 100).toFixed(2)} % inked)`);
  if (drawn.title !== `${JST} — ${round.year}`) fail(`the chart's title reads ${JSON.stringify(drawn.title)}`);
  if (drawn.outside.length > 0) fail(`labels run off the chart: ${JSON.stringify(drawn.outside)}`);
  const unlaid = drawn.labels.filter((l) => !(l.length > 0));
  if (unlaid.length > 0) fail(`labels not laid out: ${JSON.stringify(unlaid)}`);
  for (const [, , name] of AREAS) {
    if (!drawn.labels.some((l) => l.text.includes(name))) fail(`no label names the area ${JSON.stringify(name)}`);
  }
  console.log(
    `[quality-render ${elapsed()}] chart: ${drawn.width}×${drawn.height}, ${(drawn.inked * 100).toFixed(1)} % inked, ${drawn.labels.length} labels laid out; ${png}`,
  );

  // The report, printed: a page for the summary and one per plane.
  const report = await page.goto(`${API}/quality/rounds/${round.id}/report.html`);
  if (report.status() !== 200) fail(`report.html -> ${report.status()}`);
  const shown = await page.evaluate(() => ({
    heading: document.querySelector("h1")?.textContent,
    chart: document.querySelectorAll(".chart svg text").length,
    planes: document.querySelectorAll("section.page h2").length,
  }));
  if (!shown.heading?.includes(JST)) fail(`the report's heading reads ${JSON.stringify(shown.heading)}`);
  if (shown.chart === 0) fail("the report holds no chart");
  if (shown.planes !== round.planes) fail(`the report has ${shown.planes} plane pages, expected ${round.planes}`);
  const pdf = await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
  const pdfPath = path.join(OUTPUT_DIR, "quality-report.pdf");
  writeFileSync(pdfPath, pdf);
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
  if (pages !== 1 + round.planes) fail(`the report prints on ${pages} pages, expected ${1 + round.planes} (a summary and one per plane)`);
  console.log(`PASS quality-render: the chart draws with its Polish labels; the report prints on ${pages} pages (${elapsed()}); ${pdfPath}`);
} catch (e) {
  exitCode = 1;
  console.error(`FAIL quality-render: ${e instanceof CheckFailed ? e.message : e?.stack || e} (${elapsed()})`);
} finally {
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(exitCode);
