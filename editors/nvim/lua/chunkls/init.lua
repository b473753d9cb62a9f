-- chunkls for Neovim (0.7 and later): starts the chunkls language server for the
-- filetypes it chunks (one client per workspace root), passes its settings, follows the
-- indexer's $/progress (vim.notify and a statusline function), and adds :ChunklsStats,
-- :ChunklsReindex and a fold expression made from the server's folding ranges.
--
--   require("chunkls").setup({ cmd = { "chunkls" }, settings = { index = { exclude = { "build/**" } } } })
--
-- Everything here runs on Neovim's main loop; the server's answers come back through
-- the LSP client's callbacks.
local M = {}

local defaults = {
  cmd = { "chunkls" },
  filetypes = {
    "python", "c", "cpp", "go", "rust", "java", "javascript", "javascriptreact",
    "typescript", "typescriptreact", "ruby", "sh", "bash", "json", "jsonc",
  },
  -- A root is the nearest directory holding one of these; else the file's directory,
  -- which the server indexes only up to its file limit.
  root_markers = { ".git" },
  -- chunkls's settings (README: parseTimeLimitMs, cache.*, index.*, workspaceSymbol.limit).
  settings = {},
  -- Indexing progress through vim.notify (its start and its end).
  notify_progress = true,
  -- Set 'foldmethod' to expr with chunkls's folds in the windows of attached buffers.
  folds = false,
  -- The server's --log-level: what it writes on stderr, which Neovim's LSP log records
  -- (as errors, whatever the level).
  log_level = "warn",
}

local config = nil
local clients = {} -- root directory -> client id
local progress = {} -- client id -> { title, message, percentage, done }
local folds = {} -- bufnr -> { tick = changedtick answered, levels = {}, starts = {} }
local fold_refresh_queued = {} -- bufnr -> true while a refresh is scheduled

local function command()
  local cmd = vim.deepcopy(config.cmd)
  if config.log_level then
    vim.list_extend(cmd, { "--log-level", config.log_level })
  end
  return cmd
end

-- An empty Lua table would be sent as a JSON array; chunkls expects objects.
local function as_object(value)
  if type(value) == "table" and vim.tbl_isempty(value) then
    return vim.empty_dict()
  end
  return value
end

local function find_root(path)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  local home = vim.loop.os_homedir()
  local current = dir
  while current and current ~= "" do
    for _, marker in ipairs(config.root_markers) do
      if vim.loop.fs_stat(current .. "/" .. marker) then
        return current
      end
    end
    local parent = vim.fn.fnamemodify(current, ":h")
    if parent == current or current == home then
      break
    end
    current = parent
  end
  return dir
end

-- What the plugin's clients announce (for nvim-lspconfig users too): hierarchical
-- document symbols, line folding ranges, work-done progress.
function M.capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps.textDocument.documentSymbol = caps.textDocument.documentSymbol or {}
  caps.textDocument.documentSymbol.hierarchicalDocumentSymbolSupport = true
  caps.textDocument.foldingRange = { dynamicRegistration = false, lineFoldingOnly = true }
  caps.window = caps.window or {}
  caps.window.workDoneProgress = true
  return caps
end

-- The chunkls client attached to `bufnr` (the current buffer when nil).
function M.client(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if client.name == "chunkls" then
      return client
    end
  end
  return nil
end

local function on_progress(err, result, ctx, handler_config)
  local default = vim.lsp.handlers["$/progress"]
  if default then
    default(err, result, ctx, handler_config)
  end
  if err or type(result) ~= "table" or type(result.value) ~= "table" then
    return
  end
  local value = result.value
  local state = progress[ctx.client_id] or {}
  if value.kind == "begin" then
    state = { title = value.title or "indexing", message = value.message, percentage = value.percentage }
    if config.notify_progress then
      vim.notify("chunkls: " .. state.title, vim.log.levels.INFO)
    end
  elseif value.kind == "report" then
    state.message = value.message or state.message
    state.percentage = value.percentage or state.percentage
  elseif value.kind == "end" then
    state.done = true
    state.message = value.message or state.message
    state.percentage = nil
    if config.notify_progress then
      vim.notify("chunkls: " .. (state.message or "indexed"), vim.log.levels.INFO)
    end
  end
  progress[ctx.client_id] = state
end

-- For 'statusline': the indexing progress of the current buffer's server, then what it
-- indexed; "" without a server.
function M.status()
  local client = M.client()
  if not client then
    return ""
  end
  local state = progress[client.id]
  if not state then
    return "chunkls"
  end
  if state.done then
    return "chunkls: " .. (state.message or "indexed")
  end
  local percent = state.percentage and (" " .. state.percentage .. "%") or ""
  return "chunkls: " .. (state.title or "indexing") .. percent .. (state.message and (" " .. state.message) or "")
end

-- Levels per line from folding ranges (0-based, inclusive lines).
local function fold_levels(ranges, line_count)
  local delta, starts = {}, {}
  for _, range in ipairs(ranges or {}) do
    local first, last = range.startLine + 1, range.endLine + 1
    if last > first then
      delta[first] = (delta[first] or 0) + 1
      delta[last + 1] = (delta[last + 1] or 0) - 1
      starts[first] = true
    end
  end
  local levels, level = {}, 0
  for line = 1, line_count do
    level = level + (delta[line] or 0)
    levels[line] = level
  end
  return levels, starts
end

local function refresh_folds(bufnr)
  local client = M.client(bufnr)
  if not client then
    return
  end
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr) }
  client.request("textDocument/foldingRange", params, function(err, result)
    if err or not vim.api.nvim_buf_is_valid(bufnr) then
      return
    end
    if vim.api.nvim_buf_get_changedtick(bufnr) ~= tick then
      return -- a later edit asks again
    end
    local levels, starts = fold_levels(result, vim.api.nvim_buf_line_count(bufnr))
    folds[bufnr] = { tick = tick, levels = levels, starts = starts }
    for _, win in ipairs(vim.fn.win_findbuf(bufnr)) do
      if vim.wo[win].foldmethod == "expr" then
        vim.api.nvim_win_call(win, function()
          vim.wo.foldmethod = "expr" -- makes Neovim evaluate the expression again
        end)
      end
    end
  end, bufnr)
