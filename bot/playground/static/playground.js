// The playground page: draws a runner's chat with the bot and plays that runner's side.
// Everything comes from the JSON API under /playground/api/ (bot/playground/server.py); the
// bot's messages arrive as HTML the server already made safe, and the page long-polls
// /changes so it updates as soon as the bot answers.
"use strict";

const API = "/playground/api";
const RUNNER_KEY = "playground.runner";
const TOAST_MS = 2600;

const state = {
  version: -1,
  runnerId: null,
  runners: [],
  botName: "Numb Feet Bot",
  nodes: new Map(), // key -> {signature, node}
  seenAnswers: new Map(), // runner id -> Set of answered callback query ids
  clock: null,
  clockReadAt: 0,
  commands: [],
  activeCommand: -1,
  commandMenuRequest: 0, // bumped on every open and close, so a stale open is dropped
  refreshing: null,
  refreshAgain: false,
};

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

async function api(path, body) {
  const options = body === undefined
    ? { headers: { Accept: "application/json" } }
    : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(API + path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- keeping up with the world ---------------------------------------------------------------

async function pollForever() {
  for (;;) {
    try {
      const { version } = await api(`/changes?since=${state.version}`);
      if (version !== state.version) {
        // A smaller version means the server restarted: its button answers start over too.
        if (version < state.version) state.seenAnswers.clear();
        await refresh();
        // Only once the page shows it: after a failed refresh the next poll answers at once
        // and the refresh is tried again, instead of waiting for some later change.
        state.version = version;
      }
    } catch (error) {
      await sleep(1000);
    }
  }
}

// One refresh at a time; a change during a refresh triggers exactly one more.
async function refresh() {
  if (state.refreshing) {
    state.refreshAgain = true;
    return state.refreshing;
  }
  state.refreshing = (async () => {
    do {
      state.refreshAgain = false;
      await refreshOnce();
    } while (state.refreshAgain);
  })();
  try {
    await state.refreshing;
  } finally {
    state.refreshing = null;
  }
}

async function refreshOnce() {
  // The chat is read beside the runners and the clock, not after them: the clock asks the
  // bot's database for the runner's next reminder, which can wait while the bot answers.
  const runnerId = state.runnerId;
  const [{ runners }, clock, chat] = await Promise.all([
    api("/runners"),
    api(`/clock?runner_id=${runnerId === null ? "" : runnerId}`),
    runnerId === null ? null : api(`/runners/${runnerId}/chat`),
  ]);
  state.runners = runners;
  if (!runners.some((runner) => runner.id === state.runnerId)) {
    const saved = Number(localStorage.getItem(RUNNER_KEY));
    const fallback = runners.find((runner) => runner.id === saved) || runners[0];
    state.runnerId = fallback ? fallback.id : null;
  }
  renderRunners();
  if (state.runnerId === null) {
    setClock(clock);
    renderChat(null);
  } else if (runnerId === state.runnerId) {
    setClock(clock);
    renderChat(chat);
  } else {
    state.refreshAgain = true; // another runner is shown now: read their chat and clock
  }
}

// ---- runners ---------------------------------------------------------------------------------

function runnerLabel(runner) {
  return `${runner.first_name} (${runner.language_code || "no language"}) · id ${runner.id}`;
}

function renderRunners() {
  const select = $("runner-select");
  const wanted = state.runners.map((runner) => [String(runner.id), runnerLabel(runner)]);
  const current = [...select.options].map((option) => [option.value, option.textContent]);
  if (JSON.stringify(wanted) !== JSON.stringify(current)) {
    select.replaceChildren(...wanted.map(([value, label]) => new Option(label, value)));
  }
  if (state.runnerId !== null) select.value = String(state.runnerId);
}

function switchRunner(runnerId) {
  if (runnerId === state.runnerId) return;
  state.runnerId = runnerId;
  localStorage.setItem(RUNNER_KEY, String(runnerId));
  state.nodes.clear();
  $("message-list").replaceChildren();
  $("toast").hidden = true;
  closePopups();
  refresh();
}

function openNewRunner() {
  const dialog = $("new-runner-dialog");
  $("new-runner-error").hidden = true;
  $("new-runner-name").value = suggestName();
  dialog.hidden = false;
  $("new-runner-name").select();
}

function suggestName() {
  const names = ["Sam", "Maria", "Jonas", "Priya", "Kofi", "Lena", "Tom", "Aiko"];
  const taken = new Set(state.runners.map((runner) => runner.first_name));
  return names.find((name) => !taken.has(name)) || "Runner";
}

async function createRunner(event) {
  event.preventDefault();
  const form = $("new-runner-form");
  const body = {
    first_name: form.elements.first_name.value.trim(),
    language_code: form.elements.language_code.value.trim(),
  };
  try {
    const runner = await api("/runners", body);
    $("new-runner-dialog").hidden = true;
    state.runners.push(runner);
    renderRunners();
    switchRunner(runner.id);
  } catch (error) {
    const shown = $("new-runner-error");
    shown.textContent = error.message;
    shown.hidden = false;
  }
}

// ---- the chat --------------------------------------------------------------------------------

function renderChat(chat) {
  const list = $("message-list");
  const scroller = $("messages");
  const nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
  const before = list.childElementCount;
  if (chat === null || chat.messages.length === 0) {
    state.nodes.clear();
    const hint = document.createElement("div");
    hint.className = "empty-chat";
    hint.dataset.testid = "empty-chat";
    hint.textContent = chat === null
      ? "Create a runner to start chatting."
      : "No messages here yet. Send /start, or press the / button to see the commands.";
    list.replaceChildren(hint);
  } else {
    reconcile(list, chatNodes(chat.messages));
  }
  if (chat !== null) {
    renderReplyKeyboard(chat.reply_keyboard);
    showNewAnswers(chat.runner.id, chat.callback_answers);
  }
  if (nearBottom || list.childElementCount !== before) scroller.scrollTop = scroller.scrollHeight;
}

// Put `nodes` in `list` in order, moving only what changed so the scroll position holds.
function reconcile(list, nodes) {
  nodes.forEach((node, index) => {
    const current = list.children[index];
    if (current !== node) list.insertBefore(node, current || null);
  });
  while (list.children.length > nodes.length) list.lastElementChild.remove();
}

// Build (or reuse) one node per date chip and per message, keyed so unchanged ones stay put.
function chatNodes(messages) {
  const keep = new Map();
  const nodes = [];
  let lastDay = null;
  messages.forEach((message, index) => {
    const day = new Date(message.date * 1000).toDateString();
    if (day !== lastDay) {
      lastDay = day;
      nodes.push(reuse(keep, `day:${day}`, day, () => dateChip(message.date)));
    }
    const next = messages[index + 1];
    const tail = !next || next.side !== message.side;
    const signature = JSON.stringify([message, tail]);
    nodes.push(reuse(keep, `msg:${message.id}`, signature, () => messageNode(message, tail)));
  });
  state.nodes = keep;
  return nodes;
}

function reuse(keep, key, signature, build) {
  const known = state.nodes.get(key);
  const node = known && known.signature === signature ? known.node : build();
  keep.set(key, { signature, node });
  return node;
}

function dateChip(epochSeconds) {
  const date = new Date(epochSeconds * 1000);
  const chip = document.createElement("div");
  chip.className = "date-chip";
  chip.dataset.testid = "date-chip";
  const label = document.createElement("span");
  label.textContent = date.toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long" });
  chip.append(label);
  return chip;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function messageNode(message, tail) {
  const row = el("div", `msg ${message.side}${tail ? " tail" : ""}`);
  row.dataset.testid = "message";
  row.dataset.side = message.side;
  row.dataset.messageId = String(message.id);
  const stack = el("div", "msg-stack");
  row.append(stack);
  const meta = metaNode(message);
  if (message.media && message.media.kind === "sticker") {
    const sticker = el("div", "sticker");
    sticker.dataset.testid = "sticker";
    sticker.append(el("div", "sticker-emoji", message.media.emoji || "🖼️"), meta);
    stack.append(sticker);
  } else {
    const bubble = el("div", "bubble");
    bubble.dataset.testid = "bubble";
    if (message.media) bubble.append(mediaNode(message.media));
    const text = el("div", "text");
    text.dataset.testid = "message-text";
    text.innerHTML = message.html; // made safe by the server (bot/playground/render.py)
    text.append(meta);
    bubble.append(text);
    stack.append(bubble);
  }
  if (message.inline_keyboard.length > 0) stack.append(inlineKeyboard(message));
  return row;
}

function metaNode(message) {
  const meta = el("span", "meta");
  if (message.edited) {
    const edited = el("span", "edited", "edited");
    edited.dataset.testid = "edited-marker";
    meta.append(edited);
  }
  const time = el("time", "", formatTime(message.date * 1000));
  time.dataset.testid = "message-time";
  meta.append(time);
  if (message.side === "user") meta.append(el("span", "ticks", "✓✓"));
  return meta;
}

function formatTime(epochMs) {
  return new Date(epochMs).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
}

function mediaNode(media) {
  if (media.kind === "photo") {
    if (!media.url) return el("div", "photo photo-missing", "🖼️ Photo");
    const image = el("img", "photo");
    image.dataset.testid = "photo";
    image.alt = "Photo";
    image.src = media.url;
    image.addEventListener("error", () => image.replaceWith(el("div", "photo photo-missing", "🖼️ Photo")));
    return image;
  }
  const link = el(media.url ? "a" : "div", "document");
  link.dataset.testid = "document";
  if (media.url) {
    link.href = media.url;
    link.download = media.file_name || "file";
  }
  const details = el("div", "");
  details.append(
    el("div", "document-name", media.file_name || "File"),
    el("div", "document-size", formatSize(media.size)),
  );
  link.append(el("div", "document-icon", "📄"), details);
  return link;
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function inlineKeyboard(message) {
  const keyboard = el("div", "inline-keyboard");
  keyboard.dataset.testid = "inline-keyboard";
  for (const row of message.inline_keyboard) {
    const line = el("div", "ik-row");
    for (const button of row) {
      const node = el("button", `ik-button ik-${button.kind}`, button.text);
      node.type = "button";
      node.dataset.testid = "inline-button";
      if (button.kind === "callback") {
        node.dataset.callbackData = button.callback_data;
        node.addEventListener("click", () => press(node, message.id, button.callback_data));
      } else if (button.kind === "url") {
        node.title = button.url;
        node.addEventListener("click", () => window.open(button.url, "_blank", "noopener"));
      } else {
        node.disabled = true;
        node.title = "This kind of button is not simulated in the playground";
      }
      line.append(node);
    }
    keyboard.append(line);
  }
  return keyboard;
}

async function press(node, messageId, callbackData) {
  node.classList.add("pressed");
  try {
    await api(`/runners/${state.runnerId}/presses`, { message_id: messageId, callback_data: callbackData });
  } catch (error) {
    toast(error.message);
  } finally {
    setTimeout(() => node.classList.remove("pressed"), 1200);
  }
}

function renderReplyKeyboard(keyboard) {
  const panel = $("reply-keyboard");
  const input = $("message-input");
  input.placeholder = (keyboard && keyboard.placeholder) || "Message";
  if (!keyboard || keyboard.rows.length === 0) {
    panel.hidden = true;
    panel.replaceChildren();
    return;
  }
  panel.replaceChildren(...keyboard.rows.map((row) => {
    const line = el("div", "rk-row");
    for (const label of row) {
      const button = el("button", "rk-button", label);
      button.type = "button";
      button.dataset.testid = "reply-button";
      button.addEventListener("click", () => sendText(label));
      line.append(button);
    }
    return line;
  }));
  panel.hidden = false;
}

// ---- toasts and alerts (the bot's answers to button presses) ---------------------------------

function showNewAnswers(runnerId, answers) {
  let seen = state.seenAnswers.get(runnerId);
  if (!seen) {
    // Answers from before this page was opened are old news.
    state.seenAnswers.set(runnerId, new Set(answers.map((answer) => answer.id)));
    return;
  }
  for (const answer of answers) {
    if (seen.has(answer.id)) continue;
    seen.add(answer.id);
    if (answer.show_alert) showAlert(answer.text);
    else toast(answer.text);
  }
}

let toastTimer = null;

function toast(text) {
  const node = $("toast");
  node.textContent = text;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.hidden = true; }, TOAST_MS);
}

function showAlert(text) {
  $("alert-title").textContent = state.botName;
  $("alert-text").textContent = text;
  $("alert").hidden = false;
  $("alert-ok").focus();
}

// ---- sending ---------------------------------------------------------------------------------

async function sendText(text) {
  if (!text.trim() || state.runnerId === null) return;
  try {
    await api(`/runners/${state.runnerId}/messages`, { text });
  } catch (error) {
    toast(error.message);
  }
}

async function submitInput(event) {
  event.preventDefault();
  const input = $("message-input");
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  fitInput();
  closePopups();
  await sendText(text);
}

function fitInput() {
  const input = $("message-input");
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 140)}px`;
}

async function sendSticker(emoji) {
  closePopups();
  try {
    await api(`/runners/${state.runnerId}/stickers`, { emoji });
  } catch (error) {
    toast(error.message);
  }
}

// ---- the command menu ------------------------------------------------------------------------

async function openCommands(filter) {
  if (state.runnerId === null) return;
  const request = ++state.commandMenuRequest;
  const { commands } = await api(`/runners/${state.runnerId}/commands`);
  // The message may have been sent, or the menu closed, while the list was on its way.
  if (request !== state.commandMenuRequest) return;
  state.commands = commands.filter((item) => `/${item.command}`.startsWith(filter || "/"));
  // While typing a command, Enter picks the first match, as in Telegram.
  state.activeCommand = filter ? 0 : -1;
  const menu = $("command-menu");
  if (state.commands.length === 0) {
    if (filter) {
      menu.hidden = true;
      return;
    }
    menu.replaceChildren(el("div", "command-empty", "The bot has not published any commands."));
  } else {
    menu.replaceChildren(...state.commands.map((item, index) => {
      const row = el("button", "command-item");
      row.type = "button";
      row.dataset.testid = "command-item";
      row.dataset.command = item.command;
      row.append(el("span", "command-name", `/${item.command}`), el("span", "command-description", item.description));
      row.classList.toggle("active", index === state.activeCommand);
      row.addEventListener("click", () => chooseCommand(item.command));
      return row;
    }));
  }
  $("sticker-panel").hidden = true;
  menu.hidden = false;
}

function chooseCommand(command) {
  const input = $("message-input");
  input.value = "";
  fitInput();
  closePopups();
  sendText(`/${command}`);
  input.focus();
}

function moveActiveCommand(step) {
  const items = [...$("command-menu").querySelectorAll(".command-item")];
  if (items.length === 0) return;
  state.activeCommand = (state.activeCommand + step + items.length) % items.length;
  items.forEach((item, index) => item.classList.toggle("active", index === state.activeCommand));
  items[state.activeCommand].scrollIntoView({ block: "nearest" });
}

function closeCommandMenu() {
  state.commandMenuRequest += 1;
  $("command-menu").hidden = true;
}

function closePopups() {
  closeCommandMenu();
  $("sticker-panel").hidden = true;
}

// ---- the clock -------------------------------------------------------------------------------

function setClock(clock) {
  state.clock = clock;
  state.clockReadAt = performance.now();
  const nextRun = $("clock-next-run");
  nextRun.disabled = clock.next_run === null;
  nextRun.title = clock.next_run === null
    ? "No reminder planned for this runner"
    : `Jump to this runner's next reminder (${new Date(clock.next_run).toLocaleString("en-GB", {
      weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    })})`;
  renderClock();
}

function renderClock() {
  if (!state.clock) return;
  const now = new Date(state.clock.epoch_ms + (performance.now() - state.clockReadAt));
  const node = $("clock-now");
  node.textContent = now.toLocaleString("en-GB", {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  });
  node.dateTime = now.toISOString();
  const ahead = state.clock.offset_seconds;
  node.title = ahead > 0
    ? `${now.toISOString()} · ${formatDuration(ahead)} ahead of real time`
    : `${now.toISOString()} · real time`;
}

function formatDuration(seconds) {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return [days && `${days} d`, hours && `${hours} h`, minutes && `${minutes} min`].filter(Boolean).join(" ") || "0 min";
}

async function advanceClock(step) {
  try {
    setClock(await api("/clock", { advance: step, runner_id: state.runnerId }));
  } catch (error) {
    toast(error.message);
  }
}

// ---- wiring ----------------------------------------------------------------------------------

function onInputKey(event) {
  const menuOpen = !$("command-menu").hidden;
  if (menuOpen && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
    event.preventDefault();
    moveActiveCommand(event.key === "ArrowDown" ? 1 : -1);
  } else if (event.key === "Escape") {
    closePopups();
  } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    if (menuOpen && state.activeCommand >= 0) chooseCommand(state.commands[state.activeCommand].command);
    else $("composer").requestSubmit();
  }
}

function onInputChange() {
  fitInput();
  const value = $("message-input").value;
  if (/^\/\w*$/.test(value)) openCommands(value);
  else closeCommandMenu();
}

function onMessagesClick(event) {
  const command = event.target.closest(".tg-command");
  if (command) {
    sendText(command.dataset.command);
    return;
  }
  const spoiler = event.target.closest(".tg-spoiler");
  if (spoiler) spoiler.classList.add("revealed");
}

async function init() {
  $("composer").addEventListener("submit", submitInput);
  $("message-input").addEventListener("keydown", onInputKey);
  $("message-input").addEventListener("input", onInputChange);
  $("menu-button").addEventListener("click", () => {
    if ($("command-menu").hidden) openCommands("");
    else closePopups();
  });
  $("sticker-button").addEventListener("click", () => {
    const panel = $("sticker-panel");
    const wasHidden = panel.hidden;
    closePopups();
    panel.hidden = !wasHidden;
  });
  for (const choice of document.querySelectorAll(".sticker-choice")) {
    choice.addEventListener("click", () => sendSticker(choice.dataset.emoji));
  }
  $("messages").addEventListener("click", onMessagesClick);
  $("runner-select").addEventListener("change", (event) => switchRunner(Number(event.target.value)));
  $("new-runner-button").addEventListener("click", openNewRunner);
  $("new-runner-form").addEventListener("submit", createRunner);
  $("new-runner-cancel").addEventListener("click", () => { $("new-runner-dialog").hidden = true; });
  $("alert-ok").addEventListener("click", () => { $("alert").hidden = true; });
  for (const button of document.querySelectorAll("[data-advance]")) {
    button.addEventListener("click", () => advanceClock(button.dataset.advance));
  }
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    closePopups();
    $("alert").hidden = true;
    $("new-runner-dialog").hidden = true;
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".bottom")) closePopups();
  });
  setInterval(renderClock, 1000);

  try {
    const bot = await api("/bot");
    state.botName = bot.first_name;
    $("bot-name").textContent = bot.first_name;
    $("bot-subtitle").textContent = `bot · @${bot.username}`;
    document.title = `${bot.first_name} · Playground`;
  } catch (error) {
    toast(`The playground server did not answer: ${error.message}`);
  }
  document.body.dataset.ready = "true";
  pollForever();
  $("message-input").focus();
}

init();
