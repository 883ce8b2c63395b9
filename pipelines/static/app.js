"use strict";
// The upload page. Everything it shows comes from the JSON API (/api/v1). Text is always set with
// textContent, never as HTML: file names and cell values come from submitters.

const API = "/api/v1";
const TOKEN_KEY = "digecon-token";  // sessionStorage: forgotten when the tab closes
let token = sessionStorage.getItem(TOKEN_KEY) || "";
let maxUploadBytes = Infinity;

const byId = (id) => document.getElementById(id);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function bilingual(zh, en) {
  const cell = element("td");
  cell.append(element("div", zh), element("div", en, "en"));
  return cell;
}

function number(value) {
  return value === null || value === undefined ? "" : Number(value).toLocaleString("zh-CN", {maximumFractionDigits: 6});
}

function showMessage(zh, en, failure = true) {
  const box = byId("message");
  box.replaceChildren(element("div", zh), element("div", en, "en"));
  box.className = failure ? "status failure" : "status";
  box.hidden = false;
}

function clearMessage() {
  byId("message").hidden = true;
}

async function call(path, options = {}) {
  const headers = {...(options.headers || {}), Authorization: `Bearer ${token}`};
  try {
    return await fetch(API + path, {...options, headers});
  } catch (networkError) {
    showMessage("无法连接服务器，请检查网络后重试。", "Cannot reach the server: check the network and try again.");
    throw networkError;
  }
}

async function showError(response) {
  let error = null;
  try {
    error = (await response.json()).error;
  } catch (_) { /* not JSON: fall through to the generic message */ }
  if (error) showMessage(error.message_zh, error.message_en);
  else showMessage(`请求失败（HTTP ${response.status}）。`, `The request failed (HTTP ${response.status}).`);
}

// ------------------------------------------------------------------------------------------ sign in

async function signIn() {
  const response = await call("/me");
  if (!response.ok) {
    sessionStorage.removeItem(TOKEN_KEY);
    byId("upload").hidden = byId("history").hidden = byId("whoami").hidden = true;
    await showError(response);
    return;
  }
  const me = await response.json();
  maxUploadBytes = me.max_upload_bytes;
  sessionStorage.setItem(TOKEN_KEY, token);
  const who = byId("whoami");
  who.replaceChildren(
    element("div", `${me.name}，${me.profile_name_zh}`),
    element("div", `${me.name}, ${me.profile_name_en} (${me.profile})`, "en"));
  const mb = maxUploadBytes / 1024 / 1024;
  byId("limits").replaceChildren(
    element("span", `每个文件不超过 ${mb} MB；每个令牌每分钟最多上传 ${me.uploads_per_minute} 个文件。`),
    element("span", ` Files up to ${mb} MB; at most ${me.uploads_per_minute} uploads a minute per token.`, "en"));
  who.hidden = false;
  byId("upload").hidden = false;
  clearMessage();
  await loadHistory();
}

byId("token-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  token = byId("token").value.trim();
  await signIn();
});

// ------------------------------------------------------------------------------------------- upload

byId("upload-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = byId("file").files[0];
  if (!file) return;
  if (file.size > maxUploadBytes) {
    const mb = maxUploadBytes / 1024 / 1024;
    showMessage(`文件超过大小上限 ${mb} MB`, `the file is larger than the ${mb} MB limit`);
    return;
  }
  clearMessage();
  const form = new FormData();
  form.append("file", file);
  const button = byId("upload-button");
  button.disabled = true;
  try {
    const response = await call("/submissions", {method: "POST", body: form});
    const body = await response.clone().json().catch(() => null);
    if (body && body.submission_id !== undefined) showSubmission(body);
    else await showError(response);
    await loadHistory();
  } finally {
    button.disabled = false;
  }
});

const VERDICTS = {
  accepted: ["检查通过，已接收", "Accepted", "accepted"],
  rejected: ["已拒收：请按下表修改后重新上传", "Rejected: fix what the table shows and upload again", "rejected"],
  received: ["已接收，等待检查", "Received, to be checked", "duplicate"],
  withdrawn: ["已撤回", "Withdrawn", "duplicate"],
};