end

-- For 'foldexpr': v:lua.require'chunkls'.foldexpr(v:lnum)
function M.foldexpr(lnum)
  local state = folds[vim.api.nvim_get_current_buf()]
  if not state then
    return 0
  end
  local level = state.levels[lnum] or 0
  if state.starts[lnum] then
    return ">" .. level
  end
  return level
end

local function use_folds(bufnr)
  for _, win in ipairs(vim.fn.win_findbuf(bufnr)) do
    vim.wo[win].foldmethod = "expr"
    vim.wo[win].foldexpr = "v:lua.require'chunkls'.foldexpr(v:lnum)"
  end
end

local function attach(bufnr)
  if vim.bo[bufnr].buftype ~= "" then
    return
  end
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == "" then
    return
  end
  local root = find_root(path)
  local id = clients[root]
  if id and vim.lsp.get_client_by_id(id) == nil then
    id = nil
  end
  if not id then
    id = vim.lsp.start_client({
      name = "chunkls",
      cmd = command(),
      root_dir = root,
      init_options = as_object(config.settings),
      settings = { chunkls = as_object(config.settings) },
      capabilities = M.capabilities(),
      handlers = { ["$/progress"] = on_progress },
      on_exit = function()
        clients[root] = nil
      end,
    })
    if not id then
      vim.notify("chunkls: cannot start " .. table.concat(config.cmd, " "), vim.log.levels.ERROR)
      return
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  if config.folds then
    use_folds(bufnr)
    vim.api.nvim_buf_attach(bufnr, false, {
      -- One request for the changes of a whole command or keystroke, not one per line event.
      on_lines = function()
        if fold_refresh_queued[bufnr] then
          return
        end
        fold_refresh_queued[bufnr] = true
        vim.schedule(function()
          fold_refresh_queued[bufnr] = nil
          if vim.api.nvim_buf_is_valid(bufnr) then
            refresh_folds(bufnr)
          end
        end)
      end,
    })
    -- The first answer waits for the server's initialization.
    vim.defer_fn(function()
      if vim.api.nvim_buf_is_valid(bufnr) then
        refresh_folds(bufnr)
      end
    end, 100)
  end
end

-- Key paths of a decoded JSON value with their values, one per line.
local function flatten(value, prefix, out)
  if type(value) == "table" and not vim.tbl_islist(value) then
    local keys = vim.tbl_keys(value)
    table.sort(keys)
    for _, key in ipairs(keys) do
      flatten(value[key], prefix == "" and key or (prefix .. "." .. key), out)
    end
  elseif type(value) == "table" then
    if #value == 0 then
      table.insert(out, prefix .. " = []")
    end
    for i, item in ipairs(value) do
      flatten(item, prefix .. "[" .. i .. "]", out)
    end
  else
    table.insert(out, prefix .. " = " .. tostring(value))
  end
  return out
end

-- The current buffer's chunkls client, or nil after saying there is none.
local function client_or_warn()
  local client = M.client()
  if not client then
    vim.notify("chunkls: no server for this buffer", vim.log.levels.WARN)
  end
  return client
end

-- :ChunklsStats: the server's statistics (chunkls/stats) in a scratch buffer.
function M.stats()
  local client = client_or_warn()
  if not client then
    return nil
  end
  local response = client.request_sync("chunkls/stats", vim.NIL, 5000, 0)
  if not response or response.err then
    local why = response and response.err and response.err.message or "no answer within 5 s"
    vim.notify("chunkls/stats: " .. why, vim.log.levels.ERROR)
    return nil
  end
  local lines = flatten(response.result, "", {})
  vim.cmd("botright new")
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = "nofile"
  vim.bo[buf].bufhidden = "wipe"
  vim.bo[buf].swapfile = false
  vim.api.nvim_buf_set_name(buf, "chunkls://stats/" .. buf)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  return buf
end

-- :ChunklsReindex: every root of the current buffer's server walked again.
function M.reindex()
  local client = client_or_warn()
  if not client then
    return
  end
  client.request("chunkls/reindex", vim.NIL, function(err)
    if err then
      vim.notify("chunkls/reindex: " .. err.message, vim.log.levels.ERROR)
    end
  end, 0)
end

function M.setup(opts)
  config = vim.tbl_deep_extend("force", {}, defaults, opts or {})
  local group = vim.api.nvim_create_augroup("chunkls", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      attach(args.buf)
    end,
  })
  vim.api.nvim_create_user_command("ChunklsStats", function()
    M.stats()
  end, { desc = "chunkls: the server's statistics" })
  vim.api.nvim_create_user_command("ChunklsReindex", function()
    M.reindex()
  end, { desc = "chunkls: index the workspace again" })
  -- Buffers already open with a matching filetype.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype) then
      attach(bufnr)
    end
  end
end

return M
