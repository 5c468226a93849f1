-- Headless Neovim as a real LSP client of `callflow lsp` (tests/lsp_nvim.rs).
-- Environment: CALLFLOW (the binary), FLOW_FILE (the file to open), OUT
-- (where to write one line per diagnostic: "line:col code message", with
-- Neovim's 1-based line and byte column).
local callflow = os.getenv("CALLFLOW")
local file = os.getenv("FLOW_FILE")
local out = os.getenv("OUT")

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local config = {
  name = "callflow",
  cmd = { callflow, "lsp" },
  root_dir = vim.fn.fnamemodify(file, ":h"),
}
-- vim.lsp.start is Neovim 0.8+; Debian 12 ships 0.7, which has start_client.
if vim.lsp.start then
  vim.lsp.start(config)
else
  local id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buf, id)
end

local ok = vim.wait(30000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)

local lines = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or ""
  local message = d.message:gsub("\n.*", "")
  table.insert(lines, string.format("%d:%d %s %s", d.lnum + 1, d.col + 1, code, message))
end
table.sort(lines)
vim.fn.writefile(lines, out)
vim.lsp.stop_client(vim.lsp.get_active_clients())
vim.cmd(ok and "qall!" or "cquit!")