function showSubmission(submission) {
  const report = submission.report;
  const [zh, en, style] = VERDICTS[submission.status];
  const verdict = byId("verdict");
  const again = submission.duplicate ? ["（同一文件此前已报送）", " (the same file was sent before)"] : ["", ""];
  // No number: checked for you but not archived, since the same content was received before.
  const numbered = submission.submission_id === null ? ["（本次未存档）", " (not archived)"]
    : [` · 第 ${submission.submission_id} 号报送`, ` · submission ${submission.submission_id}`];
  verdict.replaceChildren(
    element("div", `${zh}${again[0]}${numbered[0]}`),
    element("div", `${en}${again[1]}${numbered[1]}`, "en"));
  // A file sent again keeps its verdict's colour when rejected: it still has to be fixed.
  verdict.className = `verdict ${submission.duplicate && submission.status === "accepted" ? "duplicate" : style}`;
  verdict.dataset.status = submission.status;

  const summary = byId("summary");
  summary.replaceChildren();
  const facts = [
    ["文件 File", submission.file],
    ["报送人 Sent by", `${submission.submitted_by} · ${submission.received_at.replace("T", " ").slice(0, 19)}`],
    ["数据行 Rows read", report ? number(report.rows) : ""],
    ["可装载数值 Values to load", report ? number(report.observations) : ""],
    ["错误 Errors", report ? report.errors.length : ""],
    ["警告 Warnings", report ? report.warnings.length : ""],
  ];
  if (submission.withdrawn_at) {
    facts.splice(2, 0, ["撤回 Withdrawn", `${submission.withdrawn_by} · ${submission.withdrawn_at.replace("T", " ").slice(0, 19)}`]);
  }
  for (const [label, value] of facts) summary.append(element("dt", label), element("dd", value));
  // Codes and checksums only for those who ask (an administrator, a script's author).
  const technical = byId("technical-facts");
  technical.replaceChildren();
  for (const [label, value] of [["报送方代码 Profile", submission.profile], ["SHA-256", submission.sha256]]) {
    technical.append(element("dt", label), element("dd", value));
  }

  showProgress(submission);
  showFindings(report ? [...report.errors, ...report.warnings] : []);
  showChanges(report);
  byId("result").hidden = false;
}

const STEPS = ["received", "loaded", "published"];
const PROGRESS_NOTES = {
  received: ["文件已收到，稍后自动装入数据库。", "Received: it will be loaded into the database shortly."],
  loaded: ["数据已装入数据库；所属月份发布后即为已发布。", "Loaded: it is published once its month is released."],
  published: ["数据已发布。", "Published."],
};

function showProgress(submission) {
  // Only a file that loads anything moves on: received → loaded → published.
  const moving = submission.submission_id !== null && ["accepted", "received"].includes(submission.status);
  const list = byId("progress");
  const note = byId("progress-note");
  list.hidden = note.hidden = !moving;
  if (!moving) return;
  const reached = STEPS.indexOf(submission.progress);
  for (const step of list.children) step.className = STEPS.indexOf(step.dataset.step) <= reached ? "done" : "";
  list.dataset.progress = submission.progress;
  const [zh, en] = PROGRESS_NOTES[submission.progress];
  note.replaceChildren(element("span", zh), element("span", ` ${en}`, "en"));
}

function showFindings(findings) {
  // Whole-file findings (no row) first, then by row: the order of the validate command.
  findings.sort((a, b) => (a.row !== null) - (b.row !== null) || (a.row || 0) - (b.row || 0));
  const body = byId("findings").querySelector("tbody");
  body.replaceChildren();
  for (const finding of findings) {
    const row = element("tr", null, finding.severity);
    row.dataset.rule = finding.rule;  // for tools; people read the message
    row.append(
      bilingual(finding.severity === "error" ? "错误" : "警告", finding.severity),
      element("td", finding.sheet ?? ""),
      element("td", finding.row ?? "（整个文件 whole file）", "number"),
      element("td", finding.column ?? ""),
      element("td", finding.value ?? ""),
      bilingual(finding.message_zh, finding.message_en));
    body.append(row);
  }
  byId("findings").hidden = findings.length === 0;
  byId("no-findings").hidden = findings.length !== 0;
}

