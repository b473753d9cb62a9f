-- The Neovim plugin in a real headless Neovim (0.7+): setup() attaches the server to a
-- real file; edits made through Neovim's buffer API, normal-mode typing, deleting every
-- line and undo reach the server as Neovim's own incremental didChange; after each, the
-- plugin's server must answer documentSymbol and foldingRange exactly as a fresh server
-- does for the buffer's text. Then :ChunklsStats, the statusline function, the fold
-- expression, and no error in Neovim's LSP log.
--
-- Run: CHUNKLS_BIN=build/chunkls CHUNKLS_PLUGIN=editors/nvim CHUNKLS_SOURCE=FILE.py \
--      CHUNKLS_WORK=DIR nvim --headless -u NONE -i NONE -n -c "luafile tests/editors/nvim/plugin_test.lua"
-- Exits 0 when every check passed, 1 otherwise (each failure printed).
local failures = 0
local function check(ok, what)
  if not ok then
    failures = failures + 1
    io.stderr:write("FAIL: " .. what .. "\n")
  else
    io.stdout:write("ok: " .. what .. "\n")
  end
end

local function finish()
  io.stdout:write(failures == 0 and "PASSED\n" or (failures .. " FAILED\n"))
  vim.cmd(failures == 0 and "qall!" or "cquit! 1")
end