function showChanges(report) {
  const changes = report ? report.changes : null;
  const note = byId("changes-note");
  const body = byId("changes").querySelector("tbody");
  body.replaceChildren();
  if (report && !report.accepted) {
    note.replaceChildren(element("span", "文件被拒收，不装载任何数据，已发布的数值不变。"),
                         element("span", " A rejected file loads nothing: the published values stay as they are.", "en"));
  } else if (changes === null || changes === undefined) {
    note.replaceChildren(element("span", "尚无已发布的数据可供比较。"),
                         element("span", " Nothing published yet to compare with.", "en"));
  } else if (changes.length === 0) {
    note.replaceChildren(element("span", "与您已装载的上一版本相比，没有单元格变化。"),
                         element("span", " No cell differs from your previous vintage as loaded.", "en"));
  } else {
    note.replaceChildren(element("span", `${changes.length} 个单元格与您已装载的上一版本不同：`),
                         element("span", ` ${changes.length} cell(s) differ from your previous vintage as loaded:`, "en"));
  }
  for (const change of changes || []) {
    const row = element("tr");
    row.append(
      element("td", `${change.city_name_zh} ${change.city_code}`),
      element("td", change.period),
      element("td", `${change.indicator_name_zh} ${change.indicator_code}`),
      element("td", number(change.old_value), "number"),
      element("td", number(change.new_value), "number"),
      element("td", change.previous_submission_id, "number"),
      element("td", change.row, "number"));
    body.append(row);
  }
  byId("changes").hidden = !changes || changes.length === 0;
}

// ---------------------------------------------------------------------------------------- history

const STATUS_NAMES = {accepted: "通过 accepted", rejected: "已拒收 rejected", withdrawn: "已撤回 withdrawn",
                      received: "待检查 to be checked"};
const PROGRESS_NAMES = {received: "已接收 received", loaded: "已入库 loaded", published: "已发布 published"};

async function loadHistory() {
  const response = await call("/submissions");
  if (!response.ok) return showError(response);
  const body = byId("history-table").querySelector("tbody");
  body.replaceChildren();
  for (const item of (await response.json()).submissions) {
    const row = element("tr");
    row.dataset.submissionId = item.submission_id;
    const actions = element("td");
    const view = element("button", "查看 View");
    view.addEventListener("click", () => openSubmission(item.submission_id));
    actions.append(view);
    if (item.status === "accepted") {
      const withdraw = element("button", "撤回 Withdraw");
      withdraw.addEventListener("click", () => withdrawSubmission(item.submission_id));
      actions.append(withdraw);
    }
    row.append(
      element("td", item.submission_id, "number"),
      element("td", item.file),
      element("td", item.received_at.replace("T", " ").slice(0, 19)),
      element("td", item.submitted_by),
      element("td", STATUS_NAMES[item.status] || item.status),
      element("td", ["accepted", "received"].includes(item.status) ? PROGRESS_NAMES[item.progress] : ""),
      element("td", item.errors === undefined ? "" : `${item.errors} / ${item.warnings}`, "number"),
      actions);
    body.append(row);
  }
  byId("history").hidden = false;
}

async function openSubmission(id) {
  const response = await call(`/submissions/${id}`);
  if (!response.ok) return showError(response);
  clearMessage();
  showSubmission(await response.json());
}

async function withdrawSubmission(id) {
  const reason = prompt(`撤回第 ${id} 号报送？其数据将不再使用。请填写原因（可选）：\n` +
                        `Withdraw submission ${id}? Its values will no longer be used. Reason (optional):`);
  if (reason === null) return;  // cancelled
  const body = reason.trim() ? JSON.stringify({reason: reason.trim()}) : "";
  const response = await call(`/submissions/${id}/withdraw`,
                              {method: "POST", headers: {"Content-Type": "application/json"}, body});
  if (!response.ok) return showError(response);
  showMessage(`第 ${id} 号报送已撤回。`, `Submission ${id} withdrawn.`, false);
  await loadHistory();
}

// --------------------------------------------------------------------------------------- template

byId("template-button").addEventListener("click", async () => {
  const response = await call("/template?format=xlsx");
  if (!response.ok) return showError(response);
  const disposition = response.headers.get("Content-Disposition") || "";
  // The Chinese name comes as RFC 5987 filename*=UTF-8''…; the plain filename is the ASCII fallback.
  const encoded = disposition.match(/filename\*=UTF-8''([^;]+)/i);
  const plain = disposition.match(/filename="([^"]+)"/);
  const name = encoded ? decodeURIComponent(encoded[1]) : plain ? plain[1] : "template.xlsx";
  const link = element("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(link.href);
});

if (token) {
  byId("token").value = token;
  signIn();
}