local ok, err = pcall(function()
  local bin = assert(os.getenv("CHUNKLS_BIN"), "CHUNKLS_BIN")
  local plugin = assert(os.getenv("CHUNKLS_PLUGIN"), "CHUNKLS_PLUGIN")
  local source = assert(os.getenv("CHUNKLS_SOURCE"), "CHUNKLS_SOURCE")
  local work = assert(os.getenv("CHUNKLS_WORK"), "CHUNKLS_WORK")
  vim.opt.runtimepath:prepend(plugin)
  vim.cmd("filetype on")
  vim.lsp.set_log_level("warn")

  -- A workspace of our own: a copy of the real file under a project marker.
  vim.fn.mkdir(work .. "/project/.git", "p")
  local file = work .. "/project/" .. vim.fn.fnamemodify(source, ":t")
  vim.fn.writefile(vim.fn.readfile(source, "b"), file, "b")

  local chunkls = require("chunkls")
  chunkls.setup({
    cmd = { bin, "--index-cache", work .. "/cache" },
    folds = true,
    notify_progress = false,
  })
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  check(vim.wait(10000, function()
    return chunkls.client(buf) ~= nil
  end, 10), "setup() attaches a chunkls client to a " .. vim.bo.filetype .. " buffer")
  local client = chunkls.client(buf)
  local function request(c, method, b)
    local response = c.request_sync(method, { textDocument = vim.lsp.util.make_text_document_params(b) }, 10000, b)
    assert(response, method .. ": no answer within 10 s")
    assert(not response.err, method .. ": " .. vim.inspect(response.err))
    return response.result
  end
  check(vim.wait(10000, function()
    local response = client.request_sync("textDocument/documentSymbol",
      { textDocument = vim.lsp.util.make_text_document_params(buf) }, 1000, buf)
    return response ~= nil and response.result ~= nil and #response.result > 0
  end, 50), "the server answers documentSymbol for the opened file")

  -- A fresh server: each check opens the buffer's current text in a new scratch buffer
  -- (didOpen with the whole text) and asks it the same questions.
  local fresh_id = vim.lsp.start_client({
    name = "fresh",
    cmd = { bin, "--no-index", "--log-level", "warn" },
    root_dir = work,
    capabilities = chunkls.capabilities(),
  })
  local fresh = vim.lsp.get_client_by_id(fresh_id)
  -- Buffers attached before initialization are opened then; wait for it.
  assert(vim.wait(10000, function()
    return fresh.initialized
  end, 10), "the fresh server initializes")
  local serial = 0
  local function fresh_answers(lines)
    serial = serial + 1
    local scratch = vim.api.nvim_create_buf(true, false)
    vim.api.nvim_buf_set_name(scratch, work .. "/fresh/" .. serial .. "_" .. vim.fn.fnamemodify(file, ":t"))
    vim.api.nvim_buf_set_lines(scratch, 0, -1, false, lines)
    vim.lsp.buf_attach_client(scratch, fresh_id)
    local symbols = request(fresh, "textDocument/documentSymbol", scratch)
    local ranges = request(fresh, "textDocument/foldingRange", scratch)
    vim.api.nvim_buf_delete(scratch, { force = true }) -- detaches (didClose)
    return symbols, ranges
  end
  local function same_as_fresh(what)
    local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
    local symbols = request(client, "textDocument/documentSymbol", buf)
    local ranges = request(client, "textDocument/foldingRange", buf)
    local want_symbols, want_ranges = fresh_answers(lines)
    check(vim.deep_equal(symbols, want_symbols), what .. ": documentSymbol equals a fresh server's ("
      .. #(want_symbols or {}) .. " top-level symbols)")
    check(vim.deep_equal(ranges, want_ranges), what .. ": foldingRange equals a fresh server's ("
      .. #(want_ranges or {}) .. " ranges)")
    return symbols
  end

  same_as_fresh("opened")

  -- Through the buffer API: lines inserted in the middle and at the end.
  local middle = math.floor(vim.api.nvim_buf_line_count(buf) / 2)
  vim.api.nvim_buf_set_lines(buf, middle, middle, false,
    { "def inserted_by_api(a, b):", "    return a + b", "" })
  vim.api.nvim_buf_set_lines(buf, -1, -1, false, { "", "class AtTheEnd:", "    def m(self):", "        pass" })
  local symbols = same_as_fresh("buffer API edits")
  local names = {}
  for _, s in ipairs(symbols) do
    names[s.name] = true
  end
  check(names.inserted_by_api and names.AtTheEnd, "the inserted function and class are listed")

  -- Normal-mode typing: a new function above the first line, a word changed in place,
  -- a line joined, lines deleted.
  vim.api.nvim_feedkeys("ggOdef typed_first():\n    return 42\n\027", "xt", false)
  vim.api.nvim_feedkeys("5Gwcwrenamed\027", "xt", false)
  vim.api.nvim_feedkeys("10GJ", "xt", false)
  vim.api.nvim_feedkeys("20G3dd", "xt", false)
  vim.api.nvim_feedkeys("Gox = [\n1,\n2,\n]\027", "xt", false)
  same_as_fresh("normal-mode typing")

  -- Every line deleted (Neovim then sends positions past the end), then undone.
  vim.cmd("silent %delete _")
  local emptied = same_as_fresh("every line deleted")
  check(#emptied == 0, "no symbol is left in an empty buffer")
  vim.cmd("silent undo")
  same_as_fresh("undo of the deletion")
  vim.cmd("silent undo")
  vim.cmd("silent undo")
  same_as_fresh("two more undos")
  vim.cmd("silent redo")
  same_as_fresh("redo")

  -- The fold expression follows the server's folds.
  local folded = vim.wait(10000, function()
    local ranges = request(client, "textDocument/foldingRange", buf)
    for _, range in ipairs(ranges) do
      if range.endLine > range.startLine then
        return vim.fn.foldlevel(range.startLine + 1) > 0
      end
    end
    return false
  end, 50)
  check(folded, "foldexpr gives the lines of a server fold a fold level")
  check(vim.wo.foldmethod == "expr", "folds = true sets foldmethod=expr")

  -- Until the server's workspace index is idle (false after 20 s).
  local function index_idle()
    return vim.wait(20000, function()
      local response = client.request_sync("chunkls/stats", vim.NIL, 1000, buf)
      return response and response.result and response.result.index and response.result.index.idle
    end, 100)
  end

  -- :ChunklsStats and the statusline.
  check(index_idle(), "the workspace index becomes idle")
  vim.cmd("ChunklsStats")
  local stats_lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  local has_index = false
  for _, line in ipairs(stats_lines) do
    if line:match("^index%.done = %d+") then
      has_index = true
    end
  end
  check(vim.api.nvim_buf_get_name(0):match("chunkls://stats/") ~= nil and has_index,
    ":ChunklsStats shows the statistics (" .. #stats_lines .. " lines)")
  vim.cmd("close")
  -- The indexer's $/progress reached the plugin: it ends with what was indexed.
  check(vim.wait(10000, function()
    return chunkls.status():match("^chunkls: indexed %d+ files") ~= nil
  end, 20), "status() follows $/progress to its end: " .. chunkls.status())
  vim.cmd("ChunklsReindex")
  check(index_idle(), ":ChunklsReindex is answered and the index is idle again")

  -- Neovim's LSP log: nothing at warning level or above from either client.
  vim.lsp.stop_client(vim.lsp.get_active_clients(), true)
  local log = vim.fn.filereadable(vim.lsp.get_log_path()) == 1 and vim.fn.readfile(vim.lsp.get_log_path()) or {}
  local problems = {}
  for _, line in ipairs(log) do
    if line:match("^%[ERROR%]") or line:match("^%[WARN%]") then
      table.insert(problems, line)
    end
  end
  check(#problems == 0, "Neovim's LSP log has no warning or error" .. (#problems > 0 and (":\n" .. table.concat(problems, "\n")) or ""))
end)
if not ok then
  check(false, "the test ran to its end: " .. tostring(err))
end
finish()
